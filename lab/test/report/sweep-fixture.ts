/**
 * A sweep report and a scale report shaped like a run on a 2-core machine: curves from
 * an M/D/c-like model (latency flat, then rising past the knee), a cluster scaling from
 * 1 to 4 workers (as if on 4 cores, so that it is fitted). Deterministic.
 */
import type { OpenLatency, OpenStepResult } from '../../src/runner/open-model.js';
import type { ScaleReport } from '../../src/model/scale.js';
import { analyseScale } from '../../src/scale/analysis.js';
import { INTERVAL_METHOD } from '../../src/model/interval.js';
import { knee, meetsObjective, objectiveP99 } from '../../src/sweep/analysis.js';
import type { CapacityResult } from '../../src/model/sweep.js';
import { withCpuVsSingle } from '../../src/sweep/summarize.js';
import type { StepRun, SweepReport, SweepTopology } from '../../src/model/sweep.js';
import { MACHINE } from './fixture.js';
import { uslThroughput } from '../../src/model/scale.js';

const SLO = 100;

function latency(p50: number, tail: number): OpenLatency {
  return { count: 400, mean: p50 * 1.1, p50, p90: p50 * 1.5 * tail, p99: p50 * 2 * tail, p999: p50 * 2.5 * tail, max: p50 * 3 * tail };
}

function curve(mode: string, title: string, workers: number, capacity: number, cpuMs: number): SweepTopology {
  const rates = [0.2, 0.4, 0.6, 0.8, 0.9, 1.0, 1.1, 1.25].map((s) => Math.round(capacity * s));
  const steps = rates.map((rate) => {
    const rho = rate / capacity;
    const queue = rho < 0.8 ? 1 : rho < 1 ? 1 + 10 * (rho - 0.8) : 20 * rho * rho;
    const step: OpenStepResult = {
      offeredRps: rate,
      achievedRps: Math.min(rate, capacity * 0.98),
      scheduled: rate * 4,
      sent: rate * 4,
      responses: rate * 4,
      queuedForConnection: rho > 1 ? Math.round(rate * (rho - 1)) : 0,
      dropped: 0,
      unfinished: 0,
      errors: { non2xx: 0, socket: 0, timeout: 0, total: 0 },
      latencyMs: latency(6 * queue, 1.2),
      uncorrectedMs: latency(6 * Math.min(queue, 8), 1),
      schedulerLagMs: { p99: 1.2, max: 3 },
      generatorCpuSeconds: rate * 4 * 0.0003,
      wallMs: 4000,
      connections: 200,
      durationMs: 4000,
    };
    const cpu = { app: (rate * 4 * cpuMs * 0.9) / 1000, primary: mode.startsWith('cluster') ? (rate * 4 * cpuMs * 0.1) / 1000 : 0, 'pm2 daemon': 0, nginx: 0 };
    const met = meetsObjective(step, SLO);
    const run: StepRun = { order: 0, purpose: 'bracket', p99Ms: step.latencyMs.p99, objectiveP99Ms: objectiveP99(step), meetsObjective: met };
    return { ...step, meetsObjective: met, objectiveP99Ms: objectiveP99(step), cpu, runs: [run] };
  });
  // The first miss and the pass below it bound the capacity; each ran twice, as the search confirms them.
  const firstMiss = steps.findIndex((s) => !s.meetsObjective);
  const lowStep = firstMiss > 0 ? steps[firstMiss - 1] : undefined;
  const highStep = firstMiss >= 0 ? steps[firstMiss] : undefined;
  for (const s of [lowStep, highStep]) {
    const first = s?.runs[0];
    if (s && first) s.runs = [first, { ...first, purpose: 'repeat' }];
  }
  const capacityResult: CapacityResult = { low: lowStep?.offeredRps ?? null, high: highStep?.offeredRps ?? null, resolution: Math.round(capacity * 0.05), probeRps: capacity, probes: [capacity], fault: null, upper: highStep?.offeredRps ?? null };
  const kneeRps = knee(steps);
  const below = steps.filter((s) => kneeRps !== null && s.offeredRps <= kneeRps);
  const responses = below.reduce((n, s) => n + s.responses, 0);
  const app = below.reduce((n, s) => n + s.cpu.app, 0) * 1000 / responses;
  const primary = below.reduce((n, s) => n + s.cpu.primary, 0) * 1000 / responses;
  return {
    mode, title, workers, available: true, probeRps: capacity, steps, skippedRates: [], knee: kneeRps,
    capacity: capacityResult,
    cpuPerRequestMs: { app, primary, 'pm2 daemon': 0, nginx: 0, total: app + primary },
    cpuNotMeasured: [], cpuVsSingle: null, generatorCpuPerRequestUs: 300,
  };
}

export function sweepFixture(): SweepReport {
  return {
    created: '2026-12-03T12:00:00.000Z',
    runtime: 'native',
    generator: "the lab's runner (open model), in the lab's own process on this machine",
    machine: MACHINE,
    path: '/heavy',
    sloP99Ms: SLO,
    stepSeconds: 4,
    connections: 200,
    ratesFrom: 'probe',
    topologies: withCpuVsSingle([
      curve('single', 'single process', 1, 200, 5),
      curve('cluster', 'node:cluster (round-robin)', 2, 330, 5.6),
      curve('nginx', 'nginx upstream (least_conn)', 2, 300, 6.4),
      { mode: 'reuseport', title: 'reusePort instances', workers: 2, available: false, reason: 'the app\'s Node lacks listen({ reusePort })', probeRps: null, steps: [], skippedRates: [], knee: null, capacity: null, cpuPerRequestMs: null, cpuNotMeasured: [], cpuVsSingle: null, generatorCpuPerRequestUs: null },
    ]),
    faults: [],
    warnings: ['cluster at 413 req/s: all 200 connections were busy: 41 requests waited for one, 0 were dropped (never sent)'],
  };
}

/** Four sizes, three interleaved repetitions each, fitted as if the machine had 4 cores. */
export function scaleFixture(): ScaleReport {
  const noise = [[0.01, -0.01, 0.02], [-0.02, 0.01, -0.01], [0.015, 0, -0.02], [-0.01, 0.02, 0]];
  const sizes = [1, 2, 3, 4].map((n, i) => ({
    workers: n,
    repetitions: (noise[i] ?? []).map((d, r) => ({ round: r + 1, rps: uslThroughput(n, 190, 0.12, 0.03) * (1 + d), p99Ms: (1200 / n) * (1 + d), errors: 0, cpuPerRequestMs: 5 + n * 0.2 + d })),
  }));
  return {
    created: '2026-12-03T12:00:00.000Z',
    runtime: 'native',
    machine: MACHINE,
    mode: 'cluster',
    title: 'node:cluster (round-robin)',
    scenario: { path: '/heavy', requests: 1200, concurrency: 200, keepAlive: true, timeoutMs: 10000, warmupRequests: 400, steadyMinRequests: 0 },
    repeat: 3,
    repetitions: '3 repetitions as asked (REPEAT=3)',
    cores: 4,
    ...analyseScale(sizes, 4, { resamples: 200 }),
    intervalMethod: INTERVAL_METHOD,
  };
}
