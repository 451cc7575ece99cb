/**
 * From repetitions to the scale report: oversubscribed sizes are shown but kept out of
 * the fit; fewer than three sizes within the cores give one line and no parameters,
 * with every measured point still printed with its interval.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyseScale, type MeasuredSize } from '../../src/scale/analysis.js';
import { fitLines, scaleRows } from '../../src/report/scale-text.js';
import type { ScaleReport } from '../../src/model/scale.js';
import { INTERVAL_METHOD } from '../../src/model/interval.js';
import { uslThroughput } from '../../src/model/scale.js';

/** Three repetitions per size at ±1–2% around `rps(n)`. */
function measured(workers: readonly number[], rps: (n: number) => number): MeasuredSize[] {
  const spread = [0.01, -0.015, 0.005];
  return workers.map((n) => ({
    workers: n,
    repetitions: spread.map((d, i) => ({ round: i + 1, rps: rps(n) * (1 + d), p99Ms: 2000 / n + 10 * i, errors: 0, cpuPerRequestMs: 4 + d })),
  }));
}

function report(sizes: readonly MeasuredSize[], cores: number): ScaleReport {
  return {
    created: '2026-01-01T00:00:00.000Z',
    runtime: 'native',
    machine: { cores, availableParallelism: cores, cpuModel: 'test', memoryGiB: 8, nodeVersion: 'v24', appNodeVersion: 'v24', platform: 'linux', loadAverageAtStart: [0, 0, 0], cpuLimit: null, generator: 'test' },
    mode: 'cluster',
    title: 'node:cluster',
    scenario: { path: '/heavy', requests: 1200, concurrency: 200, keepAlive: true, timeoutMs: 10000, warmupRequests: 400, steadyMinRequests: 0 },
    repeat: 3,
    repetitions: '3 repetitions as asked (REPEAT=3)',
    cores,
    ...analyseScale(sizes, cores, { resamples: 300 }),
    intervalMethod: INTERVAL_METHOD,
  };
}

const usl = (n: number): number => uslThroughput(n, 200, 0.05, 0.01);

test('sizes past the cores are marked oversubscribed and kept out of the fit', () => {
  // 1–4 within 4 cores follow the USL; 5 and 6 collapse (time-sharing), which would drag the fit if counted.
  const collapsed = (n: number): number => (n <= 4 ? usl(n) : usl(4) * 0.5);
  const r = analyseScale(measured([1, 2, 3, 4, 5, 6], collapsed), 4, { resamples: 300 });
  assert.deepEqual(r.points.map((p) => p.oversubscribed), [false, false, false, false, true, true]);
  assert.deepEqual(r.fit?.residuals.map((x) => x.workers), [1, 2, 3, 4]);
  assert.equal(r.cannotFit, null);
  assert.ok(r.intervals !== null && r.intervals.sigma.low <= 0.05 && 0.05 <= r.intervals.sigma.high, `σ ${r.intervals?.sigma.low}–${r.intervals?.sigma.high}`);
  const all = analyseScale(measured([1, 2, 3, 4, 5, 6], collapsed), 6, { resamples: 300 });
  assert.ok(all.fit !== null && r.fit !== null && all.fit.kappa > 3 * r.fit.kappa, `counting the collapse would read it as coherency: κ ${all.fit?.kappa} against ${r.fit?.kappa}`);
  const rows = scaleRows(report(measured([1, 2, 3, 4, 5, 6], collapsed), 4));
  assert.match(rows[4]?.at(-1) ?? '', /^oversubscribed \(4 cores\): not fitted$/);
  assert.equal(rows[4]?.[6], '–', 'no fitted value beside an oversubscribed size');
});

test('2 cores, sizes 1–4: one line says the curve cannot be fitted, no parameters, the points with intervals', () => {
  const r = report(measured([1, 2, 3, 4], usl), 2);
  assert.equal(r.fit, null);
  assert.equal(r.intervals, null);
  const lines = fitLines(r);
  assert.equal(lines.length, 1);
  assert.equal(lines[0], 'this machine cannot fit the USL curve: it needs 3 worker counts within the cores and 2 cores allow only 1, 2; the measured points follow.');
  assert.ok(!/σ|κ|λ/.test(lines.join('')), 'no parameter is printed');
  const rows = scaleRows(r);
  assert.equal(rows.length, 4);
  for (const row of rows) {
    assert.match(row[1] ?? '', /^\d+ \(\d+–\d+\)$/, `req/s with its interval: ${row[1]}`);
    assert.match(row[3] ?? '', /^\d+ \(\d+–\d+\)$/, `p99 with its interval: ${row[3]}`);
  }
  assert.equal(rows[0]?.[2], '1 (reference)');
  assert.match(rows[1]?.[2] ?? '', /^\d\.\d\d \(\d\.\d\d–\d\.\d\d\)×$/, `speedup with its interval: ${rows[1]?.[2]}`);
  const speedup = r.points[1]?.speedup;
  assert.ok(speedup && speedup.low < usl(2) / usl(1) && usl(2) / usl(1) < speedup.high);
});

test('enough cores but WORKERS=2: the line says this run, and what to set', () => {
  const r = analyseScale(measured([1, 2], usl), 8);
  assert.equal(r.fit, null);
  assert.equal(r.cannotFit, 'this run cannot fit the USL curve: it needs 3 worker counts within the 8 cores and measured 1, 2 (WORKERS=3 or more); the measured points follow.');
});

test('a fit that misses a measured interval is warned about, by size', () => {
  const bent = (n: number): number => (n === 3 ? usl(3) * 1.25 : usl(n));
  const r = analyseScale(measured([1, 2, 3, 4, 5, 6], bent), 6, { resamples: 200 });
  assert.ok(r.warnings.some((w) => /misses the measured 95% interval at .*3 workers/.test(w)), r.warnings.join('; '));
  const clean = analyseScale(measured([1, 2, 3, 4, 5, 6], usl), 6, { resamples: 200 });
  assert.deepEqual(clean.warnings, []);
});
