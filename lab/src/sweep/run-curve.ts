/**
 * One topology's latency-versus-offered-load curve: an open-model step per rate,
 * lightest first, the server settled between steps, stopped early once two steps in
 * a row failed the objective (the rest would only be slower; they are listed as
 * skipped, never silently left out).
 *
 * On a shared machine one step can miss the objective because something else ran: a
 * step that misses is run once more and fails only if the second run misses too (both
 * p99 figures are kept). Each step uses enough connections for the rate, at most
 * `connections`: ceil(rate / 2), at least 8, so that every connection is reused within
 * about 2 s (an idle keep-alive connection is closed by Node after 5 s), all of them
 * connected before the schedule starts.
 */
import { runOpenLoad, type OpenStepResult } from '../runner/open-model.js';
import { meetsObjective } from './analysis.js';
import { settle } from './settle.js';
import type { SweepStep } from './types.js';
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
  rates: readonly number[];
  stepSeconds: number;
  connections: number;
  sloP99Ms: number;
  timeoutMs?: number;
  /** A cheap URL polled between steps until it answers promptly (default: the target's origin, "/"). */
  settleUrl?: string;
  /** Starts CPU accounting before a step; the returned function reads it after the step. */
  measureCpu?: () => () => CpuByRole;
  /** Called after each step (progress lines). */
  onStep?: (step: SweepStep, index: number, total: number) => void;
  /** Passed to each step (a progress bar). */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface Curve {
  steps: SweepStep[];
  skippedRates: number[];
}

/** Consecutive failing steps after which the sweep of a topology stops. */
export const STOP_AFTER_FAILURES = 2;

/** Connections for one step: ceil(rate / 2), at least 8, at most the cap. */
export function stepConnections(rate: number, cap: number): number {
  return Math.min(cap, Math.max(8, Math.ceil(rate / 2)));
}

export async function runCurve(options: CurveOptions): Promise<Curve> {
  const rates = [...options.rates].sort((a, b) => a - b);
  const settleUrl = options.settleUrl ?? new URL('/', options.url).href;
  const steps: SweepStep[] = [];
  let failuresInARow = 0;
  for (const [i, rate] of rates.entries()) {
    if (failuresInARow >= STOP_AFTER_FAILURES) return { steps, skippedRates: rates.slice(i) };
    let step = await runStep(options, rate, settleUrl, i > 0);
    if (!step.meetsObjective) {
      const first = step;
      step = { ...(await runStep(options, rate, settleUrl, true)), attempts: 2, firstAttemptP99Ms: first.latencyMs.p99 };
    }
    steps.push(step);
    options.onStep?.(step, i, rates.length);
    failuresInARow = step.meetsObjective ? 0 : failuresInARow + 1;
  }
  return { steps, skippedRates: [] };
}

async function runStep(options: CurveOptions, rate: number, settleUrl: string, settleFirst: boolean): Promise<SweepStep> {
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
  return { ...result, meetsObjective: meetsObjective(result, options.sloP99Ms), cpu, attempts: 1, firstAttemptP99Ms: null, ...(unmeasured === undefined ? {} : { unmeasured }) };
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
