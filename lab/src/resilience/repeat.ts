/**
 * The repeat rule. One run of a round can be wrong for reasons of its own (a state
 * the verification missed, the machine's other load), and a single failure count
 * cannot show it. So every round runs twice; when the two failure counts differ by
 * more than the margin, it runs a third time, and the report shows every run with
 * the verdict. A run that could not reach the verified state has no figure and does
 * not count: the lab runs another, up to MAX_RUNS.
 *
 * Margin: two counts agree when they differ by at most
 * max(REPEAT_MARGIN_REQUESTS, REPEAT_MARGIN_SHARE × the larger). The absolute floor
 * covers the few resets a kill or a reload costs depending on what is in flight at
 * that instant (a kill -9 costs about the connections the victim holds, which moves
 * by tens between runs); the share covers large counts, which scale with the load.
 */
import type { RepeatVerdict, RoundKind, RoundResult } from '../model/resilience.js';
import { MAX_RUNS, REPEAT_MARGIN_REQUESTS, REPEAT_MARGIN_SHARE, ROUND_TITLES, RUNS_WANTED } from '../model/resilience.js';

export function repeatMargin(counts: readonly number[]): number {
  return Math.max(REPEAT_MARGIN_REQUESTS, Math.floor(REPEAT_MARGIN_SHARE * Math.max(...counts)));
}

export function countsAgree(counts: readonly number[]): boolean {
  return Math.max(...counts) - Math.min(...counts) <= repeatMargin(counts);
}

const figures = (runs: readonly RoundResult[]): number[] => runs.filter((r) => r.verified).map((r) => r.failedTotal);

/** Whether the round must run again, given its runs so far. */
export function needsAnotherRun(runs: readonly RoundResult[]): boolean {
  if (runs.length >= MAX_RUNS) return false;
  const counts = figures(runs);
  if (counts.length < RUNS_WANTED) return true;
  // Two figures that disagree get a third run; a third that came on its own (an unverified run) is enough.
  return counts.length === RUNS_WANTED && runs.length === RUNS_WANTED && !countsAgree(counts);
}

export function repeatVerdict(kind: RoundKind, runs: readonly RoundResult[]): RepeatVerdict {
  const failed = runs.map((r) => (r.verified ? r.failedTotal : null));
  const counts = figures(runs);
  const title = ROUND_TITLES[kind];
  const list = failed.map((f) => (f === null ? 'not run' : String(f))).join(', ');
  if (counts.length < 2) {
    return { kind, failed, agree: null, margin: null, text: `${title}: ${counts.length === 0 ? 'no run' : 'one run'} started from the verified state (failed per run: ${list}): no repeat to compare with` };
  }
  const margin = repeatMargin(counts);
  const agree = countsAgree(counts);
  return {
    kind,
    failed,
    agree,
    margin,
    text: agree
      ? `${title}: the runs agree (failed per run: ${list}; margin ${margin})`
      : `${title}: the runs differ by more than the margin (failed per run: ${list}; margin ${margin}): the figure is not reproducible here, every run is shown`,
  };
}
