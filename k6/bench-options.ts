/**
 * The scenario as k6 runs it: k6/scenario.json (the file the native runner reads)
 * with the same overrides (REQUESTS, CONCURRENCY, TARGET_PATH), mapped onto k6's
 * shared-iterations executor: requests → iterations, concurrency → VUs.
 *
 * The reading and the overrides are lab/src/shared/scenario-rules.ts, the native lab's own
 * module (the k6 service mounts lab/src/shared/ whole). Pure code, no k6 module: Node runs it too.
 */

import type { Scenario } from '../lab/src/model/report-model.ts';
import { testId } from '../lab/src/shared/ids.ts';
import { applyOverrides as applyScenarioOverrides, parseScenario, scenarioOverrides, type Env } from '../lab/src/shared/scenario-rules.ts';

export type { Env, Scenario };
export { parseScenario };

/** The native runner's overrides (REQUESTS, CONCURRENCY, TARGET_PATH), by the native runner's own rules. */
export function applyOverrides(base: Scenario, env: Env): Scenario {
  return applyScenarioOverrides(base, scenarioOverrides(env));
}

/** The name of the measured scenario: its samples carry the tag scenario="bench". */
export const BENCH_SCENARIO = 'bench';

/** Submetrics of the measured requests only (warm-up excluded), for handleSummary. */
export const MEASURED = {
  duration: `http_req_duration{scenario:${BENCH_SCENARIO}}`,
  reqs: `http_reqs{scenario:${BENCH_SCENARIO}}`,
  failed: `http_req_failed{scenario:${BENCH_SCENARIO}}`,
} as const;

export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(50)', 'p(90)', 'p(95)', 'p(99)', 'count'];

/** The subset of k6's Options this script sets (structurally a k6 Options). */
export interface BenchOptions {
  scenarios: Record<string, { executor: 'shared-iterations'; vus: number; iterations: number; maxDuration: string; gracefulStop: string }>;
  tags: Record<string, string>;
  thresholds: Record<string, string[]>;
  summaryTrendStats: string[];
  noConnectionReuse: boolean;
  discardResponseBodies: boolean;
  setupTimeout: string;
  batch: number;
  batchPerHost: number;
}

export function benchOptions(scenario: Scenario, tags: { testid: string; mode: string }, keep: readonly string[] = []): BenchOptions {
  return {
    scenarios: {
      [BENCH_SCENARIO]: {
        executor: 'shared-iterations',
        vus: scenario.concurrency,
        iterations: scenario.requests,
        maxDuration: '30m',
        gracefulStop: `${Math.ceil(scenario.timeoutMs / 1000) + 5}s`,
      },
    },
    tags: { testid: tags.testid, mode: tags.mode },
    // Always-true thresholds: they make k6 keep these submetrics for handleSummary.
    thresholds: {
      [MEASURED.duration]: ['max>=0'], [MEASURED.reqs]: ['count>=0'], [MEASURED.failed]: ['rate>=0'],
      ...Object.fromEntries(keep.map((metric) => [metric, ['count>=0']])),
    },
    summaryTrendStats: SUMMARY_TREND_STATS,
    noConnectionReuse: !scenario.keepAlive,
    discardResponseBodies: true,
    setupTimeout: '10m',
    batch: Math.max(1, scenario.concurrency),
    batchPerHost: Math.max(1, scenario.concurrency),
  };
}

/** Per-request timeout in k6's duration syntax. */
export const requestTimeout = (scenario: Scenario): string => `${scenario.timeoutMs}ms`;

/** The run's test id: TESTID, or the mode and the time (the lab's own rule). */
export function defaultTestId(mode: string, now: Date): string {
  return testId(mode, now);
}
