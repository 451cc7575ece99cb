/**
 * Drives one run of a round against a target: start the topology fresh, bring it to
 * the verified state (every slot serving and in rotation, the warm-up spread as in a
 * steady run: verified-state.ts), start the seed load, wait until connections are
 * really queued, fire the event (a stop, a rolling restart, a kill -9), watch until
 * every slot serves again, and count what the load saw. A run that cannot reach the
 * verified state fires nothing and has no figure. The topology is stopped at the end
 * whatever happened.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Scenario } from '../model/report-model.js';
import { startRoundLoad, type RoundLoad } from './round-load.js';
import { RECOVERY_WINDOW_MS, victimSlot } from './rounds.js';
import { atFullStrength, drainText, missingSlots } from './summary.js';
import type { ResilienceTarget } from './target.js';
import type { RoundKind, RoundLoadCounts, RoundResult } from '../model/resilience.js';
import { reachVerifiedState } from './verified-state.js';
import { fmtMs, noFailures } from '../model/resilience.js';

const POLL_MS = 25;
/** The queue of the load's first connections may last only milliseconds on a warm server: check that often. */
const QUEUE_POLL_MS = 2;
/**
 * Without a queued connection the event fires anyway once half the requests are
 * done (or after QUEUE_WAIT_MS), so that it always happens under load; the report
 * then warns that nothing was queued.
 */
const QUEUE_WAIT_MS = 10_000;

export interface RoundSettings {
  scenario: Scenario;
  /** Which run of the round this is (1 when absent). */
  run?: number;
  /** How long to wait for the verified state (VERIFY_WAIT_MS when absent). */
  verifyWaitMs?: number;
  log?: (line: string) => void;
}

/** Waits until every connection has sent and some connection is waiting for a worker; returns how many wait. */
async function queued(target: ResilienceTarget, load: RoundLoad, concurrency: number, requests: number): Promise<number> {
  const giveUpAt = Date.now() + QUEUE_WAIT_MS;
  let waiting = 0;
  for (let poll = 0; ; poll++) {
    if (load.sent() >= concurrency) {
      waiting = await target.waiting(poll % 10 === 9);
      if (waiting > 0) return waiting;
    }
    if (Date.now() > giveUpAt || load.settled() >= requests / 2) return waiting;
    await sleep(QUEUE_POLL_MS);
  }
}

/** Polls the slots from `since` until the topology is at full strength or the window closes; ms after `since`, or null. */
async function fullStrength(target: ResilienceTarget, before: readonly (number | null)[], replaced: ReadonlySet<number>, since: number, until: number): Promise<{ ms: number | null; missing: number[] }> {
  for (;;) {
    const now = await target.slotPids();
    if (atFullStrength(now, before, replaced)) return { ms: performance.now() - since, missing: [] };
    if (performance.now() > until) return { ms: null, missing: missingSlots(now, before, replaced) };
    await sleep(POLL_MS);
  }
}

interface EventOutcome {
  actionMs: number;
  fullStrengthMs: number | null;
  slotsBack: boolean | null;
  drains: { graceful: number; forced: number } | null;
  victimConnections: number | null;
  note: string;
}

async function gracefulStop(target: ResilienceTarget, load: RoundLoad): Promise<EventOutcome> {
  // Nothing new is sent from the signal on; every request already sent must be answered.
  load.stopSending();
  const t0 = performance.now();
  await target.gracefulStop();
  const actionMs = performance.now() - t0;
  const drains = target.drains();
  return {
    actionMs,
    fullStrengthMs: null,
    slotsBack: null,
    drains,
    victimConnections: null,
    note: `stopped in ${fmtMs(actionMs)} ms; ${drainText(drains, target.slots)}`,
  };
}

async function rollingRestart(target: ResilienceTarget, load: RoundLoad, before: readonly (number | null)[]): Promise<EventOutcome> {
  const t0 = performance.now();
  const restart = target.rollingRestart();
  // The load lasts as long as the restart: every replacement happens under it.
  load.sendUntil(restart);
  await restart;
  const actionMs = performance.now() - t0;
  const every = new Set(before.map((_, slot) => slot));
  const back = await fullStrength(target, before, every, t0, performance.now() + RECOVERY_WINDOW_MS);
  const drains = target.drains();
  return {
    actionMs,
    fullStrengthMs: back.ms,
    slotsBack: back.ms !== null,
    drains,
    victimConnections: null,
    note: (back.ms === null
      ? `slot(s) ${back.missing.join(', ')} not served by a new process ${RECOVERY_WINDOW_MS / 1000} s after the restart`
      : `restart took ${fmtMs(actionMs)} ms; every slot served by a new process ${fmtMs(back.ms)} ms after it began`) + `; old processes: ${drainText(drains, target.slots)}`,
  };
}

