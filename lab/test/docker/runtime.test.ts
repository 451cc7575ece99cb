/**
 * lab/src/docker/docker-runtime.ts against a stand-in `docker` that records what it is
 * asked (no engine runs here), and against the real client where none answers.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, test } from 'node:test';
import { renderTargets } from '../../src/render/prometheus.js';
import { dockerRuntime } from '../../src/docker/docker-runtime.js';
import { dockerAvailable, type DockerContext } from '../../src/docker/engine.js';
import { dockerDown, dockerLogs, dockerPs, dockerUp, stackEnv, targetsFile } from '../../src/docker/stack.js';
import { testId } from '../../src/shared/ids.js';
import { modeReport } from '../../src/mode-report.js';
import { formatBenchReport } from '../../src/report/terminal.js';
import { TOPOLOGIES, topology } from '../../src/topologies.js';

const work = mkdtempSync(join(tmpdir(), 'lab-docker-runtime-'));
after(() => rmSync(work, { recursive: true, force: true }));

const calls = join(work, 'calls.jsonl');
/**
 * The stand-in: appends {args, env} to calls.jsonl; `info` exits FAKE_INFO_EXIT, `compose`
 * FAKE_COMPOSE_EXIT (default 0); a k6 run writes the summary k6 would, named by TESTID.
 */
const fake = join(work, 'docker');
writeFileSync(
  fake,
  `#!/usr/bin/env node
const fs = require('node:fs');
const path = require('node:path');
const args = process.argv.slice(2);
const pick = (n) => process.env[n];
fs.appendFileSync(${JSON.stringify(calls)}, JSON.stringify({ args, env: { WORKERS: pick('WORKERS'), APP_CPUS: pick('APP_CPUS'), REPLICA_CPUS: pick('REPLICA_CPUS') } }) + '\\n');
if (args[0] === 'compose' && args[1] === 'version') {
  if (pick('FAKE_COMPOSE_VERSION') === 'none') process.exit(1);
  process.stdout.write((pick('FAKE_COMPOSE_VERSION') ?? '2.26.1') + '\\n');
} else if (args[0] === 'image' && args[1] === 'inspect') {
  process.exit(Number(pick('FAKE_IMAGE_EXIT') ?? 0));
} else if (args[0] === 'pull' || args[0] === 'inspect' || (args.includes('ps') && args.includes('-q'))) {
  process.exit(args[0] === 'pull' ? 1 : 0);
} else if (args[0] === 'info') {
  if (pick('FAKE_INFO_HANG')) setTimeout(() => {}, 60000);
  else {
    if (args.includes('{{.NCPU}}') && pick('FAKE_NCPU')) process.stdout.write(pick('FAKE_NCPU') + '\\n');
    process.exit(Number(pick('FAKE_INFO_EXIT') ?? 0));
  }
} else if (args.includes('ps') && args.includes('--format') && args.includes('app-replica')) {
  const replicas = pick('FAKE_REPLICAS') ?? 'lab-app-replica-2 lab-app-replica-1';
  process.stdout.write(replicas.split(' ').filter(Boolean).join('\\n') + '\\n');
} else if (args.includes('ps') && args.includes('--format')) {
  process.stdout.write('lab-' + args[args.length - 1] + '-1\\n');
} else if (args[0] === 'exec') {
  // Each worker's metrics, its CPU growing with the clock.
  const urls = args.slice(args.indexOf('-e') + 2);
  const cpu = Date.now() / 1000;
  process.stdout.write(JSON.stringify(urls.map(() => 'process_cpu_seconds_total{worker="0"} ' + cpu + '\\nhttp_request_duration_seconds_count{worker="0"} ' + cpu)) + '\\n');
} else if (args.includes('ps') && args.includes('--services')) {
  const running = pick('FAKE_RUNNING') ?? 'app-cluster app-cluster-none app-pm2 app-replica app-single grafana nginx prometheus';
  process.stdout.write(running.split(' ').join('\\n') + '\\n');
} else {
  const code = Number(pick('FAKE_COMPOSE_EXIT') ?? 0);
  const k6 = args.indexOf('k6');
  if (code === 0 && k6 >= 0) {
    const env = {};
    args.forEach((a, i) => { if (args[i - 1] === '-e') { const eq = a.indexOf('='); env[a.slice(0, eq)] = a.slice(eq + 1); } });
    const root = args[args.indexOf('--project-directory') + 1];
    fs.mkdirSync(path.join(root, 'results'), { recursive: true });
    const summary = { tool: 'k6', testid: env.TESTID, mode: env.LAB_MODE, target: env.BASE_URL + env.TARGET_PATH, requests: 100, concurrency: 10, keepAlive: true, timeoutMs: 30000,
      completed: 100, errors: { non2xx: 0, socket: 0, timeout: 0, total: 0 }, totalTimeMs: 1000, rps: 100, latencyMs: { mean: 1, p50: 1, p90: 2, p95: 3, p99: 4, max: 5 },
      perWorker: { 0: 50, 1: 50 }, firstVsLater: { first: { count: 10, p50: 3, p99: 9 }, later: { count: 90, p50: 1, p99: 4 } } };
    fs.writeFileSync(path.join(root, 'results', 'k6-' + env.TESTID + '.json'), JSON.stringify(summary));
  }
  const json = args.indexOf('--json');
  if (code === 0 && json >= 0) {
    const root = args[args.indexOf('--project-directory') + 1];
    const url = args[args.indexOf('--url') + 1];
    const metrics = args.filter((a, i) => args[i - 1] === '--metrics');
    fs.mkdirSync(path.join(root, 'results'), { recursive: true });
    const rps = url.includes('app-single') ? 100 : url.includes('app-cluster:') ? 200 : 150;
    const result = { target: url, rps, perWorker: { 0: 14 }, latencyMs: { p99: 4 }, errors: { total: 0 } };
    const workers = metrics.map(() => ({ worker: '0', cpuSeconds: 0.5, handlerCount: 7, handlerMeanMs: 2 }));
    fs.writeFileSync(path.join(root, args[json + 1]), JSON.stringify({ result, workers }));
  }
  process.exit(code);
}
`,
);
chmodSync(fake, 0o755);

