/**
 * Pure parts of the rounds' outcome: when a topology is back at full strength, and
 * the one-sentence note of each round.
 */
import type { ResilienceTopology, RoundResult } from '../model/resilience.js';
import { describeFailures } from '../model/resilience.js';

/**
 * Whether every slot is served (a pid listens for it) and every slot in `replaced`
 * by a process other than the one it had before the event.
 */
export function atFullStrength(now: readonly (number | null)[], before: readonly (number | null)[], replaced: ReadonlySet<number>): boolean {
  return now.every((pid, slot) => pid !== null && (!replaced.has(slot) || pid !== before[slot]));
}

/** Slots not (yet) served again, for the note: "1" or "0, 1". */
export function missingSlots(now: readonly (number | null)[], before: readonly (number | null)[], replaced: ReadonlySet<number>): number[] {
  return now.flatMap((pid, slot) => (pid === null || (replaced.has(slot) && pid === before[slot]) ? [slot] : []));
}

/** The verdict of a round in a few words, for the tables. */
export function verdict(r: RoundResult): string {
  if (!r.applicable) return 'n/a';
  if (!r.verified) return 'not run (state not verified)';
  if (r.failedTotal === 0) return 'zero loss';
  return `${r.failedTotal} lost (${describeFailures(r.failed)})`;
}

/**
 * Warnings worth a line above the table: runs that could not start from the verified
 * state (no figure), rounds whose runs disagree, events fired with nothing queued.
 */
export function resilienceWarnings(topologies: readonly ResilienceTopology[]): string[] {
  return topologies.flatMap((t) => [
    ...t.rounds
      .filter((r) => !r.verified)
      .map((r) => `${t.mode} ${r.kind} run ${r.run}: not run, no figure: ${r.verification}`),
    ...t.repeats.filter((v) => v.agree === false).map((v) => `${t.mode} ${v.text}`),
    ...t.rounds
      .filter((r) => r.verified && r.applicable && r.waitingAtEvent === 0)
      .map((r) => `${t.mode} ${r.kind} run ${r.run}: no connection was seen waiting in an accept queue before half the load was done; the event fired then, under load but with no queue`),
  ]);
}

/** "2 of 2 drained gracefully", plus how many a deadline forced. */
export function drainText(drains: { graceful: number; forced: number }, slots: number): string {
  const forced = drains.forced > 0 ? `, ${drains.forced} forced by SHUTDOWN_TIMEOUT_MS` : '';
  return `${drains.graceful} of ${slots} drained gracefully${forced}`;
}
