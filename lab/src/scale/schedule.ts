/**
 * Which worker counts run and when to stop repeating one: sizes one after the other
 * (each warmed once: commands/scale.ts), each repeated under the shared adaptive rule
 * (stats/adaptive.ts), or REPEAT times.
 */
import { DEFAULT_ADAPTIVE, type AdaptivePlan } from '../stats/adaptive.js';

/** How long a size's adaptive repetitions may take once its first started. */
export const SCALE_BUDGET_MS = 30_000;

/** WORKERS = 1 … max. */
export function scaleSizes(maxWorkers: number): number[] {
  return Array.from({ length: maxWorkers }, (_, i) => i + 1);
}

/** REPEAT=n: exactly n repetitions per size; else adaptive within SCALE_BUDGET_MS per size. */
export function scalePlan(repeat: number | undefined): AdaptivePlan {
  return { ...DEFAULT_ADAPTIVE, budgetMs: SCALE_BUDGET_MS, ...(repeat === undefined ? {} : { fixed: repeat }) };
}
