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
 * twice, and no rate below low was ever confirmed a miss. Its upper end is capped at the
 * closed-loop maximum (`upper`): a miss above the maximum bounds nothing. A confirmed pass above the
 * closed-loop probe's maximum is checked against a fresh probe once (the first may have
 * run on colder code or a busier machine); still above it, it is a measurement fault,
 * never a capacity: the search stops there and says so.
 */
import { fmtRate, type CapacityResult } from '../model/sweep.js';

export type { CapacityResult };

/** Why a step ran. */
export type SearchPurpose = 'bracket' | 'bisect' | 'repeat';

export interface SearchPlan {
  /** Rates to bracket with (sorted and deduplicated here): the search walks up them until one misses. */
  ladder: readonly number[];
  /** Bisection stops once high − low is at most this, requests/s (> 0). */
  resolution: number;
  /** The topology's closed-loop maximum (the probe), requests/s; null: no check. */
  probeRps: number | null;
  /** Measures the closed-loop maximum again, when a pass above it was confirmed (at most MAX_REPROBES times). */
  reprobe?: () => Promise<number>;
  /** Climb past the ladder's top, by its last gap, until a miss or a pass above the probe (default: stop at the top). */
  extend?: boolean;
}

/** Fresh probes a search may take when a confirmed pass contradicts the closed-loop maximum. */
export const MAX_REPROBES = 1;

/** One step the search ran, in order. */
export interface SearchRun<T> {
  rate: number;
  purpose: SearchPurpose;
  pass: boolean;
  result: T;
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
  let ceiling = plan.probeRps;
  const probes = plan.probeRps === null ? [] : [plan.probeRps];
  /**
   * After a single-run pass at `rate`: a pass above the closed-loop maximum is confirmed
   * and then checked against a fresh probe (the first may have run on colder code or a
   * busier machine). "go": within the ceiling; "miss": its repeats missed; "fault":
   * still above it.
   */
  const beyondCeiling = async (rate: number): Promise<'go' | 'miss' | 'fault'> => {
    if (ceiling === null || rate <= ceiling) return 'go';
    if (!(await confirm(rate, 'repeat'))) return 'miss';
    if (plan.reprobe !== undefined && probes.length <= MAX_REPROBES) {
      const again = await plan.reprobe();
      probes.push(again);
      ceiling = Math.max(ceiling, again);
      if (rate <= ceiling) return 'go';
    }
    return 'fault';
  };

  let low: number | null = null;
  let high: number | null = null;
  let fault = false;
  let climbed = 0;
  // Rungs past the ladder's top, by its last gap, while nothing missed (never without a ceiling, which ends the climb).
  const gap = ladder.length > 1 ? (ladder.at(-1) ?? 0) - (ladder.at(-2) ?? 0) : (ladder[0] ?? 1);
  for (let rate = ladder[0] ?? 0; ; rate = ladder[climbed] ?? Math.round(rate + gap)) {
    if (climbed >= ladder.length && (!plan.extend || ceiling === null)) break;
    climbed++;
    if (!(await test(rate, 'bracket'))) {
      high = rate;
      break;
    }
    const next = await beyondCeiling(rate);
    if (next === 'miss') {
      high = rate;
      break;
    }
    low = rate;
    if (next === 'fault') {
      fault = true;
      break;
    }
  }

  for (;;) {
    while (!fault && high !== null && high - (low ?? 0) > plan.resolution) {
      const mid = Math.round(((low ?? 0) + high) / 2);
      if (mid <= (low ?? 0) || mid >= high) break;
      if (!(await test(mid, 'bisect'))) {
        high = mid;
        continue;
      }
      const next = await beyondCeiling(mid);
      if (next === 'miss') high = mid;
      else low = mid;
      fault = next === 'fault';
    }
    if (fault || low === null || (await confirm(low, 'repeat'))) break;
    // The pass at `low` did not hold: it bounds the capacity from above now, and the
    // highest rate below it that passed (no rate below a confirmed miss ever was one) bounds it from below.
    high = low;
    const bound = high;
    const below = [...byRate.entries()].filter(([r, v]) => r < bound && agreedVerdict(v) !== false).map(([r]) => r);
    low = below.length > 0 ? Math.max(...below) : null;
  }

  const probed = probes.map(fmtRate).join(' and ');
  const faultText = fault && low !== null
    ? `the objective held at ${fmtRate(low)} req/s (confirmed by a repeat), above the ${probed} req/s this topology carried in its closed-loop probe${probes.length > 1 ? 's' : ''}: `
      + 'no server carries more open traffic than its closed-loop maximum, so the probe or the steps were measured wrong (code still warming up between them, other load on the machine); no capacity is reported'
    : null;
  const stoppedAt = Math.min(climbed, ladder.length);
  return {
    capacity: { low, high, resolution: plan.resolution, probeRps: ceiling, probes, fault: faultText, upper: upperEnd(low, high, ceiling) },
    runs,
    skippedRates: ladder.slice(stoppedAt),
  };
}

/** The interval's upper end: the confirmed miss, capped at the closed-loop maximum (never below the confirmed pass). */
export function upperEnd(low: number | null, high: number | null, ceiling: number | null): number | null {
  if (high === null || ceiling === null || high <= ceiling) return high;
  return Math.max(ceiling, low ?? 0);
}


