/**
 * One topology's latency-versus-offered-load curve, run as a capacity search
 * (capacity-search.ts): open-model steps up the ladder until one misses the objective,
 * then bisection between the last pass and the first miss, every miss and the final
 * pass confirmed by a repeat. The server is settled between steps. Each step uses
 * enough connections for the rate, at most `connections`: ceil(rate / 2), at least 8, so
 * that every connection is reused within about 2 s (an idle keep-alive connection is
 * closed by Node after 5 s), all of them connected before the schedule starts.
 */
import { runOpenLoad, type OpenStepResult } from '../runner/open-model.js';
import { meetsObjective, objectiveP99 } from './analysis.js';
import { searchCapacity, verdictOf, type CapacityResult, type SearchPurpose } from './capacity-search.js';
import { settle } from './settle.js';
import type { StepRun, SweepStep } from '../model/sweep.js';
import type { CpuByRole } from './cpu-roles.js';
import type { StepUnmeasured } from './k6-step.js';

/** One open-model step as a runtime runs it (Docker: the runner in its container), with the CPU it measured. */
export interface StepRequest {
  rate: number;
  durationMs: number;
  connections: number;
  warmPath: string;
  timeoutMs?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}
export type StepRunner = (request: StepRequest) => Promise<{ result: OpenStepResult; cpu: CpuByRole | null; unmeasured?: StepUnmeasured[] }>;

export interface CurveOptions {
  url: string;
  /** Runs a step elsewhere (default: runOpenLoad in this process against url, CPU from measureCpu). */
  runStep?: StepRunner;
  /** The bracket's ladder (RATES, or shares of the probe). */
  ladder: readonly number[];
  /** The bisection's stopping width, requests/s. */
  resolution: number;
  /** The closed-loop probe's maximum, requests/s: a confirmed pass above it is a fault (null: not checked). */
  probeRps: number | null;
  /** Measures the closed-loop maximum again when a confirmed pass contradicts it (see capacity-search.ts). */
  reprobe?: () => Promise<number>;
  /** Climb past the ladder's top until a miss (the default ladder; RATES stop at their top). */
  extend?: boolean;
  stepSeconds: number;
  connections: number;
  sloP99Ms: number;
  timeoutMs?: number;
  /** A cheap URL polled between steps until it answers promptly (default: the target's origin, "/"). */
  settleUrl?: string;
  /** Starts CPU accounting before a step; the returned function reads it after the step. */
  measureCpu?: () => () => CpuByRole;
  /** Called after each run (progress lines): the run's figures, why it ran, and how many ran so far. */
  onStep?: (step: RunStep, purpose: SearchPurpose, count: number) => void;
  /** Passed to each step (a progress bar). */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface Curve {
  /** One per rate run, ascending. */
  steps: SweepStep[];
  skippedRates: number[];
  capacity: CapacityResult;
}

/** One run's figures, judged. */
export type RunStep = Omit<SweepStep, 'runs'>;

/** Connections for one step: ceil(rate / 2), at least 8, at most the cap. */
export function stepConnections(rate: number, cap: number): number {
  return Math.min(cap, Math.max(8, Math.ceil(rate / 2)));
}

export async function runCurve(options: CurveOptions): Promise<Curve> {
  const settleUrl = options.settleUrl ?? new URL('/', options.url).href;
  let count = 0;
  const plan = {
    ladder: options.ladder,
    resolution: options.resolution,
    probeRps: options.probeRps,
    ...(options.reprobe === undefined ? {} : { reprobe: options.reprobe }),
    ...(options.extend === undefined ? {} : { extend: options.extend }),
  };
  const outcome = await searchCapacity(plan, async (rate, purpose) => {
    const step = await runStep(options, rate, settleUrl, count > 0);
    count++;
    options.onStep?.(step, purpose, count);
    return { pass: step.meetsObjective, result: step };
  });
  return { steps: stepsByRate(outcome.runs), skippedRates: outcome.skippedRates, capacity: outcome.capacity };
}

/** The runs grouped by rate, ascending: each rate's last run's figures (it agrees with the verdict) and all its runs. */
export function stepsByRate(runs: readonly { rate: number; purpose: SearchPurpose; pass: boolean; result: RunStep }[]): SweepStep[] {
  const byRate = new Map<number, { kept: RunStep; runs: StepRun[] }>();
  for (const [i, r] of runs.entries()) {
    const run: StepRun = { order: i + 1, purpose: r.purpose, p99Ms: r.result.latencyMs.p99, objectiveP99Ms: r.result.objectiveP99Ms, meetsObjective: r.pass };
    const entry = byRate.get(r.rate);
    if (entry === undefined) byRate.set(r.rate, { kept: r.result, runs: [run] });
    else byRate.set(r.rate, { kept: r.result, runs: [...entry.runs, run] });
  }
  return [...byRate.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, { kept, runs: rateRuns }]) => ({ ...kept, meetsObjective: verdictOf(rateRuns.map((r) => r.meetsObjective)), runs: rateRuns }));
}

async function runStep(options: CurveOptions, rate: number, settleUrl: string, settleFirst: boolean): Promise<RunStep> {
  if (settleFirst) await settle(settleUrl);
  const warmPath = new URL(settleUrl).pathname;
  const request: StepRequest = {
    rate,
    durationMs: options.stepSeconds * 1000,
    connections: stepConnections(rate, options.connections),
    warmPath,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const { result, cpu, unmeasured } = await (options.runStep ?? localStep(options))(request);
  return {
    ...result,
    meetsObjective: meetsObjective(result, options.sloP99Ms),
    objectiveP99Ms: objectiveP99(result),
    cpu,
    ...(unmeasured === undefined ? {} : { unmeasured }),
  };
}

/** A step run by this process against options.url, CPU read around its schedule by measureCpu. */
function localStep(options: CurveOptions): StepRunner {
  return async (request) => {
    let readCpu: (() => CpuByRole) | undefined;
    const result = await runOpenLoad({
      url: options.url,
      ...request,
      onScheduleStart: () => {
        readCpu = options.measureCpu?.();
      },
    });
    return { result, cpu: readCpu?.() ?? null };
  };
}