const ctx: DockerContext = { root: join(work, 'repo'), docker: fake, resultsDir: join(work, 'repo', 'results') };
mkdirSync(ctx.root, { recursive: true });

interface Call {
  args: string[];
  env: Record<string, string | undefined>;
}
const recorded = (): Call[] => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Call) : []);
const compose = [ 'compose', '--project-directory', ctx.root, '-f', join(ctx.root, 'docker-compose.yml')];

const saved = { ...process.env };
beforeEach(() => {
  rmSync(calls, { force: true });
  for (const k of ['FAKE_INFO_EXIT', 'FAKE_INFO_HANG', 'FAKE_COMPOSE_EXIT', 'FAKE_NCPU', 'FAKE_RUNNING', 'APP_CPUS', 'FAKE_COMPOSE_VERSION', 'FAKE_IMAGE_EXIT', 'FAKE_REPLICAS', 'NGINX_PORT', 'DURATION']) Reflect.deleteProperty(process.env, k);
});
after(() => {
  process.env = saved;
});

/** Runs fn with the lab's own lines captured (the context's print). */
async function quietly<T>(fn: (c: DockerContext) => Promise<T>): Promise<{ value: T; printed: string }> {
  let printed = '';
  const value = await fn({ ...ctx, print: (text) => (printed += text) });
  return { value, printed };
}

test('dockerAvailable(): false when no engine answers, never throws, never hangs', async () => {
  const started = Date.now();
  assert.equal(typeof (await dockerAvailable(3000)), 'boolean', 'the real client answers true or false');
  assert.ok(Date.now() - started < 4000);
  assert.equal(await dockerAvailable(1000, { ...ctx, docker: join(work, 'no-such-docker') }), false);
  process.env['FAKE_INFO_EXIT'] = '1';
  assert.equal(await dockerAvailable(3000, ctx), false);
  process.env['FAKE_INFO_EXIT'] = '0';
  assert.equal(await dockerAvailable(3000, ctx), true);
  process.env['FAKE_INFO_HANG'] = '1';
  const hung = Date.now();
  assert.equal(await dockerAvailable(500, ctx), false);
  assert.ok(Date.now() - hung < 3000, 'a hanging client is given up on');
});

