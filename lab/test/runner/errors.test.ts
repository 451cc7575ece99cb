import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runLoad } from '../../src/runner/index.js';
import { closedPort, startServer } from './servers.js';

test('non-2xx responses are errors, still completed and still timed', { timeout: 30_000 }, async (t) => {
  const server = await startServer((_req, res, info) => {
    res.statusCode = info.index % 5 === 0 ? 500 : 200;
    res.end();
  });
  t.after(() => server.close());
  const result = await runLoad({ url: server.url(), requests: 100, concurrency: 4 });
  assert.deepEqual(result.errors, { non2xx: 20, socket: 0, timeout: 0, total: 20 });
  assert.equal(result.completed, 100);
  assert.equal(result.timeline.length, 100, 'a non-2xx response has a latency');
});

test('requests the server never answers count as timeouts', { timeout: 30_000 }, async (t) => {
  const hang = new Set([5, 17, 30]);
  const server = await startServer((_req, res, info) => {
    if (!hang.has(info.index)) res.end('ok');
  });
  t.after(() => server.close());
  const result = await runLoad({ url: server.url(), requests: 50, concurrency: 4, timeoutMs: 300 });
  assert.deepEqual(result.errors, { non2xx: 0, socket: 0, timeout: 3, total: 3 });
  assert.equal(result.completed, 50);
  assert.equal(server.counts.requests, 50, 'a timed-out request is not retried');
  assert.equal(result.timeline.length, 47);
  assert.ok(result.totalTimeMs >= 300);
  assert.equal(result.connections.reduce((sum, c) => sum + c.requests, 0), 50);
});

test('sockets the server destroys count as socket errors', { timeout: 30_000 }, async (t) => {
  const server = await startServer((req, res, info) => {
    if (info.index % 10 === 3) req.socket.destroy();
    else res.end('ok');
  });
  t.after(() => server.close());
  const result = await runLoad({ url: server.url(), requests: 100, concurrency: 4 });
  assert.deepEqual(result.errors, { non2xx: 0, socket: 10, timeout: 0, total: 10 });
  assert.equal(result.completed, 100);
  assert.equal(server.counts.requests, 100, 'a failed request is not retried');
  const sockets = result.connections.reduce((sum, c) => sum + (c.sockets ?? 0), 0);
  assert.ok(sockets >= 4 + 10 - 4 && sockets <= 4 + 10, `reconnected after each destroyed socket (${sockets})`);
});

test('a refused connection makes every request a socket error', { timeout: 30_000 }, async () => {
  const port = await closedPort();
  const result = await runLoad({ url: `http://127.0.0.1:${port}/`, requests: 20, concurrency: 3 });
  assert.deepEqual(result.errors, { non2xx: 0, socket: 20, timeout: 0, total: 20 });
  assert.equal(result.completed, 20);
  assert.deepEqual(result.latencyMs, { mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 });
  assert.deepEqual(result.perWorker, {});
  for (const c of result.connections) {
    assert.equal(c.connectMs, -1);
    assert.equal(c.firstResponseMs, null);
  }
});
