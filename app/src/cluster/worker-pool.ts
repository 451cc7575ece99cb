/**
 * The cluster primary's workers, one per slot 0..N-1. A slot keeps its index for
 * life, whichever process fills it: a dead worker is replaced in its slot (with
 * backoff), a rolling restart replaces each slot in turn without a gap, and a stop
 * lets every worker drain before it is forced.
 */
import type { Worker } from 'node:cluster';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../logging/logger.js';
import { READY_MESSAGE } from '../serving/ready-signal.js';
import { RETIRE_MESSAGE } from '../serving/stop-signals.js';
import { RestartBackoff, type BackoffPolicy } from './restart-backoff.js';

export type RestartReason = 'crash' | 'start_failure' | 'rolling_restart';
export const RESTART_REASONS: readonly RestartReason[] = ['crash', 'start_failure', 'rolling_restart'];

export interface ForkRequest {
  readonly slot: number;
  /** A replacement whose predecessor still runs (rolling restart). */
  readonly replacing: boolean;
}

export interface WorkerPoolOptions {
  readonly size: number;
  readonly fork: (request: ForkRequest) => Worker;
  readonly logger: Logger;
  /** A worker's own drain deadline (SHUTDOWN_TIMEOUT_MS). */
  readonly shutdownTimeoutMs: number;
  /** How long a new worker may take to report ready during a rolling restart. */
  readonly readyTimeoutMs: number;
  readonly backoff: BackoffPolicy;
  readonly onRestart?: (reason: RestartReason) => void;
}

export interface WorkerPoolStats {
  readonly desiredWorkers: number;
  /** Workers that reported ready and have not exited. */
  readonly aliveWorkers: number;
  /** Per slot: the wait before its pending restart, 0 when none is pending. */
  readonly restartDelaysMs: readonly number[];
}

export interface StopOutcome {
  /** True when some worker had to be killed after the deadline. */
  readonly forced: boolean;
  /** Workers that exited on their own but not gracefully (exit code other than 0: their drain was forced). */
  readonly ungraceful: number;
}

interface ExitStatus {
  readonly code: number | null;
  readonly signal: string | null;
}

class PoolWorker {
  readonly pid: number;
  readonly forkedAt = performance.now();
  ready = false;
  exitStatus: ExitStatus | undefined;
  readonly readyOrExit: Promise<'ready' | 'exited'>;
  readonly exited: Promise<ExitStatus>;

  constructor(
    readonly worker: Worker,
    readonly slot: number,
  ) {
    this.pid = worker.process.pid ?? -1;
    this.exited = new Promise((resolve) => {
      worker.once('exit', (code: number | null, signal: string | null) => {
        this.exitStatus = { code, signal };
        resolve(this.exitStatus);
      });
    });
    this.readyOrExit = new Promise((resolve) => {
      const onMessage = (message: unknown): void => {
        if (message !== READY_MESSAGE) return;
        worker.off('message', onMessage);
        this.ready = true;
        resolve('ready');
      };
      worker.on('message', onMessage);
      void this.exited.then(() => {
        resolve('exited');
      });
    });
  }

  get uptimeMs(): number {
    return performance.now() - this.forkedAt;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.exitStatus === undefined) this.worker.process.kill(signal);
  }

  /**
   * Asks the worker to stop because its replacement serves: it hands the shared
   * queue over instead of emptying it (stop-signals.ts). SIGTERM where the IPC
   * channel is gone.
   */
  retire(): void {
    if (this.exitStatus !== undefined) return;
    if (this.worker.isConnected()) this.worker.send(RETIRE_MESSAGE);
    else this.signal('SIGTERM');
  }
}

interface Slot {
  readonly index: number;
  readonly backoff: RestartBackoff;
  /** The worker serving this slot. */
  current: PoolWorker | undefined;
  /** A rolling restart's replacement, until it is ready. */
  incoming: PoolWorker | undefined;
  restartTimer: NodeJS.Timeout | undefined;
  restartDelayMs: number;
}

