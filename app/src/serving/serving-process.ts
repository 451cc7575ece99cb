/**
 * One process that serves the application, whatever started it (by hand, the
 * cluster primary or PM2): it listens on the application port and on its own
 * metrics port, signals readiness, and stops gracefully on SIGTERM or SIGINT.
 */
import type { Config } from '../config/config.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';
import { createApp } from '../http/app.js';
import { GracefulHttpServer, type DrainOutcome } from '../http/graceful-http-server.js';
import { errorCode } from '../http/listen.js';
import { waitingConnectionsOf } from '../http/waiting-connections.js';
import type { Logger } from '../logging/logger.js';
import { MetricsServer } from '../metrics/metrics-server.js';
import { createServingMetrics } from '../metrics/serving-metrics.js';
import { signalReady } from './ready-signal.js';
import type { ServingIdentity } from './serving-identity.js';
import { leaveCluster } from './leave-cluster.js';
import { pm2ReplacementRunning } from './pm2-replacement.js';
import { queueScope } from './queue-scope.js';
import { onStopRequest, type StopCause } from './stop-signals.js';

const METRICS_BIND_RETRY_MS = 100;

export interface ServingProcessOptions {
  readonly config: Config;
  readonly identity: ServingIdentity;
  readonly logger: Logger;
}

export async function runServingProcess({ config, identity, logger }: ServingProcessOptions): Promise<void> {
  logger.info({ pid: process.pid }, `worker pid=${process.pid}`);

  const httpServer = new GracefulHttpServer({ keepAliveTimeoutMs: config.keepAliveTimeoutMs });
  const metrics = config.metricsEnabled
    ? createServingMetrics({ mode: identity.mode, worker: String(identity.workerIndex) }, httpServer)
    : undefined;
  httpServer.handle(
    createApp({
      worker: { index: identity.workerIndex, pid: process.pid },
      heavy: { defaultIterations: config.heavyIterations, maxIterations: config.heavyMax },
      readiness: httpServer,
      logger,
      requestDuration: metrics?.requestDuration,
      logRequests: logger.isLevelEnabled('debug'),
    }),
  );
  const metricsServer = metrics ? new MetricsServer(metrics.registry) : undefined;

  // Only a node:cluster worker is retired by its primary (a rolling restart).
  onStopRequest(
    (cause) => {
      void stop(cause);
    },
    { retire: identity.role === 'cluster-worker' },
  );

  async function stop(cause: StopCause): Promise<void> {
    const waiting = waitingConnectionsOf(queueScope(config.port));
    const waitingAtSignal = waiting();
    // Retired by our primary, or reloaded by PM2: a replacement serves the queue.
    const replacedByPm2 = identity.pm2Id !== undefined && pm2ReplacementRunning(identity.pm2Id);
    const handOverQueue = cause === 'retire' || replacedByPm2;
    const queueFate = handOverQueue ? 'left to the workers still serving' : 'waiting to be accepted';
    const what =
      cause === 'retire' ? 'Retired by the primary (the replacement is ready)'
      : replacedByPm2 ? `Received ${cause} from pm2 reload (the replacement is ready)`
      : `Received ${cause}`;
    logger.info(
      {
        signal: cause,
        requestsInFlight: httpServer.requestsInFlight,
        openConnections: httpServer.openConnections,
        waitingConnections: waitingAtSignal ?? null,
        timeoutMs: config.shutdownTimeoutMs,
      },
      `${what}: finishing ${httpServer.requestsInFlight} request(s) in flight on ${httpServer.openConnections} connection(s)` +
        ` and ${describeCount(waitingAtSignal)} connection(s) ${queueFate}, deadline ${config.shutdownTimeoutMs} ms`,
    );
    // Free the metrics port first: a successor may be waiting for it.
    metricsServer?.stopListening();
    const outcome = await httpServer.drain({ timeoutMs: config.shutdownTimeoutMs, waiting, handOverQueue });
    metricsServer?.closeAllConnections();
    const durationMs = Math.round(outcome.durationMs);
    const fields = {
      durationMs,
      acceptedWhileDraining: outcome.acceptedWhileDraining,
      waitingAtClose: outcome.waitingAtClose ?? null,
      destroyed: outcome.destroyed,
      idleClosed: outcome.idleClosed,
    };
    if (outcome.forced) {
      logger.warn(fields, describeForcedStop(config.shutdownTimeoutMs, outcome, identity.role !== 'single'));
    } else {
      logger.info(
        fields,
        outcome.handedOver
          ? `Stopped gracefully in ${durationMs} ms (left ${describeCount(outcome.waitingAtClose)} waiting connection(s) to the workers still serving)`
          : `Stopped gracefully in ${durationMs} ms (accepted ${outcome.acceptedWhileDraining} waiting connection(s) before closing the listener)`,
      );
    }
    // A connection the round-robin primary is still handing us must reach
    // another worker before we exit (leave-cluster.ts). Logged before: under PM2
    // the log travels over the IPC channel this closes.
    await leaveCluster();
    process.exit(outcome.forced ? EXIT_FAILURE : EXIT_OK);
  }

  try {
    await httpServer.listen({ port: config.port, host: config.host, ...(identity.reusePort ? { reusePort: true } : {}) });
  } catch (error) {
    failToStart(logger, `Cannot listen on port ${config.port}: ${describeListenError(error)}`, error);
  }
  logger.info({ port: config.port, reusePort: identity.reusePort }, `App listening on port ${config.port}`);

  if (metricsServer) await startMetricsServer(metricsServer, identity, config.host, logger);
  signalReady();
}

