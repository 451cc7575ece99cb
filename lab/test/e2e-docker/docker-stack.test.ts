/**
 * The Docker lab end to end on a real engine: up (every service whose image exists),
 * Prometheus' per-worker series, scaling nginx's replicas, the CPU limit the app sees,
 * bench and compare with zero errors (compare.json and compare.html checked by the same
 * assertion as the native lab's), down. Runs whenever an engine with Compose >= 2.17
 * answers; LAB_REQUIRE_DOCKER=1 (CI) makes "no engine" a failure. The stack is published on
 * shifted host ports (13000-19999) so it never meets the native lab's fixed ports.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROJECT_NAME } from '../../src/docker/compose.js';
import { IMAGES } from '../../src/docker/images.js';
import { paths } from '../../src/paths.js';
import { compose, docker, dockerEngine, dockerLab, shiftedPorts } from './stack.js';
import { queryPrometheus } from '../../src/native/prometheus.js';
import { MODES, topology } from '../../src/topologies.js';
import { assertCompareReport } from '../e2e/compare-shape.js';

const SHIFTED_PORTS = shiftedPorts(13000, 19090);
const PROMETHEUS = `http://127.0.0.1:${SHIFTED_PORTS['PROMETHEUS_PORT']}`;
const NGINX = `http://127.0.0.1:${SHIFTED_PORTS['NGINX_PORT']}`;
const APP_CPUS = 2;

const lab = dockerLab(SHIFTED_PORTS);


async function promQuery(query: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${PROMETHEUS}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await res.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return body.data.result;
}

interface ActiveTarget { labels: Record<string, string>; health: string }

/** Polls Prometheus' active targets until `count` of a job are up (old series of a kept volume do not count). */
async function waitForTargets(job: string, count: number, timeoutMs = 30_000): Promise<ActiveTarget[]> {
  const deadline = Date.now() + timeoutMs;
  let up: ActiveTarget[] = [];
  while (Date.now() < deadline) {
    const res = await fetch(`${PROMETHEUS}/api/v1/targets?state=active`);
    const body = (await res.json()) as { data: { activeTargets: ActiveTarget[] } };
    const all = body.data.activeTargets.filter((t) => t.labels['job'] === job);
    up = all.filter((t) => t.health === 'up');
    if (all.length === count && up.length === count) return up;
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.fail(`job ${job}: expected ${count} targets up, got ${up.length}: ${up.map((t) => t.labels['instance']).join(', ')}`);
}

/** Requests each replica (by its address) has counted, read from Prometheus. */
async function requestsByReplica(): Promise<Map<string, number>> {
  const series = await promQuery('sum by (replica) (http_request_duration_seconds_count{job="app-replica"})');
  return new Map(series.map((s) => [s.metric['replica'] ?? '', Number(s.value[1])]));
}

const imagePresent = (image: string): boolean => spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status === 0;

const { usable, required, notRun } = await dockerEngine();

describe('Docker lab end to end on a real engine', { skip: required ? false : notRun }, () => {
  before(async () => {
    assert.ok(usable, `LAB_REQUIRE_DOCKER=1 but ${String(notRun).replace('not run: ', '')}`);
    await lab('down');
  });
  after(async () => {
    if (usable) await lab('down').catch(() => undefined);
  });

  it('says which services could not run here', (t) => {
    for (const [name, image] of [['Grafana', IMAGES.grafana], ['k6', IMAGES.k6]] as const) {
      t.diagnostic(imagePresent(image) ? `${name} (${image}) present` : `${name} NOT RUN: ${image} cannot be had on this machine`);
    }
  });

  it('make up: every topology healthy, the CPU limit reported, per-worker series in Prometheus', async () => {
    const out = await lab('up', { WORKERS: '2' });
    assert.match(out, /CPU limit per container: .*app-cluster-1 2\b/);
    const ps = compose('ps', '--format', '{{.Service}} {{.Health}}').trim().split('\n');
    for (const service of ['app-single', 'app-cluster', 'app-cluster-none', 'app-pm2', 'app-replica', 'nginx', 'prometheus']) {
      const lines = ps.filter((l) => l.startsWith(`${service} `));
      assert.ok(lines.length > 0 && lines.every((l) => l.endsWith(' healthy')), `${service} not healthy: ${ps.join('; ')}`);
    }
    // single 1 + cluster 2 + primary + cluster-none 2 + primary + pm2 2 worker targets up.
    await waitForTargets('app', 9);
    // The DNS job finds nginx's 2 replicas and the replicas topology's 2 containers.
    const replicas = await waitForTargets('app-replica', 4);
    assert.equal(new Set(replicas.map((s) => s.labels['replica'])).size, 4, 'each replica keeps its own series');
  });

  it('the app sees its container CPU limit as its default WORKERS', () => {
    const script = "import('/lab/app/dist/config/cpu-quota.js').then((m)=>console.log(m.quotaBoundParallelism(require('node:os').availableParallelism(), m.cgroupCpuQuota())))";
    const seen = Number(compose('exec', '-T', 'app-cluster', 'node', '-e', script).trim());
    assert.equal(seen, Math.min(APP_CPUS, availableParallelism()));
    const replica = Number(compose('exec', '-T', '--index', '1', 'app-replica', 'node', '-e', script).trim());
    assert.equal(replica, 1);
  });

  it('make up WORKERS=3: nginx balances over all three new replicas, no 502', async () => {
    await lab('up', { WORKERS: '3' });
    const replicas = compose('ps', '-q', 'app-replica').trim().split('\n').filter(Boolean);
    assert.equal(replicas.length, 3);
    const addresses = docker('inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', ...replicas).trim().split('\n');
    await waitForTargets('app-replica', 6); // nginx's 3 and the replicas topology's 3
    const before = await requestsByReplica();
    // Concurrent /heavy requests: least_conn spreads busy requests over every replica.
    const statuses = await Promise.all(
      Array.from({ length: 60 }, async () => {
        const res = await fetch(`${NGINX}/heavy?n=2000000`);
        await res.text();
        return res.status;
      }),
    );
    assert.deepEqual([...new Set(statuses)], [200], `statuses through nginx: ${statuses.join(',')}`);
    await new Promise((r) => setTimeout(r, 3000));
    const afterCounts = await requestsByReplica();
    for (const address of addresses) {
      const served = (afterCounts.get(address) ?? 0) - (before.get(address) ?? 0);
      assert.ok(served > 0, `replica ${address} served no request through nginx (counts: ${JSON.stringify([...afterCounts])})`);
    }
  });

  it('make bench and make compare: zero errors, and the same compare.json and compare.html as the native lab', async () => {
    const results = mkdtempSync(join(tmpdir(), 'lab-docker-results-'));
    try {
      const bench = await lab('bench', { MODE: 'cluster', REQUESTS: '200', CONCURRENCY: '20', REPEAT: '1', WARMUP: '100', WARMUP_MIN: '0', RESULTS_DIR: results });
      assert.match(bench, /Total errors:\s+0\n/);
      const compare = await lab('compare', { REQUESTS: '300', CONCURRENCY: '50', REPEAT: '1', WARMUP: '100', WARMUP_MIN: '0', RESULTS_DIR: results });
      const report = assertCompareReport(results, compare, { runtime: 'docker', requests: 300, unavailable: ['reuseport'] });
      assert.equal(report.machine.cpuLimit, APP_CPUS, "the containers' CPU limit is the machine's limit");
      assert.equal(report.modes.find((m) => m.mode === 'nginx')?.workers, 3, "nginx's three replicas, each a worker");
    } finally {
      rmSync(results, { recursive: true, force: true });
    }
  });

  it("every query of the Grafana dashboard runs on the stack's Prometheus; the run markers mark each topology's load", async () => {
    const dashboard = JSON.parse(readFileSync(join(paths.root, 'grafana', 'dashboards', 'nodejs-clustering-lab.json'), 'utf8')) as {
      panels: { title: string; targets?: { expr: string }[] }[];
      annotations: { list: { name: string; expr: string }[] };
    };
    const plain = (expr: string): string => expr.replaceAll('$__rate_interval', '10m').replaceAll('$mode', '.*').replaceAll('$testid', '.*');
    const queries = [
      ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, promql: plain(t.expr), k6: t.expr.includes('k6_') }))),
      // Annotations run as range queries: a subquery over the last minutes asks for the same stretches.
      ...dashboard.annotations.list.map((a) => ({ panel: `annotation ${a.name}`, promql: `max_over_time((${plain(a.expr)})[10m:1s])`, k6: a.expr.includes('k6_') })),
    ];
    assert.ok(queries.length >= 12, `the dashboard's queries (${queries.length})`);
    const dockerModes = MODES.filter((m) => topology(m).service !== null);
    for (const { panel, promql, k6 } of queries) {
      const series = await queryPrometheus(promql, PROMETHEUS);
      if (k6) continue; // k6 did not run here (no image): the query must still be valid.
      const modes = new Set(series.map((s) => s.metric['mode']));
      const expected = panel.startsWith('Worker restarts') ? dockerModes.filter((m) => topology(m).hasPrimary) : dockerModes;
      assert.deepEqual(expected.filter((m) => !modes.has(m)), [], `${panel}: ${promql} has a series for every Docker topology`);
    }
  });

  it('docker compose stop drains: 60 requests queued behind CPU-bound ones are all answered, exit 0', async (t) => {
    for (const [service, variable] of [['app-single', 'SINGLE_PORT'], ['app-cluster', 'CLUSTER_PORT'], ['app-pm2', 'PM2_PORT']] as const) {
      // 60 concurrent requests of ~0.1 s of CPU each against WORKERS=3 processes at most:
      // by construction most of them wait (in the kernel's accept queue, the primary's
      // handoff queue or the docker-proxy hop) when the stop arrives 0.3 s later.
      const answers = Array.from({ length: 60 }, async () => {
        try {
          const res = await fetch(`http://127.0.0.1:${SHIFTED_PORTS[variable]}/heavy?n=100000000`, { headers: { connection: 'close' } });
          await res.text();
          return res.status;
        } catch {
          return 0;
        }
      });
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      compose('stop', service);
      const statuses = await Promise.all(answers);
      t.diagnostic(`${service}: docker compose stop took ${Date.now() - started} ms`);
      const failed = statuses.filter((s) => s !== 200).length;
      const exit = docker('inspect', '--format', '{{.State.ExitCode}}', compose('ps', '-aq', service).trim()).trim();
      assert.equal(failed, 0, `${service}: ${failed} of 60 queued requests failed on docker compose stop (statuses ${statuses.join(',')})`);
      assert.equal(exit, '0', `${service} exited ${exit} after ${Date.now() - started} ms`);
    }
  });

  it('make down: no container or network left, volumes kept', async () => {
    await lab('down');
    const label = `label=com.docker.compose.project=${PROJECT_NAME}`;
    assert.equal(docker('ps', '-aq', '--filter', label).trim(), '');
    assert.equal(docker('network', 'ls', '-q', '--filter', label).trim(), '');
    assert.match(docker('volume', 'ls', '-q', '--filter', label), /prometheus-data/);
  });
});