test('dockerUp(): writes the targets for WORKERS, then compose up --build --wait with the CPU budget split over the replicas', async () => {
  process.env['APP_CPUS'] = '2';
  const { printed } = await quietly((c) => dockerUp(3, c));
  assert.equal(readFileSync(targetsFile(ctx), 'utf8'), renderTargets('docker', 3));
  const up = recorded().find((c) => c.args.includes('up'));
  const everyService = ['app-cluster', 'app-cluster-none', 'app-pm2', 'app-replica', 'app-replicas', 'app-single', 'grafana', 'nginx', 'proc-exporter', 'prometheus'];
  assert.deepEqual(up?.args, [...compose, 'up', '-d', '--build', '--wait', '--remove-orphans', ...everyService]);
  assert.deepEqual(up?.env, { WORKERS: '3', APP_CPUS: '2', REPLICA_CPUS: '0.666' });
  assert.match(printed, /Grafana +http:\/\/localhost:3000/);
  assert.match(printed, /Prometheus +http:\/\/localhost:9090/);
  for (const t of TOPOLOGIES) {
    if (t.service !== null && !t.published) assert.match(printed, new RegExp(`${t.mode} +${t.service}:3000 on the stack's network only`), `${t.mode}: no host port`);
    else if (t.service !== null) assert.match(printed, new RegExp(`${t.mode} +http://localhost:${t.port}`));
    else assert.doesNotMatch(printed, new RegExp(`localhost:${t.port}`), `${t.mode} has no Docker service`);
  }
  assert.deepEqual(stackEnv(2, {}), { WORKERS: '2', APP_CPUS: '2', REPLICA_CPUS: '1' });
  // An engine with fewer CPUs than APP_CPUS (Docker Desktop's VM): the limit is capped, as Docker refuses more.
  rmSync(calls, { force: true });
  process.env['FAKE_NCPU'] = '1';
  const capped = await quietly((c) => dockerUp(3, c));
  assert.deepEqual(recorded().find((c) => c.args.includes('up'))?.env, { WORKERS: '3', APP_CPUS: '1', REPLICA_CPUS: '0.333' });
  assert.match(capped.printed, /APP_CPUS=2 capped at the 1 CPUs/);
  assert.throws(() => stackEnv(2, { APP_CPUS: 'lots' }), /^UsageError: APP_CPUS=lots is not accepted/);
});

test('dockerUp(): one clear line when no engine answers or compose fails', async () => {
  process.env['FAKE_INFO_EXIT'] = '1';
  await assert.rejects(dockerUp(2, ctx), (e: Error) => /^no Docker engine answers `docker info`: start Docker, or use RUNTIME=native$/.test(e.message));
  assert.ok(existsSync(targetsFile(ctx)), 'the targets are written first');
  process.env['FAKE_INFO_EXIT'] = '0';
  process.env['FAKE_COMPOSE_EXIT'] = '3';
  await assert.rejects(quietly((c) => dockerUp(2, c)), (e: Error) => e.message === "docker compose up failed (exit code 3); see docker's output above");
  await assert.rejects(dockerUp(0, ctx), /WORKERS=0 is not accepted/);
  await assert.rejects(dockerUp(2, { ...ctx, docker: join(work, 'no-such-docker') }), /no Docker engine answers/);
  process.env['FAKE_COMPOSE_EXIT'] = '0';
  process.env['FAKE_COMPOSE_VERSION'] = 'none';
  await assert.rejects(dockerUp(2, ctx), (e: Error) => /^Docker Compose v2 is missing \(`docker compose version` fails\): install the compose plugin 2\.17\.0 or newer/.test(e.message));
  process.env['FAKE_COMPOSE_VERSION'] = '2.12.2';
  await assert.rejects(dockerUp(2, ctx), (e: Error) => /^Docker Compose 2\.12\.2 is older than 2\.17\.0/.test(e.message));
});

test('dockerUp(): Grafana left out when its image cannot be had; a busy host port named with its variable', async () => {
  process.env['FAKE_IMAGE_EXIT'] = '1';
  const { printed } = await quietly((c) => dockerUp(2, c));
  const up = recorded().find((c) => c.args.includes('up'));
  assert.ok(up && !up.args.includes('grafana') && up.args.includes('prometheus'), JSON.stringify(up?.args));
  assert.match(printed, /Grafana is left out \(not run\)/);
  const { createServer } = await import('node:net');
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  try {
    const port = (busy.address() as { port: number }).port;
    process.env['FAKE_RUNNING'] = 'prometheus';
    process.env['NGINX_PORT'] = String(port);
    await assert.rejects(dockerUp(2, ctx), (e: Error) => e.message === `host port ${port} (nginx) is in use: free it, or move it with NGINX_PORT=<port>`);
  } finally {
    busy.close();
  }
});