async function killWorker(target: ResilienceTarget, load: RoundLoad, before: readonly (number | null)[]): Promise<EventOutcome> {
  const slot = victimSlot(target.slots);
  const pid = before[slot];
  if (pid === null || pid === undefined) throw new Error(`${target.mode}: slot ${slot} has no process to kill`);
  // The requests at risk: those on connections the victim holds.
  const victimConnections = await target.connectionsOf(pid);
  const t0 = performance.now();
  await target.killSlot(slot);
  const actionMs = performance.now() - t0;
  const killed = `slot ${slot} (pid ${pid}) killed holding ${victimConnections} connection(s)`;
  if (!target.supervised) {
    return { actionMs, fullStrengthMs: null, slotsBack: false, drains: null, victimConnections, note: `${killed}; not restarted: nothing supervises a ${target.mode} ${target.slots === 1 ? 'process' : 'instance'}` };
  }
  const watch = fullStrength(target, before, new Set([slot]), t0, t0 + RECOVERY_WINDOW_MS);
  // The load goes on until the slot is back (or the window closes): the replacement is seen under load.
  load.sendUntil(watch);
  const back = await watch;
  return {
    actionMs,
    fullStrengthMs: back.ms,
    slotsBack: back.ms !== null,
    drains: null,
    victimConnections,
    note: back.ms === null ? `${killed}; not replaced within ${RECOVERY_WINDOW_MS / 1000} s` : `${killed}; replaced, serving again ${fmtMs(back.ms)} ms after the kill`,
  };
}

/** A run that could not reach the verified state: nothing was sent or fired, so nothing is counted. */
function notRun(target: ResilienceTarget, kind: RoundKind, run: number, why: string): RoundResult {
  return {
    kind,
    run,
    verified: false,
    verification: why,
    action: actionOf(target, kind),
    applicable: true,
    sent: 0,
    answered: 0,
    failed: noFailures(),
    failedTotal: 0,
    waitingAtEvent: 0,
    victimConnections: null,
    actionMs: 0,
    fullStrengthMs: null,
    slotsBack: null,
    drains: null,
    slots: target.slots,
    note: `not run: ${why}`,
  };
}

function actionOf(target: ResilienceTarget, kind: RoundKind): string {
  if (kind === 'graceful-stop') return target.actions.gracefulStop;
  if (kind === 'rolling-restart') return target.actions.rollingRestart;
  return target.actions.killWorker;
}

export async function runRound(target: ResilienceTarget, kind: RoundKind, settings: RoundSettings): Promise<RoundResult> {
  const { scenario } = settings;
  const log = settings.log ?? (() => undefined);
  let load: RoundLoad | undefined;
  try {
    await target.start();
    const url = new URL(scenario.path, target.baseUrl).href;
    const run = settings.run ?? 1;
    const verification = await reachVerifiedState(target, {
      url,
      warmupRequests: scenario.warmupRequests,
      concurrency: scenario.concurrency,
      log,
      ...(settings.verifyWaitMs === undefined ? {} : { waitMs: settings.verifyWaitMs }),
    });
    if (!verification.verified) return notRun(target, kind, run, verification.text);
    log(`${target.mode} ${kind} run ${run}: ${verification.text}`);
    const before = await target.slotPids();
    load = startRoundLoad({ url, requests: scenario.requests, concurrency: scenario.concurrency, keepAlive: scenario.keepAlive, timeoutMs: scenario.timeoutMs });
    const waitingAtEvent = await queued(target, load, Math.min(scenario.concurrency, scenario.requests), scenario.requests);
    log(`${target.mode} ${kind}: ${waitingAtEvent} connection(s) waiting, ${load.sent()} request(s) sent: ${actionOf(target, kind)}`);
    const event = kind === 'graceful-stop' ? await gracefulStop(target, load)
      : kind === 'rolling-restart' ? await rollingRestart(target, load, before)
        : await killWorker(target, load, before);
    const counts: RoundLoadCounts = await load.finished;
    return { kind, run, verified: true, verification: verification.text, action: actionOf(target, kind), applicable: true, ...counts, waitingAtEvent, slots: target.slots, ...event };
  } finally {
    await load?.abort();
    await target.stop();
  }
}
