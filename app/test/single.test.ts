import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { header, httpGet, sampleValue } from './support/http-client.js';
import { NODE_WITH_REUSE_PORT } from './support/node24.js';
import { SERVER_SCRIPT } from './support/paths.js';
import { freePort, freePorts } from './support/ports.js';
import { eventually, livingProcessesInGroup, ProcessUnderTest, sleep } from './support/process-under-test.js';
import { OpenConnection } from './support/raw-requests.js';

describe('single process (node app/dist/server.js)', () => {
  it('prints the seed lines, serves / and /heavy, and exposes metrics labelled single/0', async (t) => {
    const { port, metricsPort } = await freePorts(1);
    const server = ProcessUnderTest.start(t, { args: [SERVER_SCRIPT], env: { PORT: String(port), METRICS_PORT: String(metricsPort) } });
    await server.waitForOutput(/Metrics on port \d+/);
    assert.match(server.output, new RegExp(`^worker pid=${server.pid}\nApp listening on port ${port}\n`));

    const hello = await httpGet(`http://127.0.0.1:${port}/`);
    assert.equal(hello.body, 'Hello World!');
    assert.equal(header(hello, 'X-Worker'), '0');
    assert.equal(header(hello, 'X-Worker-Pid'), String(server.pid));
    assert.equal(hello.headers['x-powered-by'], undefined);
    assert.equal((await httpGet(`http://127.0.0.1:${port}/heavy`)).body, 'The result of the CPU intensive task is 5000000');
    assert.equal((await httpGet(`http://127.0.0.1:${port}/readyz`)).status, 200);

    const metrics = await httpGet(`http://127.0.0.1:${metricsPort}/metrics`);
    assert.equal(metrics.status, 200);
    assert.equal(
      sampleValue(metrics.body, 'http_request_duration_seconds_count', { mode: 'single', worker: '0', route: '/heavy', status_code: '200' }),
      1,
    );
    assert.notEqual(sampleValue(metrics.body, 'process_cpu_seconds_total', { mode: 'single', worker: '0' }), undefined);
    assert.equal((await httpGet(`http://127.0.0.1:${port}/metrics`)).status, 404, 'no metrics on the app port');
  });

  it('takes WORKER_INDEX and LAB_MODE for its labels and METRICS_PORT as is', async (t) => {
    const { port, metricsPort } = await freePorts(1);
    const server = ProcessUnderTest.start(t, {
      args: [SERVER_SCRIPT],
      env: { PORT: String(port), METRICS_PORT: String(metricsPort), WORKER_INDEX: '3', LAB_MODE: 'nginx' },
    });
    await server.waitForOutput(/Metrics on port \d+/);
    assert.equal(header(await httpGet(`http://127.0.0.1:${port}/`), 'X-Worker'), '3');
    const metrics = await httpGet(`http://127.0.0.1:${metricsPort}/metrics`);
    assert.notEqual(sampleValue(metrics.body, 'nodejs_heap_size_used_bytes', { mode: 'nginx', worker: '3' }), undefined);
  });

  it('METRICS=off serves the app without a metrics server', async (t) => {
    const { port, metricsPort } = await freePorts(1);
    const server = ProcessUnderTest.start(t, {
      args: [SERVER_SCRIPT],
      env: { PORT: String(port), METRICS_PORT: String(metricsPort), METRICS: 'off' },
    });
    await server.waitForOutput(/App listening on port/);
    assert.equal((await httpGet(`http://127.0.0.1:${port}/`)).body, 'Hello World!');
    await assert.rejects(httpGet(`http://127.0.0.1:${metricsPort}/metrics`), /ECONNREFUSED/);
  });

  it('LOG_FORMAT=json logs the same events as JSON lines', async (t) => {
    const { port, metricsPort } = await freePorts(1);
    const server = ProcessUnderTest.start(t, {
      args: [SERVER_SCRIPT],
      env: { PORT: String(port), METRICS_PORT: String(metricsPort), LOG_FORMAT: 'json' },
    });
    await server.waitForOutput(/Metrics on port/);
    server.signal('SIGTERM');
    assert.deepEqual(await server.waitForExit(), { code: 0, signal: null });
    const lines = server.output.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      lines.map((line) => line.msg),
      [
        `worker pid=${server.pid}`,
        `App listening on port ${port}`,
        `Metrics on port ${metricsPort}`,
        'Received SIGTERM: finishing 0 request(s) in flight on 0 connection(s) and 0 connection(s) waiting to be accepted, deadline 10000 ms',
        lines[4]?.msg,
      ],
    );
    assert.match(String(lines[4]?.msg), /^Stopped gracefully in \d+ ms \(accepted 0 waiting connection\(s\) before closing the listener\)$/);
    for (const line of lines) {
      assert.equal(line.mode, 'single');
      assert.equal(line.worker, 0);
      assert.equal(line.pid, server.pid);
      assert.equal(line.level, 'info');
    }
  });

  it('SIGTERM lets /heavy requests in flight finish with 200, then exits 0 with nothing left behind', async (t) => {
    const { port, metricsPort } = await freePorts(1);
    const server = ProcessUnderTest.start(t, {
      args: [SERVER_SCRIPT],
      env: { PORT: String(port), METRICS_PORT: String(metricsPort), HEAVY_MAX: '10000000000' },
    });
    await server.waitForOutput(/Metrics on port/);
    const connections = await Promise.all([1, 2, 3].map(() => OpenConnection.open(port)));
    t.after(() => connections.forEach((connection) => connection.destroy()));
    await sleep(100); // all three accepted while the server is idle
    const answers = connections.map((connection) => connection.get('/heavy?n=300000000'));
    await sleep(100); // the first one is running
    const signalledAt = Date.now();
    server.signal('SIGTERM');

    const results = await Promise.all(answers);
    for (const answer of results) {
      assert.equal(answer.status, 200);
      assert.equal(answer.body, 'The result of the CPU intensive task is 300000000');
    }
    assert.ok(results.some((answer) => answer.receivedAt > signalledAt), 'some request was still running at SIGTERM');
    assert.deepEqual(await server.waitForExit(), { code: 0, signal: null });
    assert.deepEqual(livingProcessesInGroup(server.pid), []);
  });

  it('exits 1 with one line when the port is taken', async (t) => {
    const { port, metricsPort } = await freePorts(1);
    const holder = ProcessUnderTest.start(t, { args: [SERVER_SCRIPT], env: { PORT: String(port), METRICS: 'off' } });
    await holder.waitForOutput(/App listening/);
    const second = ProcessUnderTest.start(t, { args: [SERVER_SCRIPT], env: { PORT: String(port), METRICS_PORT: String(metricsPort) } });
    assert.equal((await second.waitForExit()).code, 1);
    assert.equal(second.stderr, `Cannot listen on port ${port}: address already in use (EADDRINUSE)\n`);
  });

  it('REUSE_PORT=true lets several processes share the port (Node 22.12+)', { skip: NODE_WITH_REUSE_PORT === undefined ? 'no Node 22.12+ found in tools/node24' : false }, async (t) => {
    const port = await freePort();
    const processes = [0, 1].map((index) =>
      ProcessUnderTest.start(t, {
        node: NODE_WITH_REUSE_PORT,
        args: [SERVER_SCRIPT],
        env: { PORT: String(port), METRICS: 'off', REUSE_PORT: 'true', WORKER_INDEX: String(index), HOST: '127.0.0.1' },
      }),
    );
    await Promise.all(processes.map((server) => server.waitForOutput(/App listening on port/)));
    const seen = await eventually(
      async () => {
        const workers = new Set<string>();
        for (let i = 0; i < 50; i++) workers.add(header(await httpGet(`http://127.0.0.1:${port}/`), 'X-Worker'));
        return workers.size === 2 ? workers : undefined;
      },
      10_000,
      'both reusePort processes to answer',
    );
    assert.deepEqual([...seen].sort(), ['0', '1']);
  });
});
