/**
 * Steady state before measuring: every serving process (each worker, each replica) is
 * warmed until its CPU per request is stable over consecutive windows, not the topology
 * as a whole. V8 recompiles a hot route to a faster tier after a count of calls (the
 * lab's /heavy: 3.0 → 1.65 ms of CPU per request after ~10,700 requests in one Node 24
 * process, docs/steady-state.md), so a process that has served fewer requests than
 * another runs different code; a fixed warm-up count favours the topology with fewest
 * processes. The same per-process cost, read over each measured repetition, says
 * whether the cost drifted while measuring (drift()).
 */
import type { Scenario } from '../model/report-model.js';
import type { WorkerSnapshot } from '../runner/worker-metrics.js';

export interface SteadyPlan {
  /** Requests per serving process in one window. */
  windowPerProcess: number;
  /** Windows in a row whose cost is within the tolerance of their median. */
  stableWindows: number;
  /** ±share of the median cost a window may differ by and still count as stable (0.1: ±10%). */
  tolerance: number;
  /** Stop warming after this long even if not stable, ms (the report says so). */
  capMs: number;
  /**
   * Requests each process must have served (since it started, so a topology `make up`
   * started and a previous run warmed counts) before it can be called stable: V8's late
   * tier-up of /heavy comes after ~10,700 requests in Node 24, and no window before it
   * can see it coming.
   */
  minPerProcess: number;
}

/** The lab's plan: windows of the scenario's warmupRequests per process, ±10% over 3 windows, steadyMinRequests per process at least, 150 s at most. */
export function steadyPlan(scenario: Pick<Scenario, 'warmupRequests' | 'steadyMinRequests'>): SteadyPlan {
  return { windowPerProcess: scenario.warmupRequests, stableWindows: 3, tolerance: 0.1, capMs: 150_000, minPerProcess: scenario.steadyMinRequests };
}

/** How to warm one topology: send a window of requests, read every serving process's counters. */
export interface SteadyTarget {
  /** Sends `requests` requests at the scenario's concurrency and waits for their answers. */
  load(requests: number): Promise<void>;
  /** Each serving process's CPU and handled-request counters now, in a stable order. */
  read(): Promise<WorkerSnapshot[]>;
  /** Serving processes (the window is windowPerProcess × this). */
  processes: number;
}

export interface ProcessCost {
  worker: string;
  /** CPU milliseconds per handled request in the last window (null: it handled none). */
  cpuPerRequestMs: number | null;
}

export interface WarmUpReport {
  /** True when every process met the tolerance; false when the cap stopped it. */
  stable: boolean;
  requests: number;
  windows: number;
  seconds: number;
  tolerance: number;
  /** Each process's cost over its last stable windows (the median): the reference drift is measured against. */
  reference: ProcessCost[];
  /** One phrase: "stable after 6 windows (4,800 requests, 9.1 s): every process within ±10% over 3 windows". */
  text: string;
}

/** CPU ms per handled request of each process over an interval (its CPU seconds and requests handled in it). */
export function intervalCosts(deltas: readonly Pick<WorkerSnapshot, 'worker' | 'cpuSeconds' | 'handlerCount'>[]): ProcessCost[] {
  return deltas.map((d) => ({ worker: d.worker, cpuPerRequestMs: d.handlerCount > 0 ? (d.cpuSeconds / d.handlerCount) * 1000 : null }));
}

/** CPU ms per handled request of each process between two readings. */
export function costs(before: readonly WorkerSnapshot[], after: readonly WorkerSnapshot[]): ProcessCost[] {
  return intervalCosts(after.map((a, i) => ({
    worker: a.worker,
    cpuSeconds: a.cpuSeconds - (before[i]?.cpuSeconds ?? 0),
    handlerCount: a.handlerCount - (before[i]?.handlerCount ?? 0),
  })));
}

function medianOf(values: readonly number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** A process's last `k` window costs are stable when each is within ±tolerance of their median. */
export function isStable(history: readonly (number | null)[], k: number, tolerance: number): boolean {
  const last = history.slice(-k);
  if (last.length < k || last.some((c) => c === null)) return false;
  const values = last as number[];
  const m = medianOf(values);
  return m > 0 && values.every((c) => Math.abs(c - m) <= tolerance * m);
}

/** Warms until every process is stable (or the cap), with a progress line per window. */
export async function warmToSteadyState(target: SteadyTarget, plan: SteadyPlan, progress?: (line: string) => void): Promise<WarmUpReport> {
  const started = performance.now();
  const window = plan.windowPerProcess * Math.max(1, target.processes);
  const histories: (number | null)[][] = [];
  let before = await target.read();
  let windows = 0;
  let stable = false;
  const served = (): number => windows * window;
  for (;;) {
    await target.load(window);
    const after = await target.read();
    windows++;
    costs(before, after).forEach((c, i) => (histories[i] ??= []).push(c.cpuPerRequestMs));
    before = after;
    stable = histories.length > 0 && histories.every((h, i) => (after[i]?.handlerCount ?? 0) >= plan.minPerProcess && isStable(h, plan.stableWindows, plan.tolerance));
    const elapsed = performance.now() - started;
    progress?.(`window ${windows}: ${histories.map((h) => format(h.at(-1) ?? null)).join(' ')} ms CPU/request per process`);
    if (stable || elapsed >= plan.capMs) break;
  }
  const seconds = (performance.now() - started) / 1000;
  const reference = before.map((s, i) => {
    const known = (histories[i] ?? []).slice(-plan.stableWindows).filter((c): c is number => c !== null);
    return { worker: s.worker, cpuPerRequestMs: known.length > 0 ? medianOf(known) : null };
  });
  const tol = `±${Math.round(plan.tolerance * 100)}%`;
  const what = `${windows} windows (${served().toLocaleString('en')} requests, ${seconds.toFixed(1)} s)`;
  const short = before.filter((s, i) => s.handlerCount < plan.minPerProcess || !isStable(histories[i] ?? [], plan.stableWindows, plan.tolerance));
  const text = stable
    ? `stable after ${what}: ${plan.minPerProcess > 0 ? `every process served ${plan.minPerProcess.toLocaleString('en')}+ requests and` : 'every process'} stayed within ${tol} over ${plan.stableWindows} windows`
    : `NOT stable after ${what}: the ${Math.round(plan.capMs / 1000)} s cap came first (${short.map((s) => `worker ${s.worker}: ${s.handlerCount.toLocaleString('en')} requests served`).join(', ')})`;
  return { stable, requests: served(), windows, seconds, tolerance: plan.tolerance, reference, text };
}

function format(c: number | null): string {
  return c === null ? '–' : c.toFixed(2);
}

/** A process whose CPU per request over a repetition moved beyond the tolerance from its warm reference. */
export interface Drift {
  worker: string;
  referenceMs: number;
  measuredMs: number;
  /** measured / reference − 1. */
  change: number;
}

/** The processes of one repetition whose cost drifted beyond the tolerance (empty: none). */
export function drift(reference: readonly ProcessCost[], measured: readonly ProcessCost[], tolerance: number): Drift[] {
  const out: Drift[] = [];
  for (const m of measured) {
    const ref = reference.find((r) => r.worker === m.worker)?.cpuPerRequestMs ?? null;
    if (ref === null || m.cpuPerRequestMs === null || ref <= 0) continue;
    const change = m.cpuPerRequestMs / ref - 1;
    if (Math.abs(change) > tolerance) out.push({ worker: m.worker, referenceMs: ref, measuredMs: m.cpuPerRequestMs, change });
  }
  return out;
}
