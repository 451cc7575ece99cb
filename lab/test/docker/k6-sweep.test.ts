/**
 * k6/sweep.ts: one constant-arrival-rate scenario per rate, run one after another,
 * VUs = connections, tagged {rate}; its summary read back per rate (offered, achieved,
 * dropped iterations, k6's percentiles) by the module the lab reads it with. The pure
 * parts (k6/sweep-options.ts, lab/src/shared/k6-sweep.ts) run on Node 24 here; the
 * type check against @types/k6 is k6.test.ts's (tsc -p k6/tsconfig.json covers k6/*.ts).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { K6_SWEEP_SCRIPT } from '../../src/docker/k6-sweep.js';
import { node24, root } from './helpers.js';

const k6Dir = join(root, 'k6');

function runSweepModule(code: string): unknown {
  const source = code.replaceAll('@k6/sweep', pathToFileURL(join(k6Dir, 'sweep-options.ts')).href);
  const res = spawnSync(node24, ['--no-warnings', '--input-type=module', '-e', source], { encoding: 'utf8', cwd: root });
  assert.equal(res.status, 0, `${res.stdout}${res.stderr}`);
  return JSON.parse(res.stdout) as unknown;
}

test('the Docker sweep runs the script k6/ holds', () => {
  const src = readFileSync(join(k6Dir, K6_SWEEP_SCRIPT), 'utf8');
  assert.deepEqual(src.match(/\bopen\([^)]*\)/g), ["open('./scenario.json')"]);
  // The file the lab reads back (docker/k6-sweep.ts): results/k6-sweep-<TESTID>.json.
  assert.match(src, /\$\{resultsDir\}\/k6-sweep-\$\{testid\}\.json/);
  assert.match(src, /scenarios: rateScenarios\(plan\)/);
});

test('one constant-arrival-rate scenario per rate, one after another, VUs = connections, tagged {rate}', () => {
  const out = runSweepModule(`import { rateScenarios, rateThresholds, sweepPlan } from '@k6/sweep';
    const plan = sweepPlan({ RATES: '20,60', STEP_MS: '1000', CONNECTIONS: '30', GAP_MS: '500' }, 2000);
    console.log(JSON.stringify({ plan, scenarios: rateScenarios(plan), thresholds: Object.keys(rateThresholds(plan.rates)) }));`) as {
    plan: { rates: number[] }; scenarios: Record<string, Record<string, unknown>>; thresholds: string[];
  };
  assert.deepEqual(out.plan.rates, [20, 60]);
  assert.deepEqual(out.scenarios['rate_20'], {
    executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '1000ms', preAllocatedVUs: 30, maxVUs: 30,
    startTime: '0ms', gracefulStop: '2000ms', tags: { rate: '20' },
  });
  // The second rate starts after the first one's window, its graceful stop and the gap.
  assert.equal(out.scenarios['rate_60']?.['startTime'], '3500ms');
  assert.ok(out.thresholds.includes('dropped_iterations{scenario:rate_60}'));
  assert.ok(out.thresholds.includes('http_req_duration{scenario:rate_20}'));
});

test('a fractional rate is run per 1000 s (k6 takes an integer rate per time unit)', () => {
  const out = runSweepModule(`import { rateScenarios, sweepPlan } from '@k6/sweep';
    console.log(JSON.stringify(rateScenarios(sweepPlan({ RATES: '12.5' }, 1000))));`) as Record<string, { rate: number; timeUnit: string }>;
  assert.deepEqual([out['rate_12_5']?.rate, out['rate_12_5']?.timeUnit], [12_500, '1000s']);
});

test('handleSummary per rate: offered, achieved (2xx over the window), dropped iterations, k6 percentiles', () => {
  const out = runSweepModule(`import { sweepPlan, sweepSummary } from '@k6/sweep';
    const plan = sweepPlan({ RATES: '20', STEP_MS: '2000', CONNECTIONS: '10' }, 1000);
    const v = (values) => ({ values });
    const data = { metrics: {
      'http_reqs{scenario:rate_20}': v({ count: 40 }),
      'http_req_failed{scenario:rate_20}': v({ rate: 0.05 }),
      'dropped_iterations{scenario:rate_20}': v({ count: 3 }),
      'http_req_duration{scenario:rate_20}': v({ avg: 6, 'p(50)': 5, 'p(90)': 8, 'p(99)': 12, 'p(99.9)': 13, max: 14 }),
    } };
    console.log(JSON.stringify(sweepSummary(data, plan, 'http://app-cluster:3000/heavy')));`) as { generator: string; steps: Record<string, unknown>[] };
  assert.equal(out.generator, 'k6');
  assert.deepEqual(out.steps, [{
    offeredRps: 20, achievedRps: 19, sent: 40, failed: 2, dropped: 3, durationMs: 2000, connections: 10,
    latencyMs: { count: 40, mean: 6, p50: 5, p90: 8, p99: 12, p999: 13, max: 14 },
  }]);
});

test('a bad RATES is one line naming it', () => {
  const res = spawnSync(node24, ['--no-warnings', '--input-type=module', '-e',
    `import { sweepPlan } from '${pathToFileURL(join(k6Dir, 'sweep-options.ts')).href}'; sweepPlan({ RATES: '20,fast' }, 1000);`], { encoding: 'utf8' });
  assert.notEqual(res.status, 0);
  assert.match(res.stderr, /RATES=20,fast is not accepted: expected comma-separated request rates per second/);
});
