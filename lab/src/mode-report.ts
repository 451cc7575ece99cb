/**
 * Turns repeated runs of each topology into the comparison: medians with min–max,
 * speedup over single, and scaling efficiency against the cores the app could use.
 */
import { BUSY_SHARE_WARNING } from './machine-load.js';
import type { MachineInfo, ModeReport, PerWorker, RunResult, Scenario } from './model/report-model.js';
import type { Topology } from './topologies.js';
import type { Repetition } from './core/runtime.js';
import { sortedWorkers } from './report/workers.js';
import { median } from './runner/stats.js';
import { meanInterval, ratioInterval, scaled, type Estimate } from './model/interval.js';
import { round } from './model/numbers.js';

export { median };

export type { Repetition };

/** The repetition whose requests/s is the median (the lower middle for an even count). */
export function medianRepetition(reps: readonly Repetition[]): Repetition | undefined {
  const sorted = [...reps].sort((a, b) => a.result.rps - b.result.rps);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** X-Worker and the worker label are strings on the wire; an index is a number in the report. */
function workerId(label: string): number | string {
  return /^\d+$/.test(label) ? Number(label) : label;
}

function perWorker(rep: Repetition): PerWorker[] {
  const rows = new Map<string, PerWorker>();
  for (const w of rep.workers) {
    rows.set(w.worker, {
      worker: w.worker,
      requests: 0,
      cpuSeconds: round(w.cpuSeconds, 3),
      ...(w.handlerMeanMs === null ? {} : { serverMeanMs: round(w.handlerMeanMs, 2) }),
    });
  }
  for (const [worker, requests] of Object.entries(rep.result.perWorker)) {
    const row = rows.get(worker) ?? { worker, requests: 0, cpuSeconds: 0 };
    row.requests = requests;
    rows.set(worker, row);
  }
  return sortedWorkers([...rows.values()].map((row) => ({ ...row, worker: workerId(String(row.worker)) })));
}


export function unavailableReport(t: Topology, workers: number, reason: string): ModeReport {
  return {
    mode: t.mode,
    title: t.title,
    strategy: t.strategy,
    available: false,
    reason,
    workers,
    coresUsable: 0,
    rps: { median: 0, min: 0, max: 0 },
    speedup: 0,
    efficiency: 0,
    latencyMs: { mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 },
    completed: 0,
    errors: 0,
    perWorker: [],
    runnerCpuSeconds: 0,
    runsRps: [],
  };
}

/** Cores the load generator kept busy during a run (its CPU seconds over the run's time). */
export function generatorCores(run: Pick<RunResult, 'runnerCpuSeconds' | 'totalTimeMs'>): number {
  return run.totalTimeMs > 0 ? run.runnerCpuSeconds / (run.totalTimeMs / 1000) : 0;
}

/** The app's CPU ms per completed request in one repetition (every serving process summed), null without CPU figures. */
export function cpuPerRequestMs(rep: Repetition): number | null {
  if (rep.workers.length === 0 || rep.result.completed === 0) return null;
  return (rep.workers.reduce((sum, w) => sum + w.cpuSeconds, 0) / rep.result.completed) * 1000;
}

const rounded = (e: Estimate, decimals: number): Estimate => ({ value: round(e.value, decimals), low: round(e.low, decimals), high: round(e.high, decimals), n: e.n });
/** A latency or a CPU time is never below zero: the t interval of a skewed few runs can reach below it. */
const nonNegative = (e: Estimate): Estimate => ({ ...e, low: Math.max(0, e.low) });

export function modeReport(t: Topology, workers: number, machine: MachineInfo, reps: readonly Repetition[]): ModeReport {
  const rpsValues = reps.map((r) => r.result.rps);
  const mid = medianRepetition(reps);
  if (!mid) throw new Error(`${t.mode}: no repetition to report`);
  const result = mid.result;
  // The machine's limit: the cores available, less a container's CPU limit where there is one.
  const cores = Math.min(machine.availableParallelism, machine.cpuLimit ?? Infinity);
  const usable = Math.min(workers, cores);
  return {
    mode: t.mode,
    title: t.title,
    strategy: t.strategy,
    available: true,
    reason: null,
    workers,
    coresUsable: usable,
    ceiling: round(Math.min(usable, machine.availableParallelism - generatorCores(result)), 2),
    rps: { median: round(median(rpsValues), 1), min: round(Math.min(...rpsValues), 1), max: round(Math.max(...rpsValues), 1) },
    speedup: 0,
    efficiency: 0,
    latencyMs: result.latencyMs,
    completed: result.completed,
    errors: result.errors.total,
    perWorker: perWorker(mid),
    runnerCpuSeconds: round(median(reps.map((r) => r.result.runnerCpuSeconds)), 3),
    medianRun: result,
    runsRps: rpsValues.map((v) => round(v, 1)),
    intervals: {
      rps: rounded(meanInterval(rpsValues), 1),
      p50: nonNegative(rounded(meanInterval(reps.map((r) => r.result.latencyMs.p50)), 1)),
      p99: nonNegative(rounded(meanInterval(reps.map((r) => r.result.latencyMs.p99)), 1)),
      cpuPerRequestMs: nonNegative(rounded(meanInterval(reps.map(cpuPerRequestMs).filter((c): c is number => c !== null)), 3)),
    },
  };
}

/**
 * Fills speedup and efficiency against single: the ratio of mean requests/s with its
 * delta-method interval (stats/interval.ts); a mode without intervals (an older
 * report) falls back to the ratio of medians.
 */
export function withSpeedups(modes: ModeReport[]): ModeReport[] {
  const single = modes.find((m) => m.mode === 'single' && m.available);
  return modes.map((m) => {
    if (!m.available || !single || single.rps.median === 0) return m;
    const cores = Math.max(1, m.coresUsable);
    if (m === single) return { ...m, speedup: 1, efficiency: round(1 / cores, 3) };
    if (m.intervals === undefined || single.runsRps.length === 0) {
      const speedup = m.rps.median / single.rps.median;
      return { ...m, speedup: round(speedup, 2), efficiency: round(speedup / cores, 3) };
    }
    const speedup = ratioInterval(m.runsRps, single.runsRps);
    const efficiency = scaled(speedup, 1 / cores);
    return {
      ...m,
      speedup: round(speedup.value, 2),
      efficiency: round(efficiency.value, 3),
      intervals: { ...m.intervals, speedup: rounded(speedup, 3), efficiency: rounded(efficiency, 3) },
    };
  });
}

/** Conditions under which the comparison says less than it seems to. */
export function fairnessWarnings(modes: readonly ModeReport[], machine: MachineInfo, workers: number, scenario: Scenario): string[] {
  const warnings: string[] = [];
  if (workers > machine.availableParallelism) {
    warnings.push(`WORKERS=${workers} exceeds the ${machine.availableParallelism} cores available: workers share cores, so efficiency is measured against ${machine.availableParallelism}.`);
  }
  for (const m of modes) {
    const run = m.medianRun;
    if (!run || run.totalTimeMs === 0) continue;
    if (run.unmeasured?.includes('generatorCpu')) {
      warnings.push(`${m.mode}: ${run.generator ?? 'the load generator'} does not report its own CPU: the limit in parentheses assumes it used none.`);
      continue;
    }
    const share = generatorCores(run);
    if (share > 0.1) {
      warnings.push(`${m.mode}: the load generator took ${(share * 100).toFixed(0)}% of one core during the run (over 10%), CPU the app could not use.`);
    }
  }
  const busy = machine.busyCoresAtStart;
  if (busy !== undefined && busy !== null && busy > machine.availableParallelism * BUSY_SHARE_WARNING) {
    warnings.push(`Other work kept ${busy.toFixed(2)} of ${machine.availableParallelism} cores busy in the second before the first run: figures may be low and noisy (see what runs with top).`);
  }
  if (scenario.requests < scenario.concurrency * 2) {
    warnings.push(`Only ${scenario.requests} requests for ${scenario.concurrency} connections: most connections carry one or two requests, so the run mostly measures connection setup.`);
  }
  return warnings;
}
