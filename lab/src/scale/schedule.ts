/**
 * Which worker counts run, in which order, and when to stop repeating. Every size runs
 * once per round, the order rotated each round (1 2 3, 2 3 1, 3 1 2, …), so drift on a
 * shared machine and the position within a round hit every size alike; every size
 * gets the same number of repetitions. Rounds go on until each size's repetitions
 * would stop under the shared adaptive rule (stats/adaptive.ts), or REPEAT rounds ran.
 */
import { DEFAULT_ADAPTIVE, shouldStop, type AdaptivePlan, type Stop } from '../stats/adaptive.js';
import { meanInterval, relativeHalfWidth } from '../stats/interval.js';

/** How long the adaptive rounds may take once the first repetition started. */
export const SCALE_BUDGET_MS = 60_000;

/** WORKERS = 1 … max. */
export function scaleSizes(maxWorkers: number): number[] {
  return Array.from({ length: maxWorkers }, (_, i) => i + 1);
}

/** Round r (from 1) starts r − 1 places further along. */
export function roundOrder(sizes: readonly number[], round: number): number[] {
  const shift = (round - 1) % Math.max(1, sizes.length);
  return [...sizes.slice(shift), ...sizes.slice(0, shift)];
}

/** REPEAT=n: exactly n rounds; else adaptive within SCALE_BUDGET_MS. */
export function scalePlan(repeat: number | undefined): AdaptivePlan {
  return { ...DEFAULT_ADAPTIVE, budgetMs: SCALE_BUDGET_MS, ...(repeat === undefined ? {} : { fixed: repeat }) };
}

/**
 * Null while some size would repeat again; else the stop of the size whose interval is
 * widest (the one that held the rounds longest), with that size.
 */
export function roundsStop(bySize: ReadonlyMap<number, readonly number[]>, elapsedMs: number, plan: AdaptivePlan): (Stop & { workers: number }) | null {
  let widest: (Stop & { workers: number; width: number }) | null = null;
  for (const [workers, values] of bySize) {
    const stop = shouldStop(values, elapsedMs, plan);
    if (stop === null) return null;
    const width = relativeHalfWidth(meanInterval(values));
    if (widest === null || width > widest.width) widest = { ...stop, workers, width };
  }
  if (widest === null) return null;
  const { width: _width, ...stop } = widest;
  return stop;
}
