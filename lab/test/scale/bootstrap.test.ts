/**
 * The USL's bootstrap intervals on synthetic repetitions with known σ, κ and λ: the
 * interval holds the truth, is tight enough to say something, is reproducible from
 * its seed, and covers the truth in most of many seeded data sets.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootstrapUsl, seededRandom, type SizeRepetitions } from '../../src/scale/bootstrap.js';
import type { Estimate } from '../../src/model/interval.js';
import { uslThroughput } from '../../src/model/scale.js';

const TRUTH = { lambda: 200, sigma: 0.05, kappa: 0.01 };

/** `reps` repetitions at 1…sizes workers, each the USL's throughput times (1 + noise·z), z standard normal (Box–Muller). */
function synthetic(seed: number, sizes: number, reps: number, noise: number): SizeRepetitions[] {
  const random = seededRandom(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: sizes }, (_, i) => ({
    workers: i + 1,
    runs: Array.from({ length: reps }, () => uslThroughput(i + 1, TRUTH.lambda, TRUTH.sigma, TRUTH.kappa) * (1 + noise * normal())),
  }));
}

const holds = (e: Estimate, v: number): boolean => e.low <= v && v <= e.high;

test('8 sizes × 5 repetitions at ±2%: σ, κ and λ intervals hold the truth and are narrow enough to mean something', () => {
  const { fit, intervals } = bootstrapUsl(synthetic(7, 8, 5, 0.02), { resamples: 1000 });
  for (const [name, e, truth] of [['σ', intervals.sigma, TRUTH.sigma], ['κ', intervals.kappa, TRUTH.kappa], ['λ', intervals.lambda, TRUTH.lambda]] as const) {
    assert.ok(holds(e, truth), `${name} ${e.value} (${e.low}–${e.high}) misses ${truth}`);
    assert.ok(e.low <= e.value && e.value <= e.high, `${name}: the point fit lies inside its interval`);
    assert.equal(e.n, 5);
  }
  assert.ok(intervals.sigma.high - intervals.sigma.low < 0.06, `σ interval ${intervals.sigma.low}–${intervals.sigma.high}`);
  assert.ok(intervals.kappa.high - intervals.kappa.low < 0.01, `κ interval ${intervals.kappa.low}–${intervals.kappa.high}`);
  // Truth: a peak at sqrt(0.95 / 0.01) ≈ 9.7 workers, past the largest size measured.
  assert.ok(holds(intervals.peakWorkers, Math.sqrt((1 - TRUTH.sigma) / TRUTH.kappa)), `peak ${intervals.peakWorkers.low}–${intervals.peakWorkers.high}`);
  assert.equal(fit.residuals.length, 8);
});

test('the same repetitions and seed give the same intervals; another seed other bounds', () => {
  const data = synthetic(11, 6, 4, 0.03);
  const a = bootstrapUsl(data, { resamples: 300, seed: 18 }).intervals;
  const b = bootstrapUsl(data, { resamples: 300, seed: 18 }).intervals;
  const c = bootstrapUsl(data, { resamples: 300, seed: 19 }).intervals;
  assert.deepEqual(a, b);
  assert.equal(a.sigma.value, c.sigma.value, 'the point fit does not depend on the seed');
  assert.notDeepEqual([a.sigma.low, a.sigma.high], [c.sigma.low, c.sigma.high]);
});

test('over 60 seeded data sets (6 sizes × 5 repetitions, ±3%) the intervals cover the truth in at least 80% (nominal 95%)', () => {
  // A percentile bootstrap over 5 repetitions runs narrow (it takes their spread for the
  // population's): docs/scale.md gives the coverage measured on 400 data sets.
  let sigma = 0;
  let kappa = 0;
  const sets = 60;
  for (let s = 0; s < sets; s++) {
    const { intervals } = bootstrapUsl(synthetic(1000 + s, 6, 5, 0.03), { resamples: 200 });
    if (holds(intervals.sigma, TRUTH.sigma)) sigma++;
    if (holds(intervals.kappa, TRUTH.kappa)) kappa++;
  }
  assert.ok(sigma / sets >= 0.8, `σ covered in ${sigma} of ${sets}`);
  assert.ok(kappa / sets >= 0.8, `κ covered in ${kappa} of ${sets}`);
});

test('one repetition at some size: nothing to resample, every interval unbounded', () => {
  const data = synthetic(3, 4, 3, 0.02).map((s, i) => (i === 2 ? { ...s, runs: s.runs.slice(0, 1) } : s));
  const { intervals } = bootstrapUsl(data);
  assert.equal(intervals.resamples, 0);
  for (const e of [intervals.sigma, intervals.kappa, intervals.lambda]) assert.deepEqual([e.low, e.high, e.n], [-Infinity, Infinity, 1]);
});

test('no coherency cost in the data: κ’s interval starts at 0 and resamples without a peak are counted', () => {
  const random = seededRandom(5);
  const data = [1, 2, 3, 4, 5, 6].map((n) => ({ workers: n, runs: [0, 1, 2, 3].map(() => uslThroughput(n, 100, 0.1, 0) * (1 + 0.02 * (random() - 0.5))) }));
  const { intervals } = bootstrapUsl(data, { resamples: 500 });
  assert.equal(intervals.kappa.low, 0);
  assert.ok(holds(intervals.sigma, 0.1), `σ ${intervals.sigma.low}–${intervals.sigma.high}`);
  assert.ok(intervals.noPeakShare > 0.025, `no peak in ${intervals.noPeakShare} of the resamples`);
  assert.equal(intervals.peakWorkers.high, Infinity);
});
