/**
 * k6/bench.ts: it type-checks against @types/k6, runs the native runner's scenario
 * (the same file, the same overrides), prints the native runner's block, and the
 * dashboard's k6 panels read the metric names k6's Prometheus output writes.
 * k6/bench-options.ts and k6/handle-summary.ts are plain TypeScript: Node 24 runs them here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { K6_MOUNT_ROOT, K6_SCRIPT, K6_SCRIPTS_DIR, K6_SERVICE, K6_SHARED_DIR, K6_TREND_STATS } from '../../src/docker/compose.js';
import type { K6RunSummary } from '../../src/shared/k6-summary.js';
import { paths } from '../../src/paths.js';
import { formatSeedBlock } from '../../src/shared/seed-block.js';
import { scenarioFor } from '../../src/scenario-file.js';
import { node24, readComposeFile, root } from './helpers.js';

const k6Dir = join(root, 'k6');
const benchSource = (): string => readFileSync(join(k6Dir, K6_SCRIPT), 'utf8');

/** Runs an ES module snippet on Node 24 (type stripping) with k6/<module>.ts importable; returns its JSON output. */
function runK6Module(code: string): unknown {
  const url = (m: string): string => pathToFileURL(join(k6Dir, m)).href;
  const source = code.replaceAll('@k6/scenario', url('bench-options.ts')).replaceAll('@k6/summary', url('handle-summary.ts'));
  const res = spawnSync(node24, ['--no-warnings', '--input-type=module', '-e', source], { encoding: 'utf8', cwd: root });
  assert.equal(res.status, 0, `${res.stdout}${res.stderr}`);
  return JSON.parse(res.stdout) as unknown;
}

test('k6/bench.ts type-checks against @types/k6 (tsc -p k6/tsconfig.json)', () => {
  const res = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(k6Dir, 'tsconfig.json')], { encoding: 'utf8' });
  assert.equal(res.status, 0, `${res.stdout}${res.stderr}`);
});

test("the script reads exactly k6/scenario.json, the native runner's file, as the k6 service mounts it", () => {
  const src = benchSource();
  assert.deepEqual(src.match(/\bopen\([^)]*\)/g), ["open('./scenario.json')"], 'one open(), of the scenario beside the script');
  assert.equal(join(k6Dir, 'scenario.json'), paths.scenario);
  const k6 = readComposeFile().services[K6_SERVICE];
  assert.ok(k6?.volumes?.includes(`./k6:${K6_SCRIPTS_DIR}:ro`), 'k6/ is the scripts folder');
  assert.equal(k6?.working_dir, K6_SCRIPTS_DIR);
  assert.ok(k6?.command?.includes(K6_SCRIPT));
  // Every variable the script reads is one the k6 service passes.
  const env = k6?.environment ?? {};
  const read = new Set([...`${src}\n${readFileSync(join(k6Dir, 'bench-options.ts'), 'utf8')}`.matchAll(/(?:__ENV|env)\['([A-Z_0-9]+)'\]/g)].map((m) => m[1] ?? ''));
  for (const name of read) assert.ok(name in env, `${name} is set by the k6 service`);
});

