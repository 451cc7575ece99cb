/** Reading a curve: knee, capacity at the objective, default rates and the sweep's variables. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OpenStepResult } from '../../src/runner/open-model.js';
import { capacityAtObjective, defaultRates, knee, meetsObjective } from '../../src/sweep/analysis.js';
import { readSweepOptions } from '../../src/sweep/sweep-options.js';
import { UsageError } from '../../src/shared/scenario-rules.js';

function step(offered: number, achieved: number, p99: number, dropped = 0): OpenStepResult {
  const lat = { count: 100, mean: p99 / 2, p50: p99 / 2, p90: p99, p99, p999: p99, max: p99 };
  return {
    offeredRps: offered, achievedRps: achieved, scheduled: 100, sent: 100 - dropped, responses: 100 - dropped, queuedForConnection: 0, dropped, unfinished: 0,
    errors: { non2xx: 0, socket: 0, timeout: 0, total: 0 }, latencyMs: lat, uncorrectedMs: lat, schedulerLagMs: { p99: 1, max: 1 },
    generatorCpuSeconds: 0.01, wallMs: 1000, connections: 10, durationMs: 1000,
  };
}

test('capacity at the objective: the highest rate met with every lighter one met too', () => {
  const steps = [step(10, 10, 5), step(20, 20, 6), step(30, 30, 40), step(40, 35, 400), step(50, 36, 30)];
  assert.equal(capacityAtObjective(steps, 100), 30);
  assert.equal(capacityAtObjective(steps, 20), 20);
  assert.equal(capacityAtObjective(steps, 1), null);
});

test('a step with more than 1% dropped fails the objective whatever its p99', () => {
  assert.equal(meetsObjective(step(10, 10, 5, 0), 100), true);
  assert.equal(meetsObjective(step(10, 10, 5, 2), 100), false);
});

test('knee: the last step that kept up with p99 within 2× the lightest', () => {
  assert.equal(knee([step(10, 10, 5), step(20, 20, 9), step(30, 30, 11), step(40, 40, 50)]), 20);
  assert.equal(knee([step(10, 10, 5), step(20, 17, 6)]), 10);
  assert.equal(knee([step(10, 5, 5)]), null);
});

test('default rates span light load to past saturation of the probe', () => {
  const rates = defaultRates(200);
  assert.equal(rates[0], 20);
  assert.equal(rates.at(-1), 250);
  assert.equal(rates.length, 12);
  assert.deepEqual(rates, [...rates].sort((a, b) => a - b));
});

test('RATES, SLO_P99_MS, STEP_SECONDS: parsed, or one line naming the variable', () => {
  assert.deepEqual(readSweepOptions({ RATES: '200, 50,100', SLO_P99_MS: '250' }).rates, [50, 100, 200]);
  assert.equal(readSweepOptions({}).sloP99Ms, 100);
  assert.equal(readSweepOptions({}).rates, undefined);
  for (const [name, value] of [['RATES', '50,abc'], ['RATES', '0'], ['SLO_P99_MS', '-5'], ['STEP_SECONDS', '999'], ['SWEEP_CONNECTIONS', '2.5']] as const) {
    assert.throws(() => readSweepOptions({ [name]: value }), (e: unknown) => e instanceof UsageError && e.message.startsWith(`${name}=${value} is not accepted`) && !e.message.includes('\n'));
  }
});
