/**
 * What a resilience round needs from a runtime, and nothing more: the native
 * runtime implements it in native/resilience-target.ts, the Docker one (compose stop,
 * restart, kill on the running stack) in docker/resilience-target.ts.
 */
export interface Drains {
  graceful: number;
  forced: number;
}

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

  /** What the load connects to, in words: "nginx", "the primary", "the kernel's reuseport group". */
  readonly frontName: string;

  /** Starts the topology fresh and waits until every slot serves. */
  start(): Promise<void>;
  /** The process serving each slot now, null where none does. */
  slotPids(): Promise<(number | null)[]>;
  /**
   * Connections waiting for a worker now: the accept queues (a fast check), and when
   * `thorough` (or where it is the only way to see them) also those a round-robin
   * primary holds (a slower one).
   */
  waiting(thorough: boolean): Promise<number>;
  /** What keeps the front from being settled now (nginx: workers of an earlier configuration still running); none: settled. */
  frontProblems(): Promise<string[]>;
  /**
   * The front's processes that each route on their own (nginx's workers), or null
   * where the front is one process or its processes cannot be told apart from here.
   */
  frontWorkers(): Promise<string[] | null>;
  /** Which of frontWorkers() accepted each connection, by the client's port. */
  frontHolders(clientPorts: readonly number[]): Promise<ReadonlyMap<number, string>>;
  /** Connections `pid` holds on the topology's serving ports. */
  connectionsOf(pid: number): Promise<number>;
  /**
   * Requests each slot has handled (its own metrics), for a topology whose slots all
   * answer with the same X-Worker (nginx's replicas in Docker: one image, one
   * environment): the verified state then reads who served the warm-up from these.
   * Absent where X-Worker tells the slots apart.
   */
  servedPerSlot?(): Promise<number[]>;

  /** Stops the whole topology gracefully; resolves when nothing of it runs. */
  gracefulStop(): Promise<void>;
  /** Drains the serving processes logged since start(): graceful, or forced by their deadline. */
  drains(): Drains;
  /** Replaces every worker (one at a time where the topology allows); resolves when done. */
  rollingRestart(): Promise<void>;
  /** SIGKILL to the process serving `slot`; resolves with its pid. */
  killSlot(slot: number): Promise<number>;
  /** Stops whatever is left (idempotent, also after a failed round). */
  stop(): Promise<void>;
}
