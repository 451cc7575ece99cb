/** Reading a curve: the objective over every scheduled request, the knee, the search's ladder and resolution, and the sweep's variables. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OpenStepResult } from '../../src/runner/open-model.js';
import { bracketLadder, capacityResolution, knee, meetsObjective, objectiveP99 } from '../../src/sweep/analysis.js';
import { readSweepOptions } from '../../src/config/sweep-options.js';
import { UsageError } from '../../src/config/usage-error.js';

function step(offered: number, achieved: number, p99: number, dropped = 0, unfinished = 0, p999 = p99, max = p999): OpenStepResult {
  const answered = 1000 - dropped - unfinished;
  const lat = { count: answered, mean: p99 / 2, p50: p99 / 2, p90: p99, p99, p999, max };
  return {
    offeredRps: offered, achievedRps: achieved, scheduled: 1000, sent: 1000 - dropped, responses: answered, queuedForConnection: 0, dropped, unfinished,
    errors: { non2xx: 0, socket: 0, timeout: 0, total: 0 }, latencyMs: lat, uncorrectedMs: lat, schedulerLagMs: { p99: 1, max: 1 },
    generatorCpuSeconds: 0.01, wallMs: 1000, connections: 10, durationMs: 1000,
  };
}

test('the objective is judged on p99 over every scheduled request: the unanswered count as later than any answer', () => {
  // Nothing unanswered: the answered p99 itself.
  assert.equal(objectiveP99(step(10, 10, 40, 0, 0, 90, 300)), 40);
  assert.equal(meetsObjective(step(10, 10, 40, 0, 0, 90, 300), 100), true);
  // 5 of 1000 in flight at the step's end: p99 of all 1000 is the answered ones' 99.5th percentile, read as their p99.9 (never lower).
  assert.equal(objectiveP99(step(10, 10, 40, 0, 5, 90, 300)), 90);
  // 10 dropped, 1000 scheduled: quantile 0.99·1000/990 = 1 (above 0.999): read as the max.
  assert.equal(objectiveP99(step(10, 10, 40, 10, 0, 90, 300)), 300);
  assert.equal(meetsObjective(step(10, 10, 40, 10, 0, 90, 300), 100), false);
  // Over 1 % unanswered: the p99 is one of them, a miss whatever the answered p99.
  assert.equal(objectiveP99(step(10, 10, 5, 6, 5)), null);
  assert.equal(meetsObjective(step(10, 10, 5, 6, 5), 100), false);
  // At the objective itself: met (p99 ≤ SLO).
  assert.equal(meetsObjective(step(10, 10, 100), 100), true);
});

test('knee: the last step that kept up with p99 within 2× the lightest', () => {
  assert.equal(knee([step(10, 10, 5), step(20, 20, 9), step(30, 30, 11), step(40, 40, 50)]), 20);
  assert.equal(knee([step(10, 10, 5), step(20, 17, 6)]), 10);
  assert.equal(knee([step(10, 5, 5)]), null);
});

test('the default ladder spans 20 % to 120 % of the probe; the resolution is 5 % of it, at least 1 req/s', () => {
  assert.deepEqual(bracketLadder(350), [70, 140, 210, 280, 350, 420]);
  assert.deepEqual(bracketLadder(3), [1, 2, 3]);
  // Rounded down: the 100 % rung never lands above the probe (which would read as a fault).
  assert.deepEqual(bracketLadder(224.8), [44, 89, 134, 179, 224, 269]);
  assert.equal(capacityResolution(350), 18);
  assert.equal(capacityResolution(4), 1);
});

test('RATES, SLO_P99_MS, STEP_SECONDS: parsed, or one line naming the variable', () => {
  assert.deepEqual(readSweepOptions({ RATES: '200, 50,100', SLO_P99_MS: '250' }).rates, [50, 100, 200]);
  assert.equal(readSweepOptions({}).sloP99Ms, 100);
  assert.equal(readSweepOptions({}).rates, undefined);
  for (const [name, value] of [['RATES', '50,abc'], ['RATES', '0'], ['SLO_P99_MS', '-5'], ['STEP_SECONDS', '999'], ['SWEEP_CONNECTIONS', '2.5']] as const) {
    assert.throws(() => readSweepOptions({ [name]: value }), (e: unknown) => e instanceof UsageError && e.message.startsWith(`${name}=${value} is not accepted`) && !e.message.includes('\n'));
  }
});
