/**
 * The end of a k6 run as the lab reports it: the seed tutorial's loadtest block
 * (lab/src/shared/seed-block.ts, the native runner's formatter, re-exported) and the JSON
 * summary (lab/src/shared/k6-summary.ts), the native RunResult's headline fields.
 *
 * Pure code, no k6 module: Node runs it too (the lab's tests compare its block with
 * the native runner's for the same figures).
 */
import type { K6RunSummary } from '../lab/src/shared/k6-summary.ts';
import { MEASURED, type Scenario } from './bench-options.ts';

export type { K6RunSummary };

/** The block itself is the native runner's own formatter, imported as is (the k6 service mounts it). */
export { formatSeedBlock } from '../lab/src/shared/seed-block.ts';

/** The part of handleSummary's data this module reads. */
export interface SummaryMetric {
  values: Record<string, number | undefined>;
}

export interface SummaryData {
  metrics: Record<string, SummaryMetric | undefined>;
  state?: { testRunDurationMs?: number };
}

/** Custom metrics bench.ts records. */
export const METRICS = {
  non2xx: 'lab_errors_non2xx',
  socket: 'lab_errors_socket',
  timeout: 'lab_errors_timeout',
  /** Gauges of Date.now(): min of the first is the first request, max of the second the last response. */
  firstRequest: 'lab_clock_request_start',
  lastResponse: 'lab_clock_response_end',
  /** Counter tagged worker (the X-Worker header): requests each worker answered. */
  workerRequests: 'lab_worker_requests',
  /** Trends of the first request on a VU (its connection) and of the later ones, ms. */
  first: 'lab_first_request_ms',
  later: 'lab_later_request_ms',
} as const;

/** Worker labels the summary keeps a count for (k6 keeps a tagged submetric only when a threshold names it). */
export const WORKER_SLOTS = 100;
export const workerSubmetric = (worker: number | string): string => `${METRICS.workerRequests}{worker:${worker}}`;

const value = (data: SummaryData, metric: string, stat: string): number => data.metrics[metric]?.values[stat] ?? 0;

export function summarize(data: SummaryData, scenario: Scenario, meta: { testid: string; mode: string; target: string }): K6RunSummary {
  const non2xx = value(data, METRICS.non2xx, 'count');
  const socket = value(data, METRICS.socket, 'count');
  const timeout = value(data, METRICS.timeout, 'count');
  const completed = value(data, MEASURED.reqs, 'count');
  const first = data.metrics[METRICS.firstRequest]?.values['min'];
  const last = data.metrics[METRICS.lastResponse]?.values['max'];
  const totalTimeMs = first !== undefined && last !== undefined && last >= first ? last - first : (data.state?.testRunDurationMs ?? 0);
  const d = (stat: string): number => value(data, MEASURED.duration, stat);
  return {
    tool: 'k6',
    testid: meta.testid,
    mode: meta.mode,
    target: meta.target,
    requests: scenario.requests,
    concurrency: scenario.concurrency,
    keepAlive: scenario.keepAlive,
    timeoutMs: scenario.timeoutMs,
    completed,
    errors: { non2xx, socket, timeout, total: non2xx + socket + timeout },
    totalTimeMs,
    rps: totalTimeMs > 0 ? completed / (totalTimeMs / 1000) : 0,
    latencyMs: { mean: d('avg'), p50: d('p(50)'), p90: d('p(90)'), p95: d('p(95)'), p99: d('p(99)'), max: d('max') },
    perWorker: Object.fromEntries(
      Array.from({ length: WORKER_SLOTS }, (_, i) => [String(i), value(data, workerSubmetric(i), 'count')] as const).filter(([, n]) => n > 0),
    ),
    firstVsLater: {
      first: { count: value(data, METRICS.first, 'count'), p50: value(data, METRICS.first, 'p(50)'), p99: value(data, METRICS.first, 'p(99)') },
      later: { count: value(data, METRICS.later, 'count'), p50: value(data, METRICS.later, 'p(50)'), p99: value(data, METRICS.later, 'p(99)') },
    },
  };
}
