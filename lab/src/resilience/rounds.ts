/** The three rounds, in the order they run, and how the report names them. */
import type { RoundKind } from './types.js';

export const ROUND_KINDS: readonly RoundKind[] = ['graceful-stop', 'rolling-restart', 'kill-worker'];

export const ROUND_TITLES: Readonly<Record<RoundKind, string>> = {
  'graceful-stop': 'graceful stop',
  'rolling-restart': 'rolling restart',
  'kill-worker': 'kill -9 of a worker',
};

/** How long after the event the rounds wait for every slot to serve again before saying it did not. */
export const RECOVERY_WINDOW_MS = 15_000;

/** The slot a kill-worker round kills: the last one (slot 0 in a single process). */
export function victimSlot(slots: number): number {
  return Math.max(0, slots - 1);
}
