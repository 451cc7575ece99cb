/** The sizes scale runs and the repetition rule each size is measured under. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scalePlan, scaleSizes } from '../../src/scale/schedule.js';
import { shouldStop } from '../../src/stats/adaptive.js';

test('sizes 1 … max', () => {
  assert.deepEqual(scaleSizes(3), [1, 2, 3]);
});

test('REPEAT=n: exactly n repetitions of a size; else adaptive within the per-size budget', () => {
  assert.equal(shouldStop([400], 0, scalePlan(2)), null);
  assert.equal(shouldStop([400, 300], 0, scalePlan(2))?.reason, 'fixed');
  assert.equal(shouldStop([300, 400, 500], 0, scalePlan(undefined)), null, 'wide, with budget left');
  assert.equal(shouldStop([300, 400, 500], scalePlan(undefined).budgetMs, scalePlan(undefined))?.reason, 'budget');
});
