/**
 * Adaptive repetitions: repeat until the interval is tight or the time budget runs out,
 * and say which stopped it. One rule for every command that repeats (compare, scale).
 */
import { meanInterval, relativeHalfWidth } from '../model/interval.js';

export interface AdaptivePlan {
  /** Fixed count (REPEAT=n): exactly this many, no adaptive stop. */
  fixed?: number | undefined;
  /** Never stop before this many (an interval needs at least 2; 3 by default). */
  min: number;
  /** Never more than this many. */
  max: number;
  /** Stop once the mean's 95% interval is within ± this share (0.03: ±3%). */
  target: number;
  /** Stop once this much time has passed since the first repetition, ms. */
  budgetMs: number;
}

export const DEFAULT_ADAPTIVE: Omit<AdaptivePlan, 'budgetMs'> = { min: 3, max: 10, target: 0.03 };

export type StopReason = 'tight' | 'budget' | 'max' | 'fixed';

export interface Stop {
  reason: StopReason;
  /** One phrase for the report: "±2.1% after 4 repetitions (target ±3%)". */
  text: string;
}

/** null: repeat again; else why to stop, given the repetitions so far and the time spent. */
export function shouldStop(values: readonly number[], elapsedMs: number, plan: AdaptivePlan): Stop | null {
  const n = values.length;
  const width = relativeHalfWidth(meanInterval(values));
  const pct = Number.isFinite(width) ? `±${(width * 100).toFixed(1)}%` : '±?';
  const target = `target ±${(plan.target * 100).toFixed(0)}%`;
  if (plan.fixed !== undefined) return n >= plan.fixed ? { reason: 'fixed', text: `${n} repetitions as asked (REPEAT=${plan.fixed}), ${pct}` } : null;
  if (n < plan.min) return null;
  if (width <= plan.target) return { reason: 'tight', text: `${pct} after ${n} repetitions (${target})` };
  if (n >= plan.max) return { reason: 'max', text: `${pct} after ${n} repetitions, the most allowed (${target} not reached)` };
  if (elapsedMs >= plan.budgetMs) return { reason: 'budget', text: `${pct} after ${n} repetitions when the ${Math.round(plan.budgetMs / 1000)} s budget ran out (${target} not reached)` };
  return null;
}
