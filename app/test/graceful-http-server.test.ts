import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { Client } from 'undici';
import { DRAIN_IDLE_GRACE_MS, GracefulHttpServer } from '../src/http/graceful-http-server.js';

async function startServer(
  t: import('node:test').TestContext,
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ server: GracefulHttpServer; origin: string }> {
  const server = new GracefulHttpServer({ keepAliveTimeoutMs: 65_000 });
  server.handle(handler);
  const address = await server.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => {
    server.server.closeAllConnections();
    server.server.close();
  });
  return { server, origin: `http://127.0.0.1:${address.port}` };
}

describe('GracefulHttpServer.drain', () => {
  it('resolves at once without connections', async (t) => {
    const { server } = await startServer(t, (_request, response) => response.end('ok'));
    const outcome = await server.drain({ timeoutMs: 1000, waiting: () => 0 });
    assert.equal(outcome.forced, false);
    assert.ok(outcome.durationMs < 100);
  });

  it('keeps an idle keep-alive connection through the grace period, then closes it', async (t) => {
    const { server, origin } = await startServer(t, (_request, response) => response.end('ok'));
    const client = new Client(origin, { pipelining: 1 });
    t.after(() => client.destroy());
    await (await client.request({ path: '/', method: 'GET' })).body.text();
    assert.equal(server.openConnections, 1);
    const outcome = await server.drain({ timeoutMs: 5000, waiting: () => 0 });
    assert.equal(outcome.forced, false);
    assert.equal(outcome.idleClosed, 1);
    assert.ok(outcome.durationMs >= DRAIN_IDLE_GRACE_MS - 50, `closed after ${outcome.durationMs} ms`);
  });

  it('serves a request that arrives on a kept-alive connection after the drain began, with Connection: close', async (t) => {
    const { server, origin } = await startServer(t, (_request, response) => response.end('ok'));
    const client = new Client(origin, { pipelining: 1 });
    t.after(() => client.destroy());
    await (await client.request({ path: '/', method: 'GET' })).body.text();
    const drained = server.drain({ timeoutMs: 5000, waiting: () => 0 });
    const late = await client.request({ path: '/', method: 'GET' });
    assert.equal(late.statusCode, 200);
    assert.equal(late.headers.connection, 'close');
    assert.equal(await late.body.text(), 'ok');
    const outcome = await drained;
    assert.equal(outcome.forced, false);
    assert.equal(outcome.idleClosed, 0);
  });

  it('lets a request in flight finish and marks its response Connection: close', async (t) => {
    let release: () => void = () => undefined;
    const { server, origin } = await startServer(t, (_request, response) => {
      release = () => response.end('done');
    });
    const client = new Client(origin, { pipelining: 1 });
    t.after(() => client.destroy());
    const pending = client.request({ path: '/', method: 'GET' });
    while (server.requestsInFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const drained = server.drain({ timeoutMs: 5000, waiting: () => 0 });
    assert.equal(server.isDraining, true);
    setTimeout(() => release(), 100);
    const answer = await pending;
    assert.equal(answer.statusCode, 200);
    assert.equal(answer.headers.connection, 'close');
    assert.equal(await answer.body.text(), 'done');
    assert.equal((await drained).forced, false);
  });

  it('stops accepting new connections', async (t) => {
    const { server, origin } = await startServer(t, (_request, response) => response.end('ok'));
    await server.drain({ timeoutMs: 1000, waiting: () => 0 });
    const client = new Client(origin);
    t.after(() => client.destroy());
    await assert.rejects(client.request({ path: '/', method: 'GET' }), /ECONNREFUSED/);
  });

  it('hands the queue over: closes the listener at once, however many wait, and is not forced', async (t) => {
    const { server, origin } = await startServer(t, (_request, response) => response.end('ok'));
    // A queue that never empties: a drain that waited for it would run to its deadline.
    const outcome = await server.drain({ timeoutMs: 60_000, waiting: () => 7, handOverQueue: true });
    assert.deepEqual(
      { forced: outcome.forced, handedOver: outcome.handedOver, waitingAtClose: outcome.waitingAtClose, acceptedWhileDraining: outcome.acceptedWhileDraining },
      { forced: false, handedOver: true, waitingAtClose: 7, acceptedWhileDraining: 0 },
    );
    assert.ok(outcome.durationMs < 30_000, `took ${outcome.durationMs} ms`);
    const client = new Client(origin);
    t.after(() => client.destroy());
    await assert.rejects(client.request({ path: '/', method: 'GET' }), /ECONNREFUSED/);
  });

  it('destroys what is left at the deadline', async (t) => {
    const { server, origin } = await startServer(t, () => {
      // never answers
    });
    const client = new Client(origin, { pipelining: 1 });
    t.after(() => client.destroy());
    const pending = client.request({ path: '/', method: 'GET' }).catch((error: unknown) => error);
    while (server.requestsInFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const outcome = await server.drain({ timeoutMs: 200, waiting: () => 0 });
    assert.equal(outcome.forced, true);
    assert.equal(outcome.destroyed, 1);
    assert.ok((await pending) instanceof Error);
    assert.equal(server.server.listening, false);
  });
});
