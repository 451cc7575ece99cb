/** The runner's client-side metrics: a real run against a real server, scraped over HTTP as Prometheus would. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { request } from 'undici';
import { ClientMetrics, ClientMetricsServer } from '../../src/runner/client-metrics.js';
import { runLoad } from '../../src/runner/run-load.js';

test('every finished request is counted by outcome and timed; the run marker goes 1 then 0', async () => {
  let n = 0;
  const app = createServer((_req, res) => {
    n++;
    res.writeHead(n % 5 === 0 ? 500 : 200).end('ok');
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  const metrics = new ClientMetrics();
  const server = new ClientMetricsServer(metrics);
  const why = await server.listen(0, '127.0.0.1');
  assert.equal(why, null);
  try {
    const run = { mode: 'single', testid: 'single-2026-12-04T10-00-00Z-r1' };
    const observer = metrics.start(run);
    const during = await (await metrics.registry.getSingleMetric('lab_client_run_active')?.get())?.values;
    assert.equal(during?.find((v) => v.labels['testid'] === run.testid)?.value, 1);
    await runLoad({ url: `http://127.0.0.1:${(app.address() as AddressInfo).port}/`, requests: 50, concurrency: 5, observer });
    metrics.end(run);
    const text = await metrics.registry.metrics();
    assert.match(text, /lab_client_requests_total\{mode="single",testid="single-2026-12-04T10-00-00Z-r1",outcome="ok"\} 40/);
    assert.match(text, /lab_client_requests_total\{[^}]*outcome="non2xx"\} 10/);
    assert.match(text, /lab_client_requests_total\{[^}]*outcome="timeout"\} 0/);
    assert.match(text, /lab_client_request_duration_seconds_count\{mode="single",testid="[^"]+"\} 50/);
    assert.match(text, /lab_client_run_active\{mode="single",testid="[^"]+"\} 0/);
    const busy = new ClientMetricsServer(new ClientMetrics());
    assert.match((await busy.listen(Number(new URL(`http://x:${(app.address() as AddressInfo).port}`).port), '127.0.0.1')) ?? '', /is in use/, 'a taken port is said, not thrown');
  } finally {
    await server.close(0);
    await new Promise((resolve) => app.close(resolve));
  }
});

test('the exporter answers /metrics over HTTP', async () => {
  // A free port found first: the exporter, like Prometheus' target, works on a known port.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const served = new ClientMetricsServer(new ClientMetrics());
  assert.equal(await served.listen(port, '127.0.0.1'), null);
  try {
    const scraped = served.nextScrape(5_000);
    const res = await request(`http://127.0.0.1:${port}/metrics`);
    assert.equal(res.statusCode, 200);
    assert.match(await res.body.text(), /# TYPE lab_client_requests_total counter/);
    assert.equal(await scraped, true, 'a run waiting for the next scrape is released by it');
    assert.equal(await served.nextScrape(50), false, 'and without one, after its timeout');
  } finally {
    await served.close(0);
  }
});
