/**
 * The sweep's open model in k6: one constant-arrival-rate scenario per offered rate,
 * run one after another (startTime offsets), each tagged {rate}, VUs = connections.
 * handleSummary writes, per rate, offered, achieved, dropped iterations and k6's
 * latency (from the actual send: the "uncorrected" figure) to
 * $RESULTS_DIR/k6-sweep-<TESTID>.json, which the Docker sweep reads.
 *
 *   docker compose --profile bench run --rm --no-deps -e BASE_URL=http://app-cluster:3000 -e RATES=50,100 k6 run sweep.ts
 * Env: BASE_URL (required), RATES (required), STEP_MS (default 4000), CONNECTIONS
 * (default 200), TIMEOUT_MS (default 10000), GAP_MS (default 1000), TARGET_PATH
 * (default the scenario's), LAB_MODE, TESTID, RESULTS_DIR (default results).
 */
import http from 'k6/http';
import type { Options } from 'k6/options';
import { applyOverrides, parseScenario } from './bench-options.ts';
import { rateScenarios, rateThresholds, sweepPlan, sweepSummary, SWEEP_TREND_STATS, type SweepSummaryData } from './sweep-options.ts';

const scenario = applyOverrides(parseScenario(open('./scenario.json')), __ENV);
const plan = sweepPlan(__ENV, scenario.timeoutMs);

const baseUrl = (__ENV['BASE_URL'] ?? '').replace(/\/+$/, '');
if (!/^https?:\/\/[^/]+$/.test(baseUrl)) {
  throw new Error(`BASE_URL=${__ENV['BASE_URL'] ?? ''} is not accepted: expected http://<service>:<port>, e.g. http://app-cluster:3000`);
}
const target = `${baseUrl}${scenario.path}`;
const mode = __ENV['LAB_MODE'] || 'unknown';
const testid = __ENV['TESTID'] || `sweep-${mode}-${Date.now()}`;
const resultsDir = __ENV['RESULTS_DIR'] || 'results';

export const options: Options = {
  scenarios: rateScenarios(plan),
  thresholds: rateThresholds(plan.rates),
  summaryTrendStats: SWEEP_TREND_STATS,
  tags: { testid, mode },
  discardResponseBodies: true,
};

/** Only 2xx counts as success, as in the lab's runner. */
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }));

const params = { timeout: `${scenario.timeoutMs}ms`, tags: { name: scenario.path } };

export default function step(): void {
  http.get(target, params);
}

export function handleSummary(data: SweepSummaryData): Record<string, string> {
  const file = `${resultsDir}/k6-sweep-${testid}.json`;
  const summary = sweepSummary(data, plan, target);
  const lines = summary.steps.map((s) => `${s.offeredRps} req/s: achieved ${s.achievedRps.toFixed(1)}, p99 ${s.latencyMs.p99.toFixed(1)} ms (from the actual send), dropped ${s.dropped}`);
  return { stdout: `${lines.join('\n')}\nk6 sweep summary written to ${file}\n`, [file]: `${JSON.stringify(summary, null, 2)}\n` };
}
