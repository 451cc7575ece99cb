import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client } from 'undici';
import { createApp } from '../src/http/app.js';
import { GracefulHttpServer } from '../src/http/graceful-http-server.js';
import type { LogFields, Logger } from '../src/logging/logger.js';
import { header, httpGet, sampleValue } from './support/http-client.js';
import { startInProcessApp } from './support/in-process-app.js';

describe('routes', () => {
  it('GET / answers Hello World! with the worker headers and no X-Powered-By', async (t) => {
    const { origin } = await startInProcessApp(t, 2);
    const answer = await httpGet(`${origin}/`);
    assert.equal(answer.status, 200);
    assert.equal(answer.body, 'Hello World!');
    assert.equal(header(answer, 'X-Worker'), '2');
    assert.equal(header(answer, 'X-Worker-Pid'), String(process.pid));
    assert.equal(answer.headers['x-powered-by'], undefined);
  });

  it('GET /heavy runs the seed loop, ?n= overrides it', async (t) => {
    const { origin } = await startInProcessApp(t);
    assert.equal((await httpGet(`${origin}/heavy`)).body, 'The result of the CPU intensive task is 5000000');
    assert.equal((await httpGet(`${origin}/heavy?n=1234`)).body, 'The result of the CPU intensive task is 1234');
    assert.equal((await httpGet(`${origin}/heavy?n=100000000`)).status, 200);
  });

  it('GET /heavy answers a bad ?n= with 400 JSON naming the problem, quickly', async (t) => {
    const { origin } = await startInProcessApp(t);
    const cases: [string, string][] = [
      ['n=abc', 'not_an_integer'],
      ['n=', 'not_an_integer'],
      ['n=2.5', 'not_an_integer'],
      ['n=0', 'out_of_range'],
      ['n=-3', 'out_of_range'],
      ['n=100000001', 'out_of_range'],
      ['n=1&n=2', 'repeated'],
    ];
    for (const [query, problem] of cases) {
      const startedAt = performance.now();
      const answer = await httpGet(`${origin}/heavy?${query}`);
      const elapsedMs = performance.now() - startedAt;
      assert.equal(answer.status, 400, query);
      assert.match(String(answer.headers['content-type']), /^application\/json/);
      const body = JSON.parse(answer.body) as { error: string; parameter: string; problem: string };
      assert.equal(body.error, 'invalid_query_parameter');
      assert.equal(body.parameter, 'n');
      assert.equal(body.problem, problem, query);
      assert.ok(elapsedMs < 200, `${query} took ${elapsedMs} ms`);
    }
  });

  it('GET /healthz and /readyz answer 200; /readyz answers 503 once draining', async (t) => {
    const { origin, server } = await startInProcessApp(t);
    assert.deepEqual(JSON.parse((await httpGet(`${origin}/healthz`)).body), { status: 'ok' });
    assert.equal((await httpGet(`${origin}/readyz`)).status, 200);

    const client = new Client(origin, { pipelining: 1 });
    t.after(() => client.destroy());
    await (await client.request({ path: '/', method: 'GET' })).body.text();
    void server.drain({ timeoutMs: 5000, waiting: () => 0 });
    const readyz = await client.request({ path: '/readyz', method: 'GET' });
    assert.equal(readyz.statusCode, 503);
    assert.deepEqual(await readyz.body.json(), { status: 'draining' });
    assert.equal(readyz.headers.connection, 'close');
  });

  it('unknown paths get 404 JSON', async (t) => {
    const { origin } = await startInProcessApp(t);
    const answer = await httpGet(`${origin}/nope?x=1`);
    assert.equal(answer.status, 404);
    assert.deepEqual(JSON.parse(answer.body), { error: 'not_found', method: 'GET', path: '/nope' });
    assert.equal(header(answer, 'X-Worker'), '2');
  });

  it('records request durations by method, route and status, plus in-flight and connection gauges', async (t) => {
    const { origin, metrics } = await startInProcessApp(t, 4);
    const atStart = await metrics.registry.metrics();
    for (const route of ['/', '/heavy']) {
      assert.equal(sampleValue(atStart, 'http_request_duration_seconds_count', { mode: 'test', worker: '4', method: 'GET', route, status_code: '200' }), 0, `${route} exists at zero before any request`);
    }
    await httpGet(`${origin}/heavy?n=10`);
    await httpGet(`${origin}/heavy?n=0`);
    await httpGet(`${origin}/missing`);
    const exposition = await metrics.registry.metrics();
    const labels = { mode: 'test', worker: '4', method: 'GET' };
    assert.equal(sampleValue(exposition, 'http_request_duration_seconds_count', { ...labels, route: '/heavy', status_code: '200' }), 1);
    assert.equal(sampleValue(exposition, 'http_request_duration_seconds_count', { ...labels, route: '/heavy', status_code: '400' }), 1);
    assert.equal(sampleValue(exposition, 'http_request_duration_seconds_count', { ...labels, route: 'unmatched', status_code: '404' }), 1);
    assert.ok(exposition.includes('http_request_duration_seconds_bucket{le="0.001"'));
    assert.ok(exposition.includes('le="10"'));
    assert.equal(sampleValue(exposition, 'http_requests_in_flight', { worker: '4' }), 0);
    assert.notEqual(sampleValue(exposition, 'http_open_connections', { worker: '4' }), undefined);
    assert.notEqual(sampleValue(exposition, 'process_cpu_seconds_total', { mode: 'test', worker: '4' }), undefined);
    assert.notEqual(sampleValue(exposition, 'nodejs_heap_size_used_bytes', { mode: 'test', worker: '4' }), undefined);
    assert.notEqual(sampleValue(exposition, 'nodejs_eventloop_lag_seconds', { mode: 'test', worker: '4' }), undefined);
    assert.ok(!exposition.includes('instance="'), 'no instance label');
  });

  it('logs every request at debug level when asked to', async (t) => {
    const records: { level: string; fields: LogFields; message: string }[] = [];
    const capture = (level: string) => (fields: LogFields, message: string) => {
      records.push({ level, fields, message });
    };
    const logger: Logger = {
      fatal: capture('fatal'),
      error: capture('error'),
      warn: capture('warn'),
      info: capture('info'),
      debug: capture('debug'),
      trace: capture('trace'),
      isLevelEnabled: () => true,
      child: () => logger,
    };
    const server = new GracefulHttpServer({ keepAliveTimeoutMs: 5000 });
    server.handle(
      createApp({
        worker: { index: 0, pid: process.pid },
        heavy: { defaultIterations: 10, maxIterations: 100 },
        readiness: server,
        logger,
        logRequests: true,
      }),
    );
    const { port } = await server.listen({ port: 0, host: '127.0.0.1' });
    t.after(() => server.drain({ timeoutMs: 100, waiting: () => 0 }));
    await httpGet(`http://127.0.0.1:${port}/heavy?n=5`);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(records.length, 1);
    assert.equal(records[0]?.level, 'debug');
    assert.match(records[0]?.message ?? '', /^GET \/heavy\?n=5 200 [0-9.]+ ms$/);
    assert.equal(records[0]?.fields.route, '/heavy');
  });
});
