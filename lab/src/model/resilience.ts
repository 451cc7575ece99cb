/**
 * The shapes of `lab resilience`: what one round (a graceful stop, a rolling
 * restart or a kill -9 under the seed load) measured, per topology, and the report
 * results/resilience.json holds as written here.
 */
import type { MachineInfo, RuntimeName, Scenario } from './report-model.js';

/** Bumped when a field changes meaning or goes away (readers check it). */
export const RESILIENCE_SCHEMA_VERSION = 2;

export type RoundKind = 'graceful-stop' | 'rolling-restart' | 'kill-worker';

/**
 * How a request failed. reset: the connection was reset or closed without an answer;
 * refused: nothing listened (ECONNREFUSED); timeout: no complete answer within the
 * scenario's timeout; 5xx / 4xx: a complete answer with that status; other: any
 * other client-side error.
 */
export type FailureKind = 'reset' | 'refused' | 'timeout' | '5xx' | '4xx' | 'other';
export const FAILURE_KINDS: readonly FailureKind[] = ['reset', 'refused', 'timeout', '5xx', '4xx', 'other'];

export type FailureCounts = Record<FailureKind, number>;

/** What the load saw during one round. */
export interface RoundLoadCounts {
  /** Requests written (or attempted) by the load generator. */
  sent: number;
  /** Complete 2xx answers. */
  answered: number;
  failed: FailureCounts;
  failedTotal: number;
}

export interface RoundResult extends RoundLoadCounts {
  kind: RoundKind;
  /** Which run of this round on this topology (1, 2, …): each round runs at least twice (repeat.ts). */
  run: number;
  /**
   * Whether the topology was in the verified state before the event (verified-state.ts).
   * When false the round was not run: no load, no event, every count 0, and `verification` says why.
   */
  verified: boolean;
  /** What the check before the event saw, or the problems left when the lab gave up waiting. */
  verification: string;
  /** What the lab did, in words (e.g. "SIGHUP to the primary"). */
  action: string;
  /** Whether the round applies to this topology; when false only `note` is meaningful. */
  applicable: boolean;
  /** Connections waiting for a worker (accept queue, or held by a round-robin primary) when the event fired. */
  waitingAtEvent: number;
  /** kill-worker: connections the killed process held when it was killed (the requests at risk). */
  victimConnections: number | null;
  /** How long the action itself took, ms (the stop, the restart command, the kill). */
  actionMs: number;
  /**
   * ms from the event until every worker slot was served again by a live process
   * (a new one where the round replaced it); null when not applicable (a stop) or
   * when a slot never came back in the observation window.
   */
  fullStrengthMs: number | null;
  /** Whether every worker slot serves again (null for a graceful stop: nothing should come back). */
  slotsBack: boolean | null;
  /**
   * graceful-stop and rolling-restart: drains the serving processes logged, graceful
   * (queue emptied, every request answered, exit 0) or forced by SHUTDOWN_TIMEOUT_MS (exit 1).
   */
  drains: { graceful: number; forced: number } | null;
  /** Worker slots of the topology. */
  slots: number;
  /** One sentence on what happened (why a slot did not come back, what a figure means). */
  note: string;
}

/** How a round's runs compare (repeat.ts). */
export interface RepeatVerdict {
  kind: RoundKind;
  /** Failed requests of each run, in run order; null: not run (state not verified). */
  failed: (number | null)[];
  /** Whether the runs with a figure agree within the margin; null: fewer than two figures. */
  agree: boolean | null;
  /** The largest difference the figures could have and agree, requests; null with fewer than two figures. */
  margin: number | null;
  /** One sentence for the report. */
  text: string;
}

export interface ResilienceTopology {
  mode: string;
  title: string;
  workers: number;
  available: boolean;
  reason: string | null;
  /** Every run of every round, in the order they ran (a round's runs one after the other). */
  rounds: RoundResult[];
  /** One per round kind that ran. */
  repeats: RepeatVerdict[];
}

export interface ResilienceReport {
  schemaVersion: typeof RESILIENCE_SCHEMA_VERSION;
  created: string;
  runtime: RuntimeName;
  scenario: Scenario;
  machine: MachineInfo;
  topologies: ResilienceTopology[];
  warnings: string[];
}

export function noFailures(): FailureCounts {
  return Object.fromEntries(FAILURE_KINDS.map((k) => [k, 0])) as FailureCounts;
}

export function totalFailures(counts: FailureCounts): number {
  return FAILURE_KINDS.reduce((sum, k) => sum + counts[k], 0);
}

/** "3 reset, 1 refused", or "none". */
export function describeFailures(counts: FailureCounts): string {
  const parts = FAILURE_KINDS.filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${k}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

export const ROUND_KINDS: readonly RoundKind[] = ['graceful-stop', 'rolling-restart', 'kill-worker'];

export const ROUND_TITLES: Readonly<Record<RoundKind, string>> = {
  'graceful-stop': 'graceful stop',
  'rolling-restart': 'rolling restart',
  'kill-worker': 'kill -9 of a worker',
};

/** The repeat rule's margins (resilience/repeat.ts): two runs agree within max(requests, share of the larger). */
export const REPEAT_MARGIN_REQUESTS = 10;
export const REPEAT_MARGIN_SHARE = 0.25;
/** Runs wanted with a figure, and the most runs of one round. */
export const RUNS_WANTED = 2;
export const MAX_RUNS = 3;

export const REPEAT_RULE = `every round runs twice; two runs agree when their failed counts differ by at most max(${REPEAT_MARGIN_REQUESTS}, ${REPEAT_MARGIN_SHARE * 100} % of the larger); when they do not, or a run could not start from the verified state, the round runs again (${MAX_RUNS} runs at most)`;

/**
 * How long the lab waits for the verified state: longer than nginx's fail_timeout
 * (10 s by default), so that an upstream an nginx worker marked failed is tried
 * again within it.
 */
export const VERIFY_WAIT_MS = 25_000;

/** Milliseconds for the tables: whole, or – when there is none. */
export function fmtMs(ms: number | null): string {
  return ms === null ? '–' : String(Math.round(ms));
}

/** "slots back" cell: yes / no / – (a stop). */
export function slotsBackText(r: RoundResult): string {
  if (r.slotsBack === null) return '–';
  return r.slotsBack ? 'yes' : 'no';
}
