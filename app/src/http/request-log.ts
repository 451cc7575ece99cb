/**
 * Per-request logging at debug level. Installed only when LOG_LEVEL is debug or
 * trace: at the default level it would not print, and its cost would still show
 * in a CPU benchmark.
 */
import type { RequestHandler } from 'express';
import type { Logger } from '../logging/logger.js';
import { routeOf } from './request-metrics.js';

export function requestLogMiddleware(logger: Logger): RequestHandler {
  return (request, response, next) => {
    const startedAt = process.hrtime.bigint();
    response.once('close', () => {
      const durationMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
      const fields = {
        method: request.method,
        url: request.originalUrl,
        route: routeOf(request),
        statusCode: response.statusCode,
        durationMs: Math.round(durationMs * 1000) / 1000,
      };
      logger.debug(fields, `${fields.method} ${fields.url} ${fields.statusCode} ${fields.durationMs} ms`);
    });
    next();
  };
}
