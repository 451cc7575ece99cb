/** Interleaved rounds: every size at every position once per cycle; the rounds stop only when every size would. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { roundOrder, roundsStop, scalePlan, scaleSizes } from '../../src/scale/schedule.js';

test('the order rotates each round, so every size takes every position once in as many rounds', () => {
  const sizes = scaleSizes(3);
  assert.deepEqual(sizes, [1, 2, 3]);
  const rounds = [1, 2, 3].map((r) => roundOrder(sizes, r));
  assert.deepEqual(rounds, [[1, 2, 3], [2, 3, 1], [3, 1, 2]]);
  assert.deepEqual(roundOrder(sizes, 4), [1, 2, 3]);
});

test('adaptive: no stop while one size is still wide; the stop names the widest size', () => {
  const plan = scalePlan(undefined);
  const tight = [400, 401, 402];
  const wide = [300, 400, 500];
  assert.equal(roundsStop(new Map([[1, tight], [2, wide]]), 1_000, plan), null);
  const stop = roundsStop(new Map([[1, tight], [2, wide]]), plan.budgetMs, plan);
  assert.equal(stop?.reason, 'budget');
  assert.equal(stop?.workers, 2);
  assert.equal(roundsStop(new Map([[1, tight], [2, [800, 801, 803]]]), 1_000, plan)?.reason, 'tight');
});

test('REPEAT=n: exactly n rounds', () => {
  const plan = scalePlan(2);
  assert.equal(roundsStop(new Map([[1, [400]], [2, [800]]]), 0, plan), null);
  assert.equal(roundsStop(new Map([[1, [400, 300]], [2, [800, 100]]]), 0, plan)?.reason, 'fixed');
});
