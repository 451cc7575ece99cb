/**
 * The Express application: the seed's routes plus health, readiness, JSON errors
 * and the headers that tell which worker answered.
 */
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { Logger } from '../logging/logger.js';
import type { RequestDurationHistogram } from '../metrics/serving-metrics.js';
import { countTo, readIterations, type HeavyLimits } from './heavy-task.js';
import { requestLogMiddleware } from './request-log.js';
import { requestMetricsMiddleware } from './request-metrics.js';

export interface WorkerIdentityHeaders {
  /** Stable worker index, sent as X-Worker. */
  readonly index: number;
  /** Sent as X-Worker-Pid. */
  readonly pid: number;
}

export interface Readiness {
  /** True once shutdown has begun: /readyz answers 503. */
  readonly isDraining: boolean;
}

export interface AppOptions {
  readonly worker: WorkerIdentityHeaders;
  readonly heavy: HeavyLimits;
  readonly readiness: Readiness;
  readonly logger: Logger;
  /** Observes request durations; undefined when METRICS=off. */
  readonly requestDuration?: RequestDurationHistogram | undefined;
  /** Logs every request at debug level. */
  readonly logRequests?: boolean;
}

export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');

  app.use(workerHeaders(options.worker));
  if (options.requestDuration) app.use(requestMetricsMiddleware(options.requestDuration, ['/', '/heavy']));
  if (options.logRequests === true) app.use(requestLogMiddleware(options.logger));

  app.get('/', (_request, response) => {
    response.send('Hello World!');
  });

  app.get('/heavy', (request, response) => {
    const requested = readIterations(request.query.n, options.heavy);
    if (!requested.ok) {
      response.status(400).json(requested.invalid);
      return;
    }
    response.send(`The result of the CPU intensive task is ${countTo(requested.iterations)}`);
  });

  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });

  app.get('/readyz', (_request, response) => {
    if (options.readiness.isDraining) response.status(503).json({ status: 'draining' });
    else response.json({ status: 'ready' });
  });

  app.use(notFound);
  app.use(errorHandler(options.logger));
  return app;
}

function workerHeaders(worker: WorkerIdentityHeaders): RequestHandler {
  const index = String(worker.index);
  const pid = String(worker.pid);
  return (_request, response, next) => {
    response.setHeader('X-Worker', index);
    response.setHeader('X-Worker-Pid', pid);
    next();
  };
}

const notFound: RequestHandler = (request, response) => {
  response.status(404).json({ error: 'not_found', method: request.method, path: request.path });
};

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, next) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    const status = clientErrorStatus(error);
    if (status !== undefined) {
      response.status(status).json({ error: 'bad_request', message: error instanceof Error ? error.message : 'Bad Request' });
      return;
    }
    logger.error({ err: error, method: request.method, url: request.originalUrl }, `Unhandled error on ${request.method} ${request.originalUrl}`);
    response.status(500).json({ error: 'internal_error' });
  };
}

/** The 4xx status an error carries (body-parser, URI decoding, ...), if any. */
function clientErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = 'status' in error ? error.status : 'statusCode' in error ? error.statusCode : undefined;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}
