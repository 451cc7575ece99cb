import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runLoad } from '../../src/runner/index.js';
import { startServer } from './servers.js';

const CONCURRENCY = 10;

test('a server that starves some connections shows up in fairness and first-request latency', { timeout: 30_000 }, async (t) => {
  const favoured = 2;
  const waitMs = 800;
  // The first `favoured` connections are answered at once; every other connection's
  // first request is held for waitMs, by which time the favoured ones drained the pool.
  const server = await startServer((_req, res, info) => {
    if (info.connection < favoured || info.onConnection > 0) res.end('ok');
    else info.later(waitMs + 1, () => res.end('late'));
  });
  t.after(() => server.close());

  const result = await runLoad({ url: server.url(), requests: 300, concurrency: CONCURRENCY });

  assert.equal(result.completed, 300);
  assert.equal(result.errors.total, 0);
  assert.ok(result.fairness.jain < 0.8, `Jain ${result.fairness.jain} < 0.8`);
  assert.ok(result.fairness.maxOverMedian > 5, `max/median ${result.fairness.maxOverMedian}`);
  assert.equal(result.firstVsLater.first.count, CONCURRENCY);
  assert.ok(result.firstVsLater.first.p99 >= waitMs, `first-request p99 ${result.firstVsLater.first.p99} >= ${waitMs}`);
  assert.ok(result.firstVsLater.later.p99 < waitMs, `later p99 ${result.firstVsLater.later.p99} < ${waitMs}`);
  const late = result.connections.filter((c) => c.firstResponseMs !== null && c.firstResponseMs >= waitMs);
  assert.equal(late.length, CONCURRENCY - favoured, 'the starved connections answered only after the wait');
});

test('a fair server gives a Jain index above 0.9', { timeout: 30_000 }, async (t) => {
  const server = await startServer((_req, res, info) => info.later(1, () => res.end('ok')));
  t.after(() => server.close());

  const result = await runLoad({ url: server.url(), requests: 600, concurrency: CONCURRENCY });

  assert.equal(result.errors.total, 0);
  assert.ok(result.fairness.jain > 0.9, `Jain ${result.fairness.jain} > 0.9`);
  assert.ok(result.fairness.maxOverMedian < 2, `max/median ${result.fairness.maxOverMedian}`);
});