/** Extra time past the workers' own deadline before the primary kills them. */
const KILL_GRACE_MS = 2000;

export class WorkerPool {
  readonly #options: WorkerPoolOptions;
  readonly #slots: Slot[];
  readonly #running = new Set<PoolWorker>();
  #rolling = false;
  #stop: Promise<StopOutcome> | undefined;

  constructor(options: WorkerPoolOptions) {
    this.#options = options;
    this.#slots = Array.from({ length: options.size }, (_, index) => ({
      index,
      backoff: new RestartBackoff(options.backoff),
      current: undefined,
      incoming: undefined,
      restartTimer: undefined,
      restartDelayMs: 0,
    }));
  }

  get stats(): WorkerPoolStats {
    let aliveWorkers = 0;
    for (const worker of this.#running) if (worker.ready) aliveWorkers++;
    return {
      desiredWorkers: this.#options.size,
      aliveWorkers,
      restartDelaysMs: this.#slots.map((slot) => slot.restartDelayMs),
    };
  }

  start(): void {
    for (const slot of this.#slots) slot.current = this.#fork(slot, false);
  }

  /** Replaces every worker, one slot at a time: start the new one, wait until it is ready, then drain the old one. */
  async rollingRestart(): Promise<void> {
    const { logger } = this.#options;
    if (this.#stop) return;
    if (this.#rolling) {
      logger.warn({}, 'Rolling restart already in progress; SIGHUP ignored');
      return;
    }
    this.#rolling = true;
    const startedAt = performance.now();
    logger.info({ workers: this.#slots.length }, `Rolling restart of ${this.#slots.length} worker(s), one slot at a time`);
    try {
      for (const slot of this.#slots) {
        if (this.#stop) return;
        if (!(await this.#replaceSlot(slot))) return;
      }
      const durationMs = Math.round(performance.now() - startedAt);
      logger.info({ durationMs }, `Rolling restart complete in ${durationMs} ms`);
    } finally {
      this.#rolling = false;
    }
  }

  /** Stops every worker gracefully; kills those still running after their deadline. */
  stop(): Promise<StopOutcome> {
    this.#stop ??= this.#stopAll();
    return this.#stop;
  }

  async #replaceSlot(slot: Slot): Promise<boolean> {
    const { logger, readyTimeoutMs } = this.#options;
    const old = slot.current;
    if (old === undefined) {
      logger.info({ slot: slot.index }, `Rolling restart: slot ${slot.index} is waiting for its restart, skipped`);
      return true;
    }
    const incoming = this.#fork(slot, true);
    slot.incoming = incoming;
    const outcome = await Promise.race([incoming.readyOrExit, delay(readyTimeoutMs, 'timeout' as const)]);
    slot.incoming = undefined;
    if (this.#stop) return false;
    if (outcome !== 'ready') {
      incoming.signal('SIGKILL');
      logger.error(
        { slot: slot.index, pid: incoming.pid },
        `Rolling restart aborted: the new worker for slot ${slot.index} (pid ${incoming.pid}) ${
          outcome === 'exited' ? 'exited before it was ready' : `was not ready within ${readyTimeoutMs} ms`
        }`,
      );
      // The old worker may have died while we waited; its replacement was left to us.
      if (slot.current === undefined && slot.restartTimer === undefined) this.#scheduleRestart(slot, 'crash', 0);
      return false;
    }
    this.#clearRestart(slot);
    slot.current = incoming;
    this.#options.onRestart?.('rolling_restart');
    await this.#retire(old);
    logger.info(
      { slot: slot.index, oldPid: old.pid, newPid: incoming.pid },
      `Rolling restart: slot ${slot.index} pid ${old.pid} -> ${incoming.pid}`,
    );
    return true;
  }

  /**
   * Retire the worker (its replacement is ready), wait for its drain, SIGKILL if it
   * outlives its deadline. A worker not ready yet (a crash restart still starting) may
   * not listen for the message: it gets SIGTERM.
   */
  async #retire(worker: PoolWorker): Promise<void> {
    if (worker.ready) worker.retire();
    else worker.signal('SIGTERM');
    const deadline = this.#options.shutdownTimeoutMs + KILL_GRACE_MS;
    const exitedInTime = await Promise.race([worker.exited.then(() => true), delay(deadline, false)]);
    if (!exitedInTime) {
      this.#options.logger.warn({ pid: worker.pid }, `Worker pid ${worker.pid} still running ${deadline} ms after it was retired: killing it`);
      worker.signal('SIGKILL');
      await worker.exited;
    }
  }

  async #stopAll(): Promise<StopOutcome> {
    for (const slot of this.#slots) this.#clearRestart(slot);
    const workers = [...this.#running];
    for (const worker of workers) worker.signal('SIGTERM');
    const allExited = Promise.all(workers.map((worker) => worker.exited));
    const deadline = this.#options.shutdownTimeoutMs + KILL_GRACE_MS;
    const inTime = await Promise.race([allExited.then(() => true), delay(deadline, false)]);
    const ungraceful = (): number => workers.filter((worker) => worker.exitStatus?.code !== 0 && worker.exitStatus?.signal === null).length;
    if (inTime) return { forced: false, ungraceful: ungraceful() };
    const left = workers.filter((worker) => worker.exitStatus === undefined);
    this.#options.logger.warn(
      { pids: left.map((worker) => worker.pid) },
      `${left.length} worker(s) still running ${deadline} ms after SIGTERM: killing them`,
    );
    for (const worker of left) worker.signal('SIGKILL');
    await allExited;
    return { forced: true, ungraceful: ungraceful() };
  }

  #fork(slot: Slot, replacing: boolean): PoolWorker {
    const worker = new PoolWorker(this.#options.fork({ slot: slot.index, replacing }), slot.index);
    this.#running.add(worker);
    worker.worker.on('error', (error: Error) => {
      this.#options.logger.warn({ pid: worker.pid, err: error }, `Worker pid ${worker.pid}: ${error.message}`);
    });
    void worker.exited.then((status) => {
      this.#onExit(slot, worker, status);
    });
    return worker;
  }

  #onExit(slot: Slot, worker: PoolWorker, status: ExitStatus): void {
    this.#running.delete(worker);
    if (slot.current !== worker) return; // a retired or a failed incoming worker
    slot.current = undefined;
    if (this.#stop) return;
    const uptimeMs = Math.round(worker.uptimeMs);
    const reason: RestartReason = worker.ready ? 'crash' : 'start_failure';
    const how = status.signal === null ? `exited with code ${status.code}` : `was killed by ${status.signal}`;
    if (slot.incoming !== undefined) {
      this.#options.logger.warn(
        { slot: slot.index, pid: worker.pid, code: status.code, signal: status.signal },
        `Worker ${slot.index} (pid ${worker.pid}) ${how}; its rolling-restart replacement takes the slot`,
      );
      return;
    }
    const delayMs = slot.backoff.delayAfterExit(uptimeMs);
    this.#options.logger.warn(
      { slot: slot.index, pid: worker.pid, code: status.code, signal: status.signal, uptimeMs, reason, delayMs },
      `Worker ${slot.index} (pid ${worker.pid}) ${how} after ${uptimeMs} ms; restarting slot ${slot.index} in ${delayMs} ms`,
    );
    this.#scheduleRestart(slot, reason, delayMs);
  }

  #scheduleRestart(slot: Slot, reason: RestartReason, delayMs: number): void {
    slot.restartDelayMs = delayMs;
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      slot.restartDelayMs = 0;
      if (this.#stop || slot.current !== undefined) return;
      this.#options.onRestart?.(reason);
      slot.current = this.#fork(slot, false);
    }, delayMs);
  }

  #clearRestart(slot: Slot): void {
    clearTimeout(slot.restartTimer);
    slot.restartTimer = undefined;
    slot.restartDelayMs = 0;
  }
}

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms, value).unref();
  });
}