const scenario = { path: '/heavy', requests: 100, concurrency: 10, keepAlive: true, timeoutMs: 30_000, warmupRequests: 20, steadyMinRequests: 0 };

test("dockerRuntime(): the lab's runner in the bench profile against the service, each worker's metrics read on the Compose network", async () => {
  process.env['FAKE_IMAGE_EXIT'] = '1'; // no k6 image
  const runtime = dockerRuntime(ctx);
  assert.equal(await runtime.unavailability('pm2'), null);
  assert.equal(await runtime.workers(), 2, 'WORKERS as up sized the stack: the replicas running');
  const target = await runtime.start('pm2');
  assert.deepEqual(target, { mode: 'pm2', workers: 2, url: 'http://localhost:3003' });
  await runtime.load(target, scenario.warmupRequests, scenario);
  const rep = await runtime.measure(target, scenario);
  const runs = recorded().filter((c) => c.args.includes('run'));
  assert.equal(runs.length, 2, 'a warm-up window, then the measured run');
  const user = ['--user', `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`];
  const runner = [...compose, '--profile', 'bench', 'run', '--rm', '--no-deps', ...user, 'runner', 'node', 'lab/dist/runner/runner-cli.js'];
  assert.deepEqual(runs[0]?.args, [...runner, '--url', 'http://app-pm2:3000/heavy', '-n', '20', '-c', '10', '--timeout-ms', '30000']);
  const measured = runs[1]?.args ?? [];
  const json = measured[measured.indexOf('--json') + 1] ?? '';
  assert.match(json, /^\/results\/runner-pm2-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-r1-\d+\.json$/);
  const testid = measured[measured.indexOf('--testid') + 1] ?? '';
  assert.match(testid, /^pm2-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-r1$/);
  // The measured run answers to the service's name, so Prometheus' lab-runner job (runner:9700) scrapes it.
  const exported = [...compose, '--profile', 'bench', 'run', '--rm', '--no-deps', '--use-aliases', ...user, 'runner', 'node', 'lab/dist/runner/runner-cli.js'];
  assert.deepEqual(measured, [
    ...exported, '--url', 'http://app-pm2:3000/heavy', '-n', '100', '-c', '10', '--timeout-ms', '30000', '--json', json,
    '--metrics', 'http://app-pm2:9100/metrics', '--metrics', 'http://app-pm2:9101/metrics',
    '--export-metrics', '9700', '--mode', 'pm2', '--testid', testid,
  ]);
  assert.equal(rep.result.rps, 150);
  assert.equal(existsSync(join(ctx.root, json)), false, "the run's file is removed once read");
  const machine = await runtime.machine();
  assert.equal(machine.cpuLimit, 2, 'APP_CPUS when no container reports a limit');
  assert.match(machine.generator, /container on the Compose network/);
});

test('dockerRuntime(): behind nginx each replica is a worker, numbered in container order, its requests its own count', async () => {
  process.env['FAKE_IMAGE_EXIT'] = '1';
  const runtime = dockerRuntime(ctx);
  const target = await runtime.start('nginx');
  const rep = await runtime.measure(target, { ...scenario, warmupRequests: 0, steadyMinRequests: 0 });
  const measured = recorded().filter((c) => c.args.includes('run'))[0]?.args ?? [];
  assert.deepEqual(measured.filter((_, i) => measured[i - 1] === '--metrics'), [
    'http://lab-app-replica-1:9100/metrics', 'http://lab-app-replica-2:9100/metrics',
  ]);
  assert.deepEqual(rep.workers.map((w) => w.worker), ['0', '1']);
  assert.deepEqual(rep.result.perWorker, { 0: 7, 1: 7 }, 'from each replica\'s handler count, not X-Worker (always 0 there)');
});

