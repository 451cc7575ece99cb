/**
 * The shapes of `lab resilience`: what one round (a graceful stop, a rolling
 * restart or a kill -9 under the seed load) measured, per topology, and the report
 * results/resilience.json holds as written here.
 */
import type { MachineInfo, RuntimeName, Scenario } from '../report-model.js';

/** Bumped when a field changes meaning or goes away (readers check it). */
export const RESILIENCE_SCHEMA_VERSION = 1;

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

export interface ResilienceTopology {
  mode: string;
  title: string;
  workers: number;
  available: boolean;
  reason: string | null;
  rounds: RoundResult[];
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
