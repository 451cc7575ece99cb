/**
 * The round load against real local servers: every request settles once, failures
 * by kind, stopSending ends the run on what was sent, sendUntil keeps it going.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startRoundLoad } from '../../src/resilience/round-load.js';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('round load', () => {
  const servers: Server[] = [];
  after(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
  });

  async function server(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const s = createServer(handler);
    servers.push(s);
    return listen(s);
  }

  it('answers and 5xx, each request counted once', async () => {
    let n = 0;
    const url = await server((_req, res) => {
      res.statusCode = ++n % 4 === 0 ? 503 : 200;
      res.end('x');
    });
    const counts = await startRoundLoad({ url: `${url}/`, requests: 200, concurrency: 10 }).finished;
    assert.equal(counts.sent, 200);
    assert.equal(counts.answered + counts.failedTotal, 200);
    assert.equal(counts.failed['5xx'], 50);
    assert.equal(counts.failedTotal, 50);
  });

  it('refused when nothing listens', async () => {
    const s = createServer();
    const url = await listen(s);
    await new Promise((resolve) => s.close(resolve));
    const counts = await startRoundLoad({ url: `${url}/`, requests: 6, concurrency: 3 }).finished;
    assert.deepEqual({ sent: counts.sent, refused: counts.failed.refused, total: counts.failedTotal }, { sent: 6, refused: 6, total: 6 });
  });

  it('reset when the server drops the connection under the request', async () => {
    const url = await server((req) => req.socket.destroy());
    const counts = await startRoundLoad({ url: `${url}/`, requests: 4, concurrency: 2 }).finished;
    assert.equal(counts.failed.reset, 4);
  });

  it('stopSending: the run ends on what was sent, every one of them settled', async () => {
    const url = await server((_req, res) => setTimeout(() => res.end('x'), 20));
    const load = startRoundLoad({ url: `${url}/`, requests: 100_000, concurrency: 8 });
    await sleep(100);
    load.stopSending();
    const counts = await load.finished;
    assert.ok(counts.sent < 100_000 && counts.sent >= 8);
    assert.equal(counts.answered, counts.sent);
  });

  it('sendUntil: goes on past `requests` until the promise settles', async () => {
    const url = await server((_req, res) => setTimeout(() => res.end('x'), 5));
    const load = startRoundLoad({ url: `${url}/`, requests: 20, concurrency: 4 });
    load.sendUntil(sleep(300));
    const counts = await load.finished;
    assert.ok(counts.sent > 20, `sent ${counts.sent}`);
    assert.equal(counts.answered, counts.sent);
  });
});
