/**
 * One topology's latency-versus-offered-load curve: an open-model step per rate,
 * lightest first, the server settled between steps, stopped early once two steps in
 * a row failed the objective (the rest would only be slower; they are listed as
 * skipped, never silently left out).
 */
import { runOpenLoad, type OpenStepResult } from '../runner/open-model.js';
import { meetsObjective } from './analysis.js';
import { settle } from './settle.js';
import type { SweepStep } from './types.js';
import type { CpuByRole } from '../native/process-cpu.js';

export interface CurveOptions {
  url: string;
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

export async function runCurve(options: CurveOptions): Promise<Curve> {
  const rates = [...options.rates].sort((a, b) => a - b);
  const settleUrl = options.settleUrl ?? new URL('/', options.url).href;
  const steps: SweepStep[] = [];
  let failuresInARow = 0;
  for (const [i, rate] of rates.entries()) {
    if (failuresInARow >= STOP_AFTER_FAILURES) return { steps, skippedRates: rates.slice(i) };
    if (i > 0) await settle(settleUrl);
    const readCpu = options.measureCpu?.();
    const result: OpenStepResult = await runOpenLoad({
      url: options.url,
      rate,
      durationMs: options.stepSeconds * 1000,
      connections: options.connections,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const step: SweepStep = { ...result, meetsObjective: meetsObjective(result, options.sloP99Ms), cpu: readCpu?.() ?? null };
    steps.push(step);
    options.onStep?.(step, i, rates.length);
    failuresInARow = step.meetsObjective ? 0 : failuresInARow + 1;
  }
  return { steps, skippedRates: [] };
}
