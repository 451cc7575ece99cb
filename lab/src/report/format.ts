/**
 * Number formatting shared by the terminal and HTML reports, so both show the
 * same figure the same way.
 */
import { formatEstimate, type Estimate } from '../model/interval.js';

import type { RunResult, Unmeasured } from '../model/report-model.js';

/** "not measured by k6" when the run's generator cannot measure that figure, else null. */
export function notMeasured(run: Pick<RunResult, 'generator' | 'unmeasured'> | undefined, figure: Unmeasured): string | null {
  return run?.unmeasured?.includes(figure) ? `not measured by ${run.generator ?? 'the load generator'}` : null;
}

/** Milliseconds: one decimal below 10 ms, whole numbers above. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return Math.abs(ms) < 10 ? ms.toFixed(1) : String(Math.round(ms));
}

/** Requests per second: one decimal below 100, whole numbers above. */
export function fmtRps(rps: number): string {
  if (!Number.isFinite(rps)) return '–';
  return Math.abs(rps) < 100 ? rps.toFixed(1) : String(Math.round(rps));
}

/** CPU seconds: one decimal. */
export function fmtSeconds(seconds: number): string {
  return Number.isFinite(seconds) ? seconds.toFixed(1) : '–';
}

/** A ratio in [0, 1] as a whole percentage. */
export function fmtPercent(ratio: number): string {
  return Number.isFinite(ratio) ? `${Math.round(ratio * 100)}%` : '–';
}

/** Jain's fairness index, two decimals. */
export function fmtJain(jain: number): string {
  return Number.isFinite(jain) ? jain.toFixed(2) : '–';
}

/** "1.93× of 2 cores": a speedup beside the machine's limit for it. */
export function fmtSpeedup(speedup: number, coresUsable: number): string {
  const cores = `${coresUsable} ${coresUsable === 1 ? 'core' : 'cores'}`;
  return Number.isFinite(speedup) ? `${speedup.toFixed(2)}× of ${cores}` : `– of ${cores}`;
}

/** "116 (112–118)": a median with its range. */
export function fmtMedianRange(median: number, min: number, max: number, fmt: (n: number) => string): string {
  return `${fmt(median)} (${fmt(min)}–${fmt(max)})`;
}

/** "640 (628–652)": a figure with its 95% interval; "640 (±?)" from one repetition; "–" without one. */
export function fmtInterval(e: Estimate | undefined, fmt: (n: number) => string): string {
  return e === undefined ? '–' : formatEstimate(e, fmt);
}

/** "3 workers" / "1 worker". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** Median of a list (mean of the middle two for even lengths); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] ?? Number.NaN;
  const lo = sorted[mid - 1] ?? hi;
  return sorted.length % 2 === 1 ? hi : (lo + hi) / 2;
}
