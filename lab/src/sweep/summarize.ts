/**
 * From a topology's steps to its summary: knee, the capacity search's result, CPU per
 * request by role (steps at or below the knee, where nothing was abandoned), the
 * generator's own CPU per request, and warnings when the generator itself may have
 * shaped the figures.
 */
import { CPU_ROLES, totalCpu, type CpuByRole } from './cpu-roles.js';
import { knee } from './analysis.js';
import type { Curve } from './run-curve.js';
import type { SweepStep, SweepTopology } from '../model/sweep.js';

/** The generator is "late on its schedule" when its p99 lag with a connection free passes this, ms. */
export const LATE_LAG_MS = 10;
/** The generator itself used more than this share of one core during a step. */
export const BUSY_GENERATOR_CORES = 0.5;

export function cpuPerRequest(steps: readonly SweepStep[]): (CpuByRole & { total: number }) | null {
  const measured = steps.filter((s) => s.cpu !== null);
  const responses = measured.reduce((n, s) => n + s.responses, 0);
  if (measured.length === 0 || responses === 0) return null;
  const out = { app: 0, primary: 0, 'pm2 daemon': 0, nginx: 0, total: 0 };
  for (const s of measured) for (const r of CPU_ROLES) out[r] += ((s.cpu as CpuByRole)[r] * 1000) / responses;
  out.total = totalCpu(out);
  return out;
}

export function summarizeCurve(base: { mode: string; title: string; workers: number; probeRps: number | null }, curve: Curve): SweepTopology {
  const kneeRps = knee(curve.steps);
  const belowKnee = curve.steps.filter((s) => kneeRps !== null && s.offeredRps <= kneeRps);
  const sent = curve.steps.reduce((n, s) => n + s.sent, 0);
  const generatorCpu = curve.steps.reduce((n, s) => n + s.generatorCpuSeconds, 0);
  return {
    ...base,
    available: true,
    steps: curve.steps,
    skippedRates: curve.skippedRates,
    knee: kneeRps,
    capacity: curve.capacity,
    cpuPerRequestMs: cpuPerRequest(belowKnee.length > 0 ? belowKnee : curve.steps.slice(0, 1)),
    cpuNotMeasured: [],
    cpuVsSingle: null,
    // k6 does not measure its own CPU: null ("–"), never 0.
    generatorCpuPerRequestUs: sent > 0 && !curve.steps.some((s) => s.unmeasured?.includes('generatorCpu')) ? (generatorCpu * 1e6) / sent : null,
  };
}

/** Sets each topology's CPU per request against single's. */
export function withCpuVsSingle(topologies: SweepTopology[]): SweepTopology[] {
  const single = topologies.find((t) => t.mode === 'single')?.cpuPerRequestMs?.total;
  return topologies.map((t) => ({
    ...t,
    cpuVsSingle: single && t.cpuPerRequestMs ? t.cpuPerRequestMs.total / single : null,
  }));
}

/** One line per topology whose capacity is a measurement fault. */
export function capacityFaults(t: SweepTopology): string[] {
  return t.capacity?.fault ? [`${t.mode}: measurement fault: ${t.capacity.fault}`] : [];
}

/** One line per step where the generator may have shaped the figures: late on its schedule, or busy itself. */
export function generatorWarnings(t: SweepTopology): string[] {
  const out: string[] = [];
  for (const s of t.steps) {
    const cores = s.wallMs > 0 ? s.generatorCpuSeconds / (s.wallMs / 1000) : 0;
    if (s.unmeasured?.includes('schedulerLag') !== true && s.schedulerLagMs.p99 > LATE_LAG_MS) {
      out.push(`${t.mode} at ${s.offeredRps} req/s: the load generator was late on its schedule (p99 ${s.schedulerLagMs.p99.toFixed(1)} ms, max ${s.schedulerLagMs.max.toFixed(1)} ms with a connection free); latency there includes the generator's own delay`);
    }
    if (cores > BUSY_GENERATOR_CORES) {
      out.push(`${t.mode} at ${s.offeredRps} req/s: the load generator used ${cores.toFixed(2)} of a core; it shares the machine with the server`);
    }
    if (s.dropped > 0 || s.queuedForConnection > 0) {
      out.push(`${t.mode} at ${s.offeredRps} req/s: all ${s.connections} connections were busy: ${s.queuedForConnection} requests waited for one, ${s.dropped} were dropped (never sent)`);
    }
  }
  return out;
}
