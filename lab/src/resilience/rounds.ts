/** When the rounds wait, and on which slot a kill-worker round acts (the rounds themselves and their titles: model/resilience.ts). */
/** How long after the event the rounds wait for every slot to serve again before saying it did not. */
export const RECOVERY_WINDOW_MS = 15_000;

/** The slot a kill-worker round kills: the last one (slot 0 in a single process). */
export function victimSlot(slots: number): number {
  return Math.max(0, slots - 1);
}
