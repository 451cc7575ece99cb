/**
 * Express middleware that observes every request in the duration histogram,
 * labelled by method, matched route and status code.
 */
import type { Request, RequestHandler } from 'express';
import type { RequestDurationHistogram } from '../metrics/serving-metrics.js';

/** The route label of requests no route matched (404s): one series, not one per path. */
export const UNMATCHED_ROUTE = 'unmatched';

const KNOWN_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

type Observer = ReturnType<RequestDurationHistogram['labels']>;

/**
 * `served`: the routes whose successful GETs exist at zero from the start, so the
 * scrape before a run's first request reads them and a rate sees the whole run (a
 * series born during a burst shorter than the scrape interval shows no increase).
 */
export function requestMetricsMiddleware(histogram: RequestDurationHistogram, served: readonly string[] = []): RequestHandler {
  for (const route of served) histogram.zero({ method: 'GET', route, status_code: '200' });
  // One child per label combination, so a request does not hash its labels again.
  const observers = new Map<string, Observer>();
  const observerFor = (method: string, route: string, statusCode: string): Observer => {
    const key = `${method} ${route} ${statusCode}`;
    let observer = observers.get(key);
    if (observer === undefined) {
      observer = histogram.labels({ method, route, status_code: statusCode });
      observers.set(key, observer);
    }
    return observer;
  };

  return (request, response, next) => {
    const startedAt = process.hrtime.bigint();
    response.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const method = KNOWN_METHODS.has(request.method) ? request.method : 'OTHER';
      observerFor(method, routeOf(request), String(response.statusCode)).observe(seconds);
    });
    next();
  };
}

/** The matched route's path pattern, e.g. "/heavy", or UNMATCHED_ROUTE. */
export function routeOf(request: Request): string {
  const route: unknown = request.route;
  if (typeof route === 'object' && route !== null && 'path' in route && typeof route.path === 'string') return route.path;
  return UNMATCHED_ROUTE;
}
