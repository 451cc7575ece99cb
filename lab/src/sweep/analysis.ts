/**
 * Reading a latency-versus-offered-load curve: which steps meet the objective (counting
 * requests never answered as late), the knee, and where the capacity search starts
 * (its ladder and resolution, from the closed-loop probe).
 */
import type { OpenStepResult } from '../runner/open-model.js';

/** Default objective: p99 under 100 ms, about 20 times what one /heavy request costs alone (~5 ms on one core). */
export const DEFAULT_SLO_P99_MS = 100;

/** A step whose dropped, unfinished and failed requests exceed this share of its schedule did not keep up (and its p99 over the schedule is a miss). */
export const MAX_FAILED_SHARE = 0.01;

/** Below this share of the offered rate the server did not keep up. */
export const KEEP_UP_SHARE = 0.95;

/** The knee: the last step whose corrected p99 stays within this factor of the lightest step's. */
export const KNEE_FACTOR = 2;

/**
 * The bracket's default ladder, as shares of the probed closed-loop maximum: even 20 %
 * steps from light load to just past it. The search stops climbing at the first
 * confirmed miss and bisects below it, so the rungs only need to be close enough for
 * two or three bisections to reach the resolution. Past the top (above the probe) the
 * default search keeps climbing by the same gap until a miss, so a topology that never
 * misses ends in a measurement fault, never in a capacity capped silently at the top.
 */
export const LADDER_SHARES: readonly number[] = [0.2, 0.4, 0.6, 0.8, 1.0, 1.2];

/** The bisection's stopping width as a share of the probe: 5 %, at least 1 req/s. */
export const RESOLUTION_SHARE = 0.05;

/** Requests that got no complete 2xx answer: dropped, unfinished, socket errors and timeouts, plus non-2xx. */
export function unanswered(step: OpenStepResult): number {
  return step.dropped + step.unfinished + step.errors.total;
}

export function failedShare(step: OpenStepResult): number {
  return step.scheduled > 0 ? unanswered(step) / step.scheduled : 0;
}

/**
 * The p99 the objective is judged on: over every request the step scheduled, not only
 * those answered. A request still in flight at the step's end (unfinished), never sent
 * (dropped) or failed is at least as late as its age then, so it counts as later than
 * any answer: the p99 of all N requests is then the answered ones' quantile 0.99·N /
 * answered, read upwards from the recorded percentiles (p99, p99.9, max: never
 * optimistic). Null when more than 1 % of the schedule went unanswered: the p99 itself
 * is one of them, a miss of unknown size.
 */
export function objectiveP99(step: OpenStepResult): number | null {
  const answered = step.scheduled - unanswered(step);
  if (step.latencyMs.count === 0 || answered <= 0) return null;
  const quantile = (0.99 * step.scheduled) / answered;
  if (quantile <= 0.99 + 1e-12) return step.latencyMs.p99;
  if (quantile <= 0.999) return step.latencyMs.p999;
  if (quantile <= 1) return step.latencyMs.max;
  return null;
}

/** Whether a step meets the objective: its p99 over every scheduled request (unanswered ones late) at most the objective. */
export function meetsObjective(step: OpenStepResult, sloP99Ms: number): boolean {
  const p99 = objectiveP99(step);
  return p99 !== null && p99 <= sloP99Ms;
}

/** Whether the server kept up: achieved at least 95 % of offered and nothing dropped. */
export function keptUp(step: OpenStepResult): boolean {
  return step.achievedRps >= KEEP_UP_SHARE * step.offeredRps && failedShare(step) <= MAX_FAILED_SHARE;
}

/**
 * The knee: the highest offered rate, walking up from the lightest step, at which the
 * server still kept up and the corrected p99 stayed within KNEE_FACTOR × the lightest
 * step's p99 (at least 1 ms above it, so microsecond noise on a fast server is not a
 * knee). Past it, latency takes off. Null when the lightest step already fails.
 */
export function knee(steps: readonly OpenStepResult[]): number | null {
  const sorted = [...steps].sort((a, b) => a.offeredRps - b.offeredRps);
  const base = sorted[0];
  if (base === undefined || !keptUp(base)) return null;
  const limit = Math.max(KNEE_FACTOR * base.latencyMs.p99, base.latencyMs.p99 + 1);
  let at: number | null = null;
  for (const step of sorted) {
    if (!keptUp(step) || step.latencyMs.p99 > limit) break;
    at = step.offeredRps;
  }
  return at;
}

/**
 * The default ladder from a probed capacity, in whole requests/s rounded down (the rung
 * at 100 % must not land above the probe by rounding), at least 1, without duplicates.
 */
export function bracketLadder(probedRps: number, shares: readonly number[] = LADDER_SHARES): number[] {
  const rates = shares.map((s) => Math.max(1, Math.floor(probedRps * s + 1e-9)));
  return [...new Set(rates)].sort((a, b) => a - b);
}

/** The capacity search's resolution from a probed capacity: RESOLUTION_SHARE of it, whole requests/s, at least 1. */
export function capacityResolution(probedRps: number): number {
  return Math.max(1, Math.round(probedRps * RESOLUTION_SHARE));
}
