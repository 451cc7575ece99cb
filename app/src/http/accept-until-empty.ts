/**
 * The first step of a drain: keep accepting until no connection is waiting, so
 * that closing the listener afterwards resets nobody.
 *
 * Why it is needed: closing a listening socket resets every connection still in
 * its accept queue (and a node:cluster round-robin primary closes the connections
 * it queued once its last worker closes). Those clients had already connected
 * and sent their request. Under CPU-bound load the queue is long: libuv accepts
 * one connection per event-loop turn (since libuv 1.45), and a busy turn lasts
 * as long as a request.
 *
 * When the queue counts as empty: a whole event-loop turn accepted nothing, and
 * the kernel (where it can be asked, see waiting-connections.ts) reports nothing
 * waiting for this process. The turn matters because the listening socket is
 * level-triggered: while a connection is waiting, every poll phase accepts one.
 * The kernel count matters where the queue is not ours to poll: a round-robin
 * primary's queue reaches a worker only as fast as the worker acknowledges.
 */
import { performance } from 'node:perf_hooks';
import type { WaitingConnections } from './waiting-connections.js';

export interface AcceptUntilEmptyOptions {
  /** Connections accepted so far (a counter that only grows). */
  readonly accepted: () => number;
  /** Connections waiting now, undefined where the kernel cannot be asked. */
  readonly waiting: WaitingConnections;
  /** performance.now() after which the caller gives up on the queue. */
  readonly deadlineAt: number;
}

export interface AcceptUntilEmptyOutcome {
  /** False when the deadline came first. */
  readonly emptied: boolean;
  /** Connections still waiting when the step ended (0 when emptied; undefined when unknown). */
  readonly waiting: number | undefined;
  /** Connections accepted during this step. */
  readonly accepted: number;
}

/**
 * While something else holds the waiting connections (the primary, a busy
 * sibling worker), check again after this pause instead of spinning.
 */
const RECHECK_MS = 10;
/**
 * Without the kernel's count, a turn alone is too short to be sure that a
 * round-robin primary has nothing more to hand over: also wait this long.
 */
const QUIET_WITHOUT_KERNEL_COUNT_MS = 100;

export async function acceptUntilEmpty(options: AcceptUntilEmptyOptions): Promise<AcceptUntilEmptyOutcome> {
  const acceptedAtStart = options.accepted();
  const outcome = (emptied: boolean, waiting: number | undefined): AcceptUntilEmptyOutcome => ({
    emptied,
    waiting,
    accepted: options.accepted() - acceptedAtStart,
  });
  // Reach a check phase first: the drain may have started in the middle of a
  // poll phase, and only a turn that starts after this point proves anything.
  await nextTurn();
  for (;;) {
    const before = options.accepted();
    await nextTurn();
    const acceptedThisTurn = options.accepted() !== before;
    if (!acceptedThisTurn) {
      const waiting = options.waiting();
      if (waiting === 0) return outcome(true, 0);
      if (waiting === undefined && (await quietFor(options, QUIET_WITHOUT_KERNEL_COUNT_MS))) return outcome(true, undefined);
    }
    if (performance.now() >= options.deadlineAt) return outcome(false, options.waiting());
    if (!acceptedThisTurn) await pause(RECHECK_MS);
  }
}

/** True when nothing was accepted for `ms` and one more full turn. */
async function quietFor(options: AcceptUntilEmptyOptions, ms: number): Promise<boolean> {
  const before = options.accepted();
  await pause(Math.min(ms, Math.max(0, options.deadlineAt - performance.now())));
  await nextTurn();
  return options.accepted() === before;
}

/** Resolves on the check phase of the next event-loop iteration: one poll phase lies in between. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
