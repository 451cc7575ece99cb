/**
 * The seed's load test (loadtest -n 1200 -c 200 -k http://localhost:3000/heavy) in
 * k6, from the same k6/scenario.json as the native runner: `requests` iterations
 * shared by `concurrency` VUs, each VU one keep-alive connection.
 *
 * In the Docker stack (k6 1.x runs TypeScript as is):
 *   docker compose --profile bench run --rm --no-deps -e BASE_URL=http://app-pm2:3000 -e LAB_MODE=pm2 k6
 * Env: BASE_URL (required), LAB_MODE, TESTID (default <mode>-<time>), REQUESTS,
 * CONCURRENCY, TARGET_PATH (override the scenario), RESULTS_DIR (default results).
 * With -o experimental-prometheus-rw every sample carries the tags testid and mode.
 */
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter, Gauge, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { applyOverrides, benchOptions, defaultTestId, parseScenario, requestTimeout } from './bench-options.ts';
import { formatSeedBlock, METRICS, summarize, WORKER_SLOTS, workerSubmetric, type SummaryData } from './handle-summary.ts';

const scenario = applyOverrides(parseScenario(open('./scenario.json')), __ENV);

const baseUrl = (__ENV['BASE_URL'] ?? '').replace(/\/+$/, '');
if (!/^https?:\/\/[^/]+$/.test(baseUrl)) {
  throw new Error(`BASE_URL=${__ENV['BASE_URL'] ?? ''} is not accepted: expected http://<service>:<port>, e.g. http://app-cluster:3000`);
}
const target = `${baseUrl}${scenario.path}`;
const mode = __ENV['LAB_MODE'] || (/^https?:\/\/([^:/]+)/.exec(baseUrl)?.[1] ?? 'unknown');
const testid = __ENV['TESTID'] || defaultTestId(mode, new Date());
const resultsDir = __ENV['RESULTS_DIR'] || 'results';

export const options: Options = benchOptions(scenario, { testid, mode }, Array.from({ length: WORKER_SLOTS }, (_, i) => workerSubmetric(i)));

const non2xx = new Counter(METRICS.non2xx);
const socketErrors = new Counter(METRICS.socket);
const timeouts = new Counter(METRICS.timeout);
const requestStart = new Gauge(METRICS.firstRequest);
const responseEnd = new Gauge(METRICS.lastResponse);
const workerRequests = new Counter(METRICS.workerRequests);
const firstOnConnection = new Trend(METRICS.first, true);
const laterOnConnection = new Trend(METRICS.later, true);

/** Each VU runs its own copy of this module and holds one keep-alive connection: its first request is the connection's. */
let firstOnThisVu = true;

/** Only 2xx counts as success, as in the native runner. */
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }));

const params = { timeout: requestTimeout(scenario), tags: { name: scenario.path } };

/** k6's error code for a request that timed out. */
const REQUEST_TIMEOUT = 1050;

interface SetupData {
  testid: string;
}

/** Warm-up, like the native runner: sent before measuring, outside the bench scenario, not counted. */
export function setup(): SetupData {
  for (let sent = 0; sent < scenario.warmupRequests; sent += scenario.concurrency) {
    const n = Math.min(scenario.concurrency, scenario.warmupRequests - sent);
    http.batch(Array.from({ length: n }, () => ({ method: 'GET', url: target, params: { ...params, tags: { ...params.tags, phase: 'warmup' } } })));
  }
  // The consolidated tag, the same in every VU (an init-time default could differ between VUs).
  return { testid: exec.test.options.tags?.['testid'] ?? testid };
}

export default function bench(): void {
  requestStart.add(Date.now());
  const res = http.get(target, params);
  responseEnd.add(Date.now());
  (firstOnThisVu ? firstOnConnection : laterOnConnection).add(res.timings.duration);
  firstOnThisVu = false;
  const worker = res.headers['X-Worker'];
  if (worker !== undefined) workerRequests.add(1, { worker });
  if (res.status === 0) {
    if (res.error_code === REQUEST_TIMEOUT) timeouts.add(1);
    else socketErrors.add(1);
  } else if (res.status < 200 || res.status >= 300) {
    non2xx.add(1);
  }
}

export function handleSummary(data: SummaryData & { setup_data?: SetupData }): Record<string, string> {
  const id = data.setup_data?.testid ?? testid;
  const summary = summarize(data, scenario, { testid: id, mode, target });
  const file = `${resultsDir}/k6-${id}.json`;
  return {
    stdout: `\n${formatSeedBlock(summary)}\nk6 testid ${id}; summary written to ${file}\n`,
    [file]: `${JSON.stringify(summary, null, 2)}\n`,
  };
}
