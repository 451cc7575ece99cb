/**
 * What a resilience round needs from a runtime, and nothing more: the native
 * runtime implements it in native-target.ts; a Docker one (compose stop / restart /
 * kill) or the shared Runtime interface can implement the same.
 */
export interface ResilienceTarget {
  readonly mode: string;
  /** The topology's URL for the load, e.g. http://127.0.0.1:3002. */
  readonly baseUrl: string;
  /** Worker slots (1 for single). */
  readonly slots: number;
  /** Whether something (a cluster primary, PM2) replaces a killed worker. */
  readonly supervised: boolean;
  /** In words, what each round does on this topology. */
  readonly actions: { gracefulStop: string; rollingRestart: string; killWorker: string };

  /** Starts the topology fresh and waits until every slot serves. */
  start(): Promise<void>;
  /** The process serving each slot now, null where none does. */
  slotPids(): Promise<(number | null)[]>;
  /** Connections waiting for a worker now (accept queues, or held by a round-robin primary). */
  waiting(): Promise<number>;
  /** Connections `pid` holds on the topology's serving ports. */
  connectionsOf(pid: number): Promise<number>;

  /** Stops the whole topology gracefully; resolves when nothing of it runs. */
  gracefulStop(): Promise<void>;
  /** Serving processes whose own log says they stopped gracefully (after gracefulStop). */
  gracefulExits(): number;
  /** Replaces every worker (one at a time where the topology allows); resolves when done. */
  rollingRestart(): Promise<void>;
  /** SIGKILL to the process serving `slot`; resolves with its pid. */
  killSlot(slot: number): Promise<number>;
  /** Stops whatever is left (idempotent, also after a failed round). */
  stop(): Promise<void>;
}
