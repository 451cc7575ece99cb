/**
 * The load core every load shape runs on, driven directly on real sockets: one report
 * per request sent, what it reports about a response and a failure, one request in
 * flight per connection, and a failure reported outside send() so that a scheduler may
 * send again from its callback.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoadCore, type Exchange } from '../../src/runner/load-core.js';
import { closedPort, startServer } from './servers.js';

const clock = { sinceStart: (): number => performance.now() };

describe('load core', () => {
  it('reports each request once with its status, worker, write and end times, and counts it on its connection', async () => {
    const server = await startServer((_req, res, info) => {
      res.statusCode = info.index === 1 ? 503 : 200;
      res.setHeader('x-worker', `w${info.connection}`);
      res.end('x');
    });
    const seen: { status: number; worker: string; written: number; ended: number; first: boolean; error: unknown }[] = [];
    let sent = 0;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const core = new LoadCore({
      origin: server.origin, path: '/', connections: 2, timeoutMs: 5000, keepAlive: true, clock,
      onEnd(exchange, error) {
        seen.push({ status: exchange.status, worker: exchange.worker, written: exchange.writtenMs, ended: exchange.endedMs, first: exchange.firstOnSocket, error });
        if (sent < 6) {
          sent++;
          core.send(exchange);
        } else if (seen.length === 6) finish();
      },
    });
    try {
      for (const exchange of core.exchanges) {
        sent++;
        core.send(exchange);
      }
      await finished;
      assert.equal(seen.length, 6);
      assert.equal(server.counts.requests, 6);
      assert.deepEqual(seen.map((s) => s.status).sort(), [200, 200, 200, 200, 200, 503]);
      assert.ok(seen.every((s) => s.error === null && /^w[01]$/.test(s.worker) && s.written >= 0 && s.ended >= s.written));
      // Two connections: the first response on each is the first on its socket, no other.
      assert.equal(seen.filter((s) => s.first).length, 2);
      assert.deepEqual(core.connections.map((c) => c.requests).reduce((a, b) => a + b), 6);
    } finally {
      await core.close('graceful');
      await server.close();
    }
  });

  it('refuses a second request on a busy connection (pipelining is 1)', async () => {
    const server = await startServer((_req, res, info) => info.later(50, () => res.end('x')));
    let ended!: () => void;
    const done = new Promise<void>((resolve) => {
      ended = resolve;
    });
    const core = new LoadCore({ origin: server.origin, path: '/', connections: 1, timeoutMs: 5000, keepAlive: true, clock, onEnd: () => ended() });
    try {
      const [exchange] = core.exchanges as [Exchange];
      core.send(exchange, 7);
      assert.equal(exchange.mark, 7);
      assert.throws(() => core.send(exchange), /already in flight on this connection/);
      await done;
    } finally {
      await core.close('graceful');
      await server.close();
    }
  });

  it('reports a refused connection after send() returned, with the error, so the callback may send again', async () => {
    const port = await closedPort();
    const errors: unknown[] = [];
    let inSend = false;
    let reportedInsideSend = false;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const core = new LoadCore({
      origin: `http://127.0.0.1:${port}`, path: '/', connections: 1, timeoutMs: 5000, keepAlive: true, clock,
      onEnd(exchange, error) {
        if (inSend) reportedInsideSend = true;
        errors.push(error);
        if (errors.length < 3) {
          inSend = true;
          core.send(exchange);
          inSend = false;
        } else finish();
      },
    });
    try {
      const [exchange] = core.exchanges as [Exchange];
      core.send(exchange);
      await finished;
      assert.equal(reportedInsideSend, false);
      assert.deepEqual(errors.map((e) => (e as { code?: string }).code), ['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
      assert.equal(exchange.status, 0);
      assert.equal(core.connections[0]?.requests, 3);
    } finally {
      await core.close('destroy');
    }
  });
});
