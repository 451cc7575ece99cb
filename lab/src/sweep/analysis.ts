/**
 * Reading a latency-versus-offered-load curve: which steps meet the objective, the
 * capacity at the objective, the knee, and the default series of rates.
 */
import type { OpenStepResult } from '../runner/open-model.js';

/** Default objective: p99 under 100 ms, about 20 times what one /heavy request costs alone (~5 ms on one core). */
export const DEFAULT_SLO_P99_MS = 100;

/** A step whose dropped, unfinished and failed requests exceed this share of its schedule fails the objective whatever its p99. */
export const MAX_FAILED_SHARE = 0.01;

/** Below this share of the offered rate the server did not keep up. */
export const KEEP_UP_SHARE = 0.95;

/** The knee: the last step whose corrected p99 stays within this factor of the lightest step's. */
export const KNEE_FACTOR = 2;

/**
 * Default rates, as shares of the probed closed-loop capacity: light load to past
 * saturation, in even 10 % steps, since a short closed loop on few connections can
 * overstate what the same server carries under open traffic on many (where every
 * request wakes an idle process); the curve stops two steps after it fails.
 */
export const DEFAULT_RATE_SHARES: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.25];

/** Requests that got no complete 2xx-or-not answer: dropped, unfinished, socket errors and timeouts, plus non-2xx. */
export function failedShare(step: OpenStepResult): number {
  const failed = step.dropped + step.unfinished + step.errors.total;
  return step.scheduled > 0 ? failed / step.scheduled : 0;
}

/** Whether a step meets the objective: corrected p99 under it, and at most 1 % of its schedule failed or dropped. */
export function meetsObjective(step: OpenStepResult, sloP99Ms: number): boolean {
  return step.latencyMs.count > 0 && step.latencyMs.p99 < sloP99Ms && failedShare(step) <= MAX_FAILED_SHARE;
}

/** Whether the server kept up: achieved at least 95 % of offered and nothing dropped. */
export function keptUp(step: OpenStepResult): boolean {
  return step.achievedRps >= KEEP_UP_SHARE * step.offeredRps && failedShare(step) <= MAX_FAILED_SHARE;
}

/**
 * Capacity at the objective: the highest offered rate whose step meets the objective
 * and every lighter step does too (a lucky step past a failing one does not count).
 * Null when even the lightest step fails.
 */
export function capacityAtObjective(steps: readonly OpenStepResult[], sloP99Ms: number): number | null {
  let capacity: number | null = null;
  for (const step of [...steps].sort((a, b) => a.offeredRps - b.offeredRps)) {
    if (!meetsObjective(step, sloP99Ms)) break;
    capacity = step.offeredRps;
  }
  return capacity;
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

/** Default rates from a probed capacity, rounded to whole requests/s, at least 1, without duplicates. */
export function defaultRates(probedRps: number, shares: readonly number[] = DEFAULT_RATE_SHARES): number[] {
  const rates = shares.map((s) => Math.max(1, Math.round(probedRps * s)));
  return [...new Set(rates)].sort((a, b) => a - b);
}
