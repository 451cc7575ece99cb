/**
 * Capacity at an objective by bracketing and bisection, as a pure search over a step
 * function (the sweep passes one that runs an open-model step; tests pass fakes).
 *
 * Walking a list of rates up and keeping "the highest that passed" is wrong on a real
 * machine: p99 is not monotone in the offered rate (a step on noisier cores fails, a
 * later one on faster JIT-compiled code passes), so a lucky heavy step can land above
 * what the server carries at all. Here:
 *
 * 1. bracket: walk the ladder up until a rate misses the objective;
 * 2. bisect between the last pass and the first miss until the bracket is at most
 *    `resolution` wide;
 * 3. every miss is confirmed at once by a repeat, and the final pass by a repeat too:
 *    a rate's verdict is the one two of its runs agree on (a third run breaks a tie).
 *    A pass that does not hold becomes the upper bound and the search goes on below it.
 *
 * By construction the result is an interval [low, high]: low passed twice, high missed
 * twice, and no rate below low was ever confirmed a miss. A confirmed pass above the
 * closed-loop probe's maximum is a measurement fault, never a capacity: the search stops
 * there and says so.
 */

/** Why a step ran. */
export type SearchPurpose = 'bracket' | 'bisect' | 'repeat';

export interface SearchPlan {
  /** Rates to bracket with (sorted and deduplicated here): the search walks up them until one misses. */
  ladder: readonly number[];
  /** Bisection stops once high − low is at most this, requests/s (> 0). */
  resolution: number;
  /** The topology's closed-loop maximum (the probe), requests/s; null: no check. */
  probeRps: number | null;
}

/** One step the search ran, in order. */
export interface SearchRun<T> {
  rate: number;
  purpose: SearchPurpose;
  pass: boolean;
  result: T;
}

export interface CapacityResult {
  /** The highest rate that met the objective, confirmed by a repeat; null: none did (the capacity is below `high`). */
  low: number | null;
  /** The lowest rate that missed it, confirmed by a repeat; null: none missed up to the highest rate run. */
  high: number | null;
  /** The bisection's stopping width, requests/s. */
  resolution: number;
  /** The closed-loop maximum the result was checked against, requests/s (null: not checked). */
  probeRps: number | null;
  /** Why this is a measurement fault, not a capacity (a confirmed pass above the probe); null: none. */
  fault: string | null;
}

export interface SearchOutcome<T> {
  capacity: CapacityResult;
  runs: SearchRun<T>[];
  /** Ladder rates above the bracket, not run. */
  skippedRates: number[];
}

/** Runs one step at `rate` and says whether it met the objective. */
export type StepFn<T> = (rate: number, purpose: SearchPurpose) => Promise<{ pass: boolean; result: T }>;

/** The verdict two runs of a rate agree on; null while they do not (yet). */
export function agreedVerdict(runs: readonly boolean[]): boolean | null {
  const passes = runs.filter(Boolean).length;
  if (passes >= 2) return true;
  if (runs.length - passes >= 2) return false;
  return null;
}

/** A rate's verdict as the report shows it: what two runs agreed on, else its only run's. */
export function verdictOf(runs: readonly boolean[]): boolean {
  return agreedVerdict(runs) ?? runs.at(-1) ?? false;
}

function checkPlan(plan: SearchPlan): number[] {
  const ladder = [...new Set(plan.ladder)].sort((a, b) => a - b);
  if (ladder.length === 0 || ladder.some((r) => !(r > 0) || !Number.isFinite(r))) {
    throw new Error(`the capacity search needs rates above 0 to bracket with, got [${plan.ladder.join(', ')}]`);
  }
  if (!(plan.resolution > 0)) throw new Error(`the capacity search's resolution must be above 0 req/s, got ${plan.resolution}`);
  return ladder;
}

export async function searchCapacity<T>(plan: SearchPlan, step: StepFn<T>): Promise<SearchOutcome<T>> {
  const ladder = checkPlan(plan);
  const runs: SearchRun<T>[] = [];
  const byRate = new Map<number, boolean[]>();

  const record = async (rate: number, purpose: SearchPurpose): Promise<boolean> => {
    const { pass, result } = await step(rate, purpose);
    runs.push({ rate, purpose, pass, result });
    byRate.set(rate, [...(byRate.get(rate) ?? []), pass]);
    return pass;
  };
  /** Runs `rate` until two of its runs agree (at most three runs in all). */
  const confirm = async (rate: number, purpose: SearchPurpose): Promise<boolean> => {
    let verdict = agreedVerdict(byRate.get(rate) ?? []);
    while (verdict === null) {
      await record(rate, byRate.has(rate) ? 'repeat' : purpose);
      verdict = agreedVerdict(byRate.get(rate) ?? []);
    }
    return verdict;
  };
  /** One run; a miss is confirmed at once, so one slow step never bounds the result. */
  const test = async (rate: number, purpose: SearchPurpose): Promise<boolean> => ((await record(rate, purpose)) ? true : confirm(rate, purpose));
  const aboveProbe = (rate: number): boolean => plan.probeRps !== null && rate > plan.probeRps;

  let low: number | null = null;
  let high: number | null = null;
  let stoppedAt = ladder.length;
  for (const [i, rate] of ladder.entries()) {
    const pass = await test(rate, 'bracket');
    if (pass) low = rate;
    else high = rate;
    // Past the probe a pass is already a fault (or, once its repeat misses, the upper bound): no need to climb further.
    if (!pass || aboveProbe(rate)) {
      stoppedAt = i + 1;
      break;
    }
  }

  for (;;) {
    while (high !== null && high - (low ?? 0) > plan.resolution) {
      const mid = Math.round(((low ?? 0) + high) / 2);
      if (mid <= (low ?? 0) || mid >= high) break;
      if (await test(mid, 'bisect')) {
        low = mid;
        if (aboveProbe(mid)) break;
      } else high = mid;
    }
    if (low === null || (await confirm(low, 'repeat'))) break;
    // The pass at `low` did not hold: it bounds the capacity from above now, and the
    // highest rate below it that passed (no rate below a confirmed miss ever was one) bounds it from below.
    high = low;
    const bound = high;
    const below = [...byRate.entries()].filter(([r, v]) => r < bound && agreedVerdict(v) !== false).map(([r]) => r);
    low = below.length > 0 ? Math.max(...below) : null;
  }

  const fault = low !== null && plan.probeRps !== null && low > plan.probeRps
    ? `the objective held at ${fmtRate(low)} req/s (confirmed by a repeat), above the ${fmtRate(plan.probeRps)} req/s this topology carried in its closed-loop probe: `
      + 'no server carries more open traffic than its closed-loop maximum, so the probe or the steps were measured wrong (code still warming up between them, other load on the machine); no capacity is reported'
    : null;
  return {
    capacity: { low, high, resolution: plan.resolution, probeRps: plan.probeRps, fault },
    runs,
    skippedRates: ladder.slice(stoppedAt),
  };
}

/** Whole requests/s from 100 up, one decimal below. */
function fmtRate(n: number): string {
  return n >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10);
}

/**
 * "560–600 req/s", "below 87 req/s", "at least 300 req/s", or the fault: the capacity
 * as one phrase (null: a fault, which has no capacity).
 */
export function capacityText(c: CapacityResult): string | null {
  if (c.fault !== null) return null;
  if (c.low !== null && c.high !== null) return `${fmtRate(c.low)}–${fmtRate(c.high)} req/s`;
  if (c.high !== null) return `below ${fmtRate(c.high)} req/s`;
  if (c.low !== null) return `at least ${fmtRate(c.low)} req/s`;
  return null;
}