/**
 * Binds the metrics port. When it is in use and the identity allows waiting (a
 * predecessor still draining), readiness is not held back: the bind is retried in
 * the background, and the process exits if the port is still taken at the end.
 */
async function startMetricsServer(server: MetricsServer, identity: ServingIdentity, host: string | undefined, logger: Logger): Promise<void> {
  const port = identity.metricsPort;
  const bound = (): void => {
    logger.info({ metricsPort: port }, `Metrics on port ${port}`);
  };
  try {
    await server.listen(port, host);
    bound();
    return;
  } catch (error) {
    if (errorCode(error) !== 'EADDRINUSE' || identity.metricsBindWaitMs === 0) {
      failToStart(logger, `Cannot serve metrics on port ${port}: ${describeListenError(error)}`, error);
    }
  }
  logger.warn(
    { metricsPort: port, waitMs: identity.metricsBindWaitMs },
    `Metrics port ${port} is in use, waiting up to ${identity.metricsBindWaitMs} ms for the process it belongs to to stop`,
  );
  const giveUpAt = Date.now() + identity.metricsBindWaitMs;
  const retry = (): void => {
    server.listen(port, host).then(bound, (error: unknown) => {
      if (errorCode(error) === 'EADDRINUSE' && Date.now() < giveUpAt) setTimeout(retry, METRICS_BIND_RETRY_MS);
      else failToStart(logger, `Cannot serve metrics on port ${port}: ${describeListenError(error)}`, error);
    });
  };
  setTimeout(retry, METRICS_BIND_RETRY_MS);
}

function describeCount(count: number | undefined): string {
  return count === undefined ? 'an unknown number of' : String(count);
}

/**
 * `inCluster`: the waiting connections sit in a queue shared with other workers
 * (the round-robin primary's, or a shared listening socket), which another worker
 * still serving takes over; they are reset only when none is left.
 */
function describeForcedStop(timeoutMs: number, outcome: DrainOutcome, inCluster: boolean): string {
  const parts: string[] = [];
  if (outcome.waitingAtClose !== 0 && !outcome.handedOver) {
    const fate = inCluster ? 'reset unless another worker is left to take them' : 'reset';
    parts.push(`${describeCount(outcome.waitingAtClose)} connection(s) were still waiting to be accepted when the listener closed (${fate})`);
  }
  if (outcome.destroyed > 0) parts.push(`destroyed ${outcome.destroyed} open connection(s)`);
  return `Stop forced by the ${timeoutMs} ms deadline: ${parts.join('; ')}`;
}

function describeListenError(error: unknown): string {
  const code = errorCode(error);
  if (code === 'EADDRINUSE') return 'address already in use (EADDRINUSE)';
  if (code === 'EACCES') return 'permission denied (EACCES)';
  if (code === 'EADDRNOTAVAIL') return 'address not available (EADDRNOTAVAIL)';
  return error instanceof Error ? error.message : String(error);
}

function failToStart(logger: Logger, message: string, error: unknown): never {
  logger.error({ code: errorCode(error) }, message);
  process.exit(EXIT_FAILURE);
}
