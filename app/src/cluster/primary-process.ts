/**
 * The node:cluster primary: forks WORKERS workers into stable slots, serves its
 * own metrics, rolls the workers on SIGHUP and stops them gracefully on SIGTERM
 * or SIGINT.
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Config, SchedulingPolicy } from '../config/config.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import { errorCode } from '../http/listen.js';
import { countWaitingConnections } from '../http/waiting-connections.js';
import type { Logger } from '../logging/logger.js';
import { MetricsServer } from '../metrics/metrics-server.js';
import { createPrimaryMetrics } from '../metrics/primary-metrics.js';
import { METRICS_BIND_WAIT_ENV, WORKER_SLOT_ENV, predecessorWaitMs } from '../serving/serving-identity.js';
import { onStopSignal } from '../serving/stop-signals.js';
import { DEFAULT_RESTART_BACKOFF } from './restart-backoff.js';
import { WorkerPool } from './worker-pool.js';

export const CLUSTER_WORKER_SCRIPT = fileURLToPath(new URL('../cluster-worker.js', import.meta.url));

/** How long a rolling restart waits for a new worker to report ready. */
const WORKER_READY_TIMEOUT_MS = 30_000;

const POLICY_DESCRIPTIONS: Readonly<Record<SchedulingPolicy, string>> = {
  rr: 'rr (round-robin: the primary accepts and hands connections to workers in turn)',
  none: 'none (workers accept from the shared socket, the OS picks)',
};

export interface PrimaryProcessOptions {
  readonly config: Config;
  readonly mode: string;
  readonly logger: Logger;
}

export async function runPrimaryProcess({ config, mode, logger }: PrimaryProcessOptions): Promise<void> {
  const cpus = availableParallelism();
  logger.info({ cpus }, `The total number of CPUs is ${cpus}`);
  logger.info({ pid: process.pid }, `Primary pid=${process.pid}`);

  // Frozen by the first setupPrimary()/fork(), so it is set before either.
  cluster.schedulingPolicy = config.clusterScheduling === 'rr' ? cluster.SCHED_RR : cluster.SCHED_NONE;
  cluster.setupPrimary({ exec: CLUSTER_WORKER_SCRIPT });
  logger.info(
    { workers: config.workers, schedulingPolicy: config.clusterScheduling },
    `Forking ${config.workers} worker(s), scheduling policy ${POLICY_DESCRIPTIONS[config.clusterScheduling]}`,
  );

  const metrics = config.metricsEnabled ? createPrimaryMetrics({ mode, worker: 'primary' }, () => pool.stats) : undefined;
  const pool = new WorkerPool({
    size: config.workers,
    fork: ({ slot, replacing }) =>
      cluster.fork({
        [WORKER_SLOT_ENV]: String(slot),
        [METRICS_BIND_WAIT_ENV]: String(replacing ? predecessorWaitMs(config) : 0),
      }),
    logger,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    readyTimeoutMs: WORKER_READY_TIMEOUT_MS,
    backoff: DEFAULT_RESTART_BACKOFF,
    onRestart: (reason) => {
      metrics?.recordRestart(reason);
    },
  });

  const metricsServer = metrics ? new MetricsServer(metrics.registry) : undefined;
  if (metricsServer) {
    try {
      await metricsServer.listen(config.primaryMetricsPort, config.host);
    } catch (error) {
      logger.error(
        { code: errorCode(error), metricsPort: config.primaryMetricsPort },
        `Cannot serve the primary's metrics on port ${config.primaryMetricsPort}: ${errorCode(error) ?? String(error)}`,
      );
      process.exit(EXIT_FAILURE);
    }
    logger.info({ metricsPort: config.primaryMetricsPort }, `Primary metrics on port ${config.primaryMetricsPort}`);
  }

  onStopSignal((signal) => {
    // Under round-robin the primary accepts every connection and queues it until
    // a worker takes it; the workers keep accepting until this queue is empty
    // (they read it from the kernel), so the last one leaves nothing behind.
    const waiting = countWaitingConnections({ port: config.port, holders: [process.pid] });
    logger.info(
      { signal, timeoutMs: config.shutdownTimeoutMs, waitingConnections: waiting ?? null },
      `Received ${signal}: stopping the workers gracefully, ${waiting ?? 'an unknown number of'} connection(s) waiting in the primary, deadline ${config.shutdownTimeoutMs} ms`,
    );
    void pool.stop().then(({ forced, ungraceful }) => {
      metricsServer?.stopListening();
      metricsServer?.closeAllConnections();
      const graceful = !forced && ungraceful === 0;
      const message = forced
        ? 'Workers stopped (some were killed); primary exiting'
        : graceful
          ? 'All workers stopped; primary exiting'
          : `Workers stopped, ${ungraceful} of them not gracefully (their drain was forced); primary exiting`;
      logger.info({ forced, ungraceful }, message);
      process.exit(graceful ? EXIT_OK : EXIT_FAILURE);
    });
  });
  process.on('SIGHUP', () => {
    void pool.rollingRestart();
  });

  pool.start();
}