test("k6 runs the native runner's scenario: requests → iterations, concurrency → VUs, timeout, keep-alive, overrides", () => {
  const cases: { env: Record<string, string>; options: { requests?: number; concurrency?: number; path?: string } }[] = [
    { env: {}, options: {} },
    { env: { REQUESTS: '100' }, options: { requests: 100 } },
    { env: { CONCURRENCY: '7', REQUESTS: '' }, options: { concurrency: 7 } },
    { env: { REQUESTS: '50', CONCURRENCY: '80', TARGET_PATH: '/heavy?n=1000' }, options: { requests: 50, concurrency: 80, path: '/heavy?n=1000' } },
  ];
  const out = runK6Module(`
    import { readFileSync } from 'node:fs';
    import { applyOverrides, benchOptions, parseScenario, requestTimeout } from '@k6/scenario';
    const text = readFileSync(${JSON.stringify(paths.scenario)}, 'utf8');
    const cases = ${JSON.stringify(cases.map((c) => c.env))};
    console.log(JSON.stringify(cases.map((env) => {
      const scenario = applyOverrides(parseScenario(text), env);
      return { scenario, options: benchOptions(scenario, { testid: 't', mode: 'm' }), timeout: requestTimeout(scenario) };
    })));
  `) as { scenario: Record<string, unknown>; options: { scenarios: Record<string, Record<string, unknown>>; noConnectionReuse: boolean; tags: Record<string, string> }; timeout: string }[];
  cases.forEach((c, i) => {
    const native = scenarioFor({ requests: c.options.requests, concurrency: c.options.concurrency, path: c.options.path });
    const k6 = out[i];
    assert.ok(k6);
    assert.deepEqual(k6.scenario, { ...native }, `case ${i}: the same scenario`);
    const bench = Object.values(k6.options.scenarios);
    assert.equal(bench.length, 1);
    assert.equal(bench[0]?.['executor'], 'shared-iterations');
    assert.equal(bench[0]?.['iterations'], native.requests, 'requests → iterations');
    assert.equal(bench[0]?.['vus'], native.concurrency, 'concurrency → VUs');
    assert.equal(k6.timeout, `${native.timeoutMs}ms`, 'timeoutMs → the request timeout');
    assert.equal(k6.options.noConnectionReuse, !native.keepAlive, 'keepAlive → connection reuse');
    assert.deepEqual(k6.options.tags, { testid: 't', mode: 'm' });
  });
  const src = benchSource();
  assert.match(src, /timeout: requestTimeout\(scenario\)/, 'every request carries the timeout');
  assert.match(src, /scenario\.warmupRequests/, 'the warm-up requests are sent first');
});

test("k6's closing block is the native runner's, line for line, and its JSON has what the lab reads", () => {
  const fixtures = [
    { completed: 1200, non2xx: 0, socket: 0, timeout: 0, avg: 1653.24, p50: 1737.2, p90: 2142, p95: 3151, p99: 3297, max: 3327.4, first: 1_000_000, last: 1_010_845 },
    { completed: 400, non2xx: 3, socket: 1, timeout: 2, avg: 4.5, p50: 3.333, p90: 7.1, p95: 9.99, p99: 12.5, max: 30, first: 5000, last: 7500 },
  ];
  const out = runK6Module(`
    import { formatSeedBlock, summarize, METRICS, workerSubmetric } from '@k6/summary';
    import { MEASURED } from '@k6/scenario';
    const fixtures = ${JSON.stringify(fixtures)};
    const scenario = { path: '/heavy', requests: 1200, concurrency: 200, keepAlive: true, timeoutMs: 30000, warmupRequests: 100, steadyMinRequests: 0 };
    console.log(JSON.stringify(fixtures.map((f) => {
      const data = { metrics: {
        [MEASURED.reqs]: { values: { count: f.completed } },
        [MEASURED.duration]: { values: { avg: f.avg, 'p(50)': f.p50, 'p(90)': f.p90, 'p(95)': f.p95, 'p(99)': f.p99, max: f.max } },
        [METRICS.non2xx]: { values: { count: f.non2xx } },
        [METRICS.socket]: { values: { count: f.socket } },
        [METRICS.timeout]: { values: { count: f.timeout } },
        [METRICS.firstRequest]: { values: { min: f.first } },
        [METRICS.lastResponse]: { values: { max: f.last } },
        [workerSubmetric(1)]: { values: { count: f.completed } },
        [METRICS.first]: { values: { count: 1, 'p(50)': f.p50, 'p(99)': f.p99 } },
        [METRICS.later]: { values: { count: f.completed - 1, 'p(50)': f.p50, 'p(99)': f.p90 } },
      } };
      const summary = summarize(data, scenario, { testid: 'cluster-x', mode: 'cluster', target: 'http://app-cluster:3000/heavy' });
      return { summary, block: formatSeedBlock(summary) };
    })));
  `) as { summary: K6RunSummary; block: string }[];
  out.forEach(({ summary, block }, i) => {
    const f = fixtures[i];
    assert.ok(f);
    const native = formatSeedBlock({
      target: summary.target,
      requests: summary.requests,
      concurrency: summary.concurrency,
      keepAlive: summary.keepAlive,
      completed: f.completed,
      errors: { non2xx: f.non2xx, socket: f.socket, timeout: f.timeout, total: f.non2xx + f.socket + f.timeout },
      totalTimeMs: f.last - f.first,
      rps: f.completed / ((f.last - f.first) / 1000),
      latencyMs: { mean: f.avg, p50: f.p50, p90: f.p90, p95: f.p95, p99: f.p99, max: f.max },
    });
    assert.equal(block, native);
    assert.deepEqual(summary.perWorker, { 1: f.completed }, 'requests per worker, from the X-Worker tag');
    assert.deepEqual(summary.firstVsLater, { first: { count: 1, p50: f.p50, p99: f.p99 }, later: { count: f.completed - 1, p50: f.p50, p99: f.p90 } });
    for (const key of ['testid', 'mode', 'target', 'completed', 'totalTimeMs', 'rps'] as const) assert.ok(summary[key] !== undefined, key);
    assert.equal(summary.errors.total, f.non2xx + f.socket + f.timeout);
  });
  assert.match(out[0]?.block ?? '', /^Target URL: {10}http:\/\/app-cluster:3000\/heavy\n/);
  assert.match(out[0]?.block ?? '', / 100% {6}3327 ms \(longest request\)\n$/);
});

