/** The USL fit recovers known parameters from synthetic throughput, and shows a poor fit. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitUsl } from '../../src/scale/usl.js';
import { uslThroughput } from '../../src/model/scale.js';

const workers = Array.from({ length: 16 }, (_, i) => i + 1);

test('exact USL data: σ, κ and λ recovered, residuals ~0, peak where sqrt((1−σ)/κ) puts it', () => {
  const points = workers.map((n) => ({ workers: n, rps: uslThroughput(n, 100, 0.05, 0.002) }));
  const fit = fitUsl(points);
  assert.ok(Math.abs(fit.sigma - 0.05) < 0.002, `σ ${fit.sigma}`);
  assert.ok(Math.abs(fit.kappa - 0.002) < 0.0002, `κ ${fit.kappa}`);
  assert.ok(Math.abs(fit.lambda - 100) < 1, `λ ${fit.lambda}`);
  assert.ok(fit.maxRelativeResidual < 0.005);
  assert.ok(fit.peakWorkers !== null && Math.abs(fit.peakWorkers - Math.sqrt(0.95 / 0.002)) < 1);
});

test('noisy data (±3 %): σ within 0.03 and κ within 0.001 of the truth', () => {
  const noise = [0.03, -0.02, 0.01, -0.03, 0.02, 0, -0.01, 0.03, -0.02, 0.01, -0.03, 0.02, 0, -0.01, 0.02, -0.02];
  const points = workers.map((n, i) => ({ workers: n, rps: uslThroughput(n, 250, 0.1, 0.005) * (1 + (noise[i] ?? 0)) }));
  const fit = fitUsl(points);
  assert.ok(Math.abs(fit.sigma - 0.1) < 0.03, `σ ${fit.sigma}`);
  assert.ok(Math.abs(fit.kappa - 0.005) < 0.001, `κ ${fit.kappa}`);
  assert.ok(fit.rSquared > 0.9, `R² ${fit.rSquared}`);
});

test('no coherency cost: κ = 0 and no peak', () => {
  const fit = fitUsl([1, 2, 3, 4, 6, 8].map((n) => ({ workers: n, rps: uslThroughput(n, 50, 0.2, 0) })));
  assert.ok(fit.kappa < 1e-6, `κ ${fit.kappa}`);
  assert.ok(Math.abs(fit.sigma - 0.2) < 0.01, `σ ${fit.sigma}`);
  assert.equal(fit.peakWorkers, null);
});

test('data the USL cannot follow shows as large residuals', () => {
  const fit = fitUsl([{ workers: 1, rps: 100 }, { workers: 2, rps: 40 }, { workers: 3, rps: 300 }, { workers: 4, rps: 50 }]);
  assert.ok(fit.maxRelativeResidual > 0.3, `max residual ${fit.maxRelativeResidual}`);
});

test('fewer than three worker counts: one-line error', () => {
  assert.throws(() => fitUsl([{ workers: 1, rps: 10 }, { workers: 2, rps: 19 }]), /needs positive throughput at 3 or more worker counts/);
});
