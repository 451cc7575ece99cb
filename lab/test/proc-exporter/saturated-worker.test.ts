/**
 * The dashboard's CPU line of a worker whose event loop is blocked: real processes (the
 * app's single-process server, the lab's /proc exporter) and a real Prometheus scraping
 * both as prometheus/prometheus.yml does. One long synchronous /heavy request blocks the
 * worker's event loop for seconds; its CPU must still be scraped every second, labelled.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { prometheusBinary, queryPrometheus } from '../../src/native/prometheus.js';
import { procExporterScript } from '../../src/native/proc-exporter.js';
import { paths } from '../../src/paths.js';

/** How long the one request keeps the worker's event loop busy. */
const BLOCK_SECONDS = 6;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function waitFor(url: string, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await request(url, { headersTimeout: 1000 });
      await res.body.dump();
      if (res.statusCode === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${what} did not answer ${url} within ${timeoutMs} ms`);
    await sleep(200);
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function samples(expr: string, prometheus: string): Promise<number> {
  const [series] = await queryPrometheus(expr, prometheus);
  return Number(series?.value[1] ?? 0);
}

test('a worker with a blocked event loop keeps its CPU series: one sample a second, labelled by mode and worker', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-proc-exporter-'));
  const children: ChildProcess[] = [];
  const start = (command: string, args: string[], env: Record<string, string>): ChildProcess => {
    const child = spawn(command, args, { cwd: paths.root, env: { ...process.env, ...env }, stdio: 'ignore' });
    children.push(child);
    return child;
  };
  try {
    const [appPort, metricsPort, exporterPort, prometheusPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const stack = `test-${process.pid}`;
    start(process.execPath, [join(paths.app, 'dist', 'server.js')], {
      HOST: '127.0.0.1', PORT: String(appPort), METRICS_PORT: String(metricsPort), LAB_MODE: 'single', LAB_STACK: stack,
      HEAVY_MAX: String(Number.MAX_SAFE_INTEGER), LOG_LEVEL: 'warn',
    });
    start(process.execPath, [procExporterScript(), '--stack', stack, '--port', String(exporterPort)], {});
    const prometheus = `http://127.0.0.1:${prometheusPort}`;
    // The cadences of prometheus/prometheus.yml: the exporter every second, the app every 2 s.
    writeFileSync(join(dir, 'prometheus.yml'), [
      'global: { scrape_interval: 1s, scrape_timeout: 1s }',
      'scrape_configs:',
      `  - { job_name: proc, static_configs: [{ targets: ['127.0.0.1:${exporterPort}'] }] }`,
      `  - { job_name: app, scrape_interval: 2s, scrape_timeout: 2s, static_configs: [{ targets: ['127.0.0.1:${metricsPort}'] }] }`,
      '',
    ].join('\n'));
    start(prometheusBinary(), [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${prometheusPort}`], {});
    await waitFor(`http://127.0.0.1:${appPort}/readyz`, 'the app');
    await waitFor(`http://127.0.0.1:${exporterPort}/metrics`, 'the exporter');
    await waitFor(`${prometheus}/-/ready`, 'prometheus');
    const series = 'lab_process_cpu_seconds_total{job="proc", mode="single", worker="0"}';
    for (const deadline = Date.now() + 20_000; (await queryPrometheus(series, prometheus)).length === 0; await sleep(500)) {
      assert.ok(Date.now() < deadline, `${series} scraped within 20 s`);
    }

    // Calibrate: the iterations that keep the loop busy BLOCK_SECONDS on this machine.
    const probeIterations = 20_000_000;
    await (await request(`http://127.0.0.1:${appPort}/heavy?n=${probeIterations}`)).body.dump(); // JIT warm-up
    const probeStart = performance.now();
    await (await request(`http://127.0.0.1:${appPort}/heavy?n=${probeIterations}`)).body.dump();
    const msPerIteration = (performance.now() - probeStart) / probeIterations;
    const iterations = Math.round((BLOCK_SECONDS * 1000) / msPerIteration);

    const blockStart = Date.now();
    const blocked = request(`http://127.0.0.1:${appPort}/heavy?n=${iterations}`, { headersTimeout: 60_000, bodyTimeout: 60_000 });
    await (await blocked).body.dump();
    const blockedSeconds = Math.floor((Date.now() - blockStart) / 1000);
    assert.ok(blockedSeconds >= 3, `the request blocked the loop for ${blockedSeconds} s`);
    await sleep(1500); // the scrape that covers the block's last second
    const window = `${blockedSeconds}s`;
    const at = `${series.replace('}', '')}}`;
    const count = await samples(`count_over_time(${at}[${window}] offset 1s)`, prometheus);
    assert.ok(count >= blockedSeconds - 1, `${count} CPU samples in the ${blockedSeconds} s the loop was blocked (one a second, at most one missed at the edges)`);
    const cores = await samples(`rate(${at}[${window}] offset 1s)`, prometheus);
    assert.ok(cores > 0.5, `the blocked worker kept ${cores.toFixed(2)} cores busy`);
    const up = await samples(`min_over_time(up{job="proc"}[${window}] offset 1s)`, prometheus);
    assert.equal(up, 1, 'the exporter answered every scrape');
  } finally {
    for (const child of children.reverse()) await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
});