/** The series names k6's experimental-prometheus-rw output writes, for the metrics the dashboard can use. */
function k6PrometheusNames(): Set<string> {
  const stats = K6_TREND_STATS.split(',').map((s) => (s.startsWith('p(') ? `p${s.slice(2, -1).replace('.', '')}` : s));
  const counters = ['http_reqs', 'iterations', 'data_sent', 'data_received'];
  const trends = ['http_req_duration', 'http_req_waiting', 'http_req_connecting', 'http_req_blocked', 'iteration_duration'];
  const rates = ['http_req_failed', 'checks'];
  return new Set([
    ...counters.map((m) => `k6_${m}_total`),
    ...trends.flatMap((m) => stats.map((s) => `k6_${m}_${s}`)),
    ...rates.map((m) => `k6_${m}_rate`),
    'k6_vus',
    'k6_vus_max',
  ]);
}

test("the dashboard's k6 panels read the series k6's Prometheus remote write produces (K6_PROMETHEUS_RW_TREND_STATS)", () => {
  const dashboard = JSON.parse(readFileSync(join(root, 'grafana', 'dashboards', 'nodejs-clustering-lab.json'), 'utf8')) as {
    panels: { title: string; targets?: { expr: string }[] }[];
    templating: { list: { name: string; query: string }[] };
  };
  const known = k6PrometheusNames();
  const exprs = [...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)), ...dashboard.templating.list.map((v) => v.query)];
  const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\bk6_[a-z0-9_]+/g)].map((m) => m[0])));
  assert.ok(used.size >= 4, `the dashboard reads k6's series: ${[...used].join(', ')}`);
  for (const name of used) assert.ok(known.has(name), `${name} is a series k6 writes`);
  for (const p of ['p90', 'p95', 'p99']) assert.ok(used.has(`k6_http_req_duration_${p}`), `k6's ${p} is shown`);
  assert.ok(used.has('k6_http_reqs_total'));
});

test('every module the k6 script imports is inside the k6 container: k6/ or the shared folder (mounted whole), whose own imports outside it are type-only', () => {
  const files = readdirSync(k6Dir).filter((f) => f.endsWith('.ts')).map((f) => join(k6Dir, f));
  const fromRe = /^\s*(import|export)\s+(type\s+)?[^'"]*from\s+'(\.{1,2}\/[^']+)'/gm;
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(fromRe)) {
      const target = relative(root, resolve(dirname(file), m[3] ?? ''));
      if (target.startsWith('k6/') || m[2]) continue;
      assert.ok(target.startsWith(`${K6_SHARED_DIR}/`), `${relative(root, file)} imports ${target}, outside the shared folder the k6 service mounts`);
      for (const inner of readFileSync(join(root, target), 'utf8').matchAll(fromRe)) {
        assert.ok(inner[2], `${target} imports ${inner[3]} at run time: k6 would not find it`);
      }
    }
  }
  const volumes = readComposeFile().services[K6_SERVICE]?.volumes ?? [];
  assert.ok(volumes.includes(`./${K6_SHARED_DIR}:${K6_MOUNT_ROOT}/${K6_SHARED_DIR}:ro`), `${K6_SHARED_DIR} mounted whole`);
  assert.equal(volumes.filter((v) => v.startsWith('./lab/')).length, 1, 'no per-file mount list');
});
