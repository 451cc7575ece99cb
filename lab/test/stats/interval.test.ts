/**
 * The intervals on synthetic repetitions: coverage close to 95%, the adaptive stop, and
 * "cannot be told apart" for overlapping samples.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shouldStop } from '../../src/stats/adaptive.js';
import { meanInterval, ratioInterval, relativeHalfWidth, separation, tCritical95 } from '../../src/model/interval.js';

/** A seeded generator (mulberry32) and Box–Muller normals: the same draws on every run. */
function normals(seed: number): (mu: number, sigma: number) => number {
  let s = seed >>> 0;
  const uniform = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (mu, sigma) => mu + sigma * Math.sqrt(-2 * Math.log(uniform() || 1e-12)) * Math.cos(2 * Math.PI * uniform());
}

test('the t table: 12.706 at 1 degree of freedom, 2.776 at 4, 1.96 beyond 120', () => {
  assert.equal(tCritical95(1), 12.706);
  assert.equal(tCritical95(4), 2.776);
  assert.equal(tCritical95(500), 1.96);
  assert.equal(tCritical95(0), Infinity);
});

for (const n of [3, 5, 10]) {
  test(`about 95% of the mean's intervals from ${n} repetitions contain the true mean`, () => {
    const draw = normals(n * 7919);
    const trials = 4000;
    let covered = 0;
    for (let i = 0; i < trials; i++) {
      const e = meanInterval(Array.from({ length: n }, () => draw(400, 20)));
      if (e.low <= 400 && 400 <= e.high) covered++;
    }
    const coverage = covered / trials;
    assert.ok(coverage > 0.93 && coverage < 0.97, `coverage ${coverage}`);
  });
}

test("about 95% of the speedup's intervals (ratio of two means) contain the true ratio", () => {
  const draw = normals(42);
  const trials = 4000;
  let covered = 0;
  for (let i = 0; i < trials; i++) {
    const multi = Array.from({ length: 5 }, () => draw(700, 25));
    const single = Array.from({ length: 5 }, () => draw(400, 15));
    const e = ratioInterval(multi, single);
    if (e.low <= 1.75 && 1.75 <= e.high) covered++;
  }
  const coverage = covered / trials;
  assert.ok(coverage > 0.92 && coverage < 0.98, `coverage ${coverage}`);
});

test('one repetition has no interval; a zero spread has a zero-width one', () => {
  assert.equal(relativeHalfWidth(meanInterval([400])), Infinity);
  const flat = meanInterval([400, 400, 400]);
  assert.deepEqual([flat.low, flat.high], [400, 400]);
});

test('overlapping samples cannot be told apart; separated ones can, in the right direction', () => {
  assert.equal(separation([700, 720, 690, 710], [705, 695, 715, 700]), 'indistinguishable');
  assert.equal(separation([700, 720, 690, 710], [600, 610, 605, 598]), 'higher');
  assert.equal(separation([600, 610, 605, 598], [700, 720, 690, 710]), 'lower');
  assert.equal(separation([700], [600, 610]), 'indistinguishable');
});

test('the adaptive stop: not before the minimum, at the target, at the maximum, at the budget, or as asked', () => {
  const plan = { min: 3, max: 6, target: 0.03, budgetMs: 60_000 };
  assert.equal(shouldStop([400, 401], 0, plan), null, 'two repetitions are below the minimum');
  assert.equal(shouldStop([400, 401, 402], 0, plan)?.reason, 'tight');
  assert.equal(shouldStop([300, 400, 500], 0, plan), null, 'wide, with budget left: repeat');
  assert.equal(shouldStop([300, 400, 500], 61_000, plan)?.reason, 'budget');
  assert.equal(shouldStop([300, 400, 500, 300, 400, 500], 0, plan)?.reason, 'max');
  assert.equal(shouldStop([300, 400], 0, { ...plan, fixed: 2 })?.reason, 'fixed');
  assert.match(shouldStop([400, 401, 402], 0, plan)?.text ?? '', /^±0\.\d% after 3 repetitions \(target ±3%\)$/);
});
