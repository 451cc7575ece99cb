import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CURVE_PERCENTILES, jainIndex, maxOverMedian, median } from '../../src/runner/index.js';
import { LatencyDistribution } from '../../src/runner/latency.js';
import { classifyError, classifyStatus } from '../../src/runner/outcome.js';

test("Jain's index: 1 when equal, 1/n when one takes all, 1 when empty", () => {
  assert.equal(jainIndex([5, 5, 5, 5]), 1);
  assert.equal(jainIndex([8, 0, 0, 0]), 0.25);
  assert.equal(jainIndex([]), 1);
  assert.equal(jainIndex([0, 0]), 1);
  assert.ok(Math.abs(jainIndex([1, 2, 3]) - 36 / 42) < 1e-12);
});

test('median and max over median', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([]), 0);
  assert.equal(maxOverMedian([10, 10, 10]), 1);
  assert.equal(maxOverMedian([100, 1, 1]), 100);
  assert.equal(maxOverMedian([100, 0, 0]), 100, 'a zero median is floored at 1');
  assert.equal(maxOverMedian([]), 1);
});

test('the curve percentiles run from 0 to 100, strictly increasing, dense in the tail', () => {
  assert.ok(CURVE_PERCENTILES.length >= 50 && CURVE_PERCENTILES.length <= 100);
  assert.equal(CURVE_PERCENTILES[0], 0);
  assert.equal(CURVE_PERCENTILES.at(-1), 100);
  for (let i = 1; i < CURVE_PERCENTILES.length; i++) assert.ok((CURVE_PERCENTILES[i] ?? 0) > (CURVE_PERCENTILES[i - 1] ?? 0));
  for (const p of [50, 90, 95, 99, 99.5, 99.9]) assert.ok(CURVE_PERCENTILES.includes(p), `includes ${p}`);
  assert.ok(CURVE_PERCENTILES.filter((p) => p >= 90).length > CURVE_PERCENTILES.filter((p) => p < 90).length);
});

test('a latency distribution reads back exact mean/min/max and percentiles within 0.1 %', () => {
  const d = new LatencyDistribution();
  for (let i = 1; i <= 1000; i++) d.record(i / 10); // 0.1 … 100 ms
  assert.equal(d.count, 1000);
  assert.equal(d.mean(), 50.05);
  assert.equal(d.at(0), 0.1);
  assert.equal(d.at(100), 100);
  assert.ok(Math.abs(d.at(50) - 50) <= 0.05, String(d.at(50)));
  assert.ok(Math.abs(d.at(99) - 99) <= 0.1, String(d.at(99)));
  assert.deepEqual(new LatencyDistribution().summary(), { mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 });
});

test('outcomes: 2xx ok, others non2xx; undici timeouts are timeouts, the rest socket errors', () => {
  assert.equal(classifyStatus(200), 'ok');
  assert.equal(classifyStatus(299), 'ok');
  assert.equal(classifyStatus(304), 'non2xx');
  assert.equal(classifyStatus(500), 'non2xx');
  assert.equal(classifyError(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' })), 'timeout');
  assert.equal(classifyError(Object.assign(new Error('x'), { code: 'UND_ERR_BODY_TIMEOUT' })), 'timeout');
  assert.equal(classifyError(Object.assign(new Error('x'), { code: 'UND_ERR_CONNECT_TIMEOUT' })), 'timeout');
  assert.equal(classifyError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), 'socket');
  assert.equal(classifyError(new Error('no code')), 'socket');
  assert.equal(classifyError(null), 'socket');
});