test('dockerRuntime(): what cannot run is one line; a stack that is not up, one error; a failed run says so', async () => {
  const runtime = dockerRuntime(ctx);
  assert.match((await runtime.unavailability('reuseport')) ?? '', /^reuseport runs natively only .*: use RUNTIME=native$/);
  process.env['FAKE_RUNNING'] = 'prometheus app-single app-replica';
  assert.equal(await dockerRuntime(ctx).unavailability('pm2'), 'its service app-pm2 is not running: run `make up RUNTIME=docker`');
  process.env['FAKE_REPLICAS'] = '';
  await assert.rejects(dockerRuntime(ctx).machine(), (e: Error) => e.message === 'the Docker stack is not up (no app-replica runs): run `make up RUNTIME=docker` first');
  Reflect.deleteProperty(process.env, 'FAKE_REPLICAS');
  Reflect.deleteProperty(process.env, 'FAKE_RUNNING');
  process.env['FAKE_COMPOSE_EXIT'] = '1';
  process.env['FAKE_IMAGE_EXIT'] = '1';
  const failing = dockerRuntime(ctx);
  await assert.rejects(failing.measure(await failing.start('single'), scenario), /^Error: the runner against single failed \(exit code 1\)/);
});

test('dockerDown(), dockerLogs(), dockerPs(): the compose commands', async () => {
  await dockerDown(ctx);
  await dockerLogs(false, ctx);
  await dockerPs(ctx);
  assert.deepEqual(recorded().map((c) => c.args.slice(compose.length)), [
    ['--profile', 'bench', 'down', '--remove-orphans'],
    ['logs', '--tail', '200'],
    ['ps'],
  ]);
  process.env['FAKE_COMPOSE_EXIT'] = '1';
  await assert.rejects(dockerPs(ctx), (e: Error) => !e.message.includes('\n') && /^docker compose ps failed/.test(e.message));
});

test('dockerRuntime() with the k6 image: k6 runs, each worker\'s CPU is read inside its container, and what k6 cannot measure is marked so', async () => {
  const runtime = dockerRuntime(ctx);
  const target = await runtime.start('cluster');
  const rep = await runtime.measure(target, scenario);
  const runs = recorded().filter((c) => c.args.includes('run'));
  assert.equal(runs.length, 1, 'one k6 run per measured repetition');
  const args = runs[0]?.args ?? [];
  assert.deepEqual(args.slice(args.indexOf('-e')), [
    '-e', 'BASE_URL=http://app-cluster:3000', '-e', 'LAB_MODE=cluster', '-e', `TESTID=${args.find((a) => a.startsWith('TESTID='))?.slice(7) ?? ''}`,
    '-e', 'REQUESTS=100', '-e', 'CONCURRENCY=10', '-e', 'TARGET_PATH=/heavy',
    'k6', 'run', '-o', 'experimental-prometheus-rw', 'bench.ts',
  ]);
  const execs = recorded().filter((c) => c.args[0] === 'exec');
  assert.deepEqual(execs[0]?.args.filter((a) => a.startsWith('http')), ['http://127.0.0.1:9100/metrics', 'http://127.0.0.1:9101/metrics']);
  assert.equal(execs[0]?.args[1], 'lab-app-cluster-1');
  assert.equal(rep.result.generator, 'k6');
  assert.deepEqual(rep.result.unmeasured, ['connections', 'timeline', 'percentileCurve', 'generatorCpu']);
  assert.deepEqual(rep.result.perWorker, { 0: 50, 1: 50 });
  assert.equal(rep.result.firstVsLater.first.p99, 9);
  assert.equal(rep.workers.length, 2);
  assert.ok(rep.workers.every((w) => w.cpuSeconds > 0), 'CPU read before and after');
  assert.match((await runtime.machine()).generator, /^k6, in a container/);
  const report = modeReport(topology('cluster'), 2, await runtime.machine(), [rep]);
  const text = formatBenchReport(report, scenario, await runtime.machine(), [], [rep.result]);
  assert.match(text, /connections: not measured by k6\n/);
  assert.match(text, /load generator CPU not measured by k6/);
  assert.match(text, /first request on a connection: p50 3\.0 ms, p99 9\.0 ms \(10\)/);
});

test('testId(): mode and UTC time, label-safe (the rule the lab and k6 share)', () => {
  assert.equal(testId('cluster-none', new Date('2026-11-24T22:19:02.123Z')), 'cluster-none-2026-11-24T22-19-02Z');
  assert.equal(testId('nginx', new Date('2026-11-24T22:19:02Z'), 3), 'nginx-2026-11-24T22-19-02Z-r3');
});
