/**
 * The Docker sweep's pure parts: the runner's open-model mode (its arguments and the
 * container command), k6's step as a sweep step (what k6 cannot measure is said so,
 * never 0), and CPU roles Docker cannot read ("not measured in Docker").
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openRunnerArgs } from '../../src/docker/docker-sweep.js';
import { k6SweepArgs } from '../../src/docker/k6-sweep.js';
import { workersCpu } from '../../src/docker/workers-cpu.js';
import { capacityRow, fmtCpuPerRequest, k6Note, NOT_MEASURED_BY_K6, stepRow } from '../../src/report/sweep-table.js';
import { parseCliArgs } from '../../src/runner/runner-cli-args.js';
import { DEFAULT_TIMEOUT_MS } from '../../src/runner/run-options.js';
import { extraRoles } from '../../src/sweep/cpu-roles.js';
import { K6_STEP_UNMEASURED, stepFromK6 } from '../../src/sweep/k6-step.js';
import { generatorWarnings, summarizeCurve } from '../../src/sweep/summarize.js';
import type { SweepStep, SweepTopology } from '../../src/model/sweep.js';
import { topology } from '../../src/topologies.js';
import { scenarioFor } from '../../src/scenario-file.js';

const ctx = { root: '/lab-root', docker: 'docker', resultsDir: '/tmp/results' };

test('runner --rate: the open-model mode, with its own flags', () => {
  const parsed = parseCliArgs(['--url', 'http://app-cluster:3000/heavy', '--rate', '60', '--duration-ms', '1000', '--connections', '30', '--warm-path', '/', '--metrics', 'http://app-cluster:9100/metrics']);
  assert.deepEqual(parsed, {
    kind: 'open',
    options: { url: 'http://app-cluster:3000/heavy', rate: 60, durationMs: 1000, connections: 30, timeoutMs: DEFAULT_TIMEOUT_MS, warmPath: '/', json: undefined, metrics: ['http://app-cluster:9100/metrics'] },
  });
});

for (const [argv, message] of [
  [['--url', 'http://a:1/x', '--rate', 'fast', '--duration-ms', '1', '--connections', '1'], /^--rate: expected a number of requests per second above 0, got "fast"$/],
  [['--url', 'http://a:1/x', '--rate', '5', '--connections', '1'], /^--duration-ms is required/],
  [['--url', 'http://a:1/x', '--rate', '5', '--duration-ms', '1000'], /^--connections is required/],
  [['--url', 'http://a:1/x', '--rate', '5', '--duration-ms', '1000', '--connections', '2', '-n', '10'], /^--requests is not accepted with --rate/],
  [['--url', 'http://a:1/x', '--rate', '5', '--duration-ms', '1000', '--connections', '2', '--warm-path', 'x'], /^--warm-path: expected a path starting with \//],
] as const) {
  test(`runner ${argv.slice(2).join(' ')}: one line`, () => {
    const parsed = parseCliArgs(argv);
    assert.equal(parsed.kind, 'error');
    if (parsed.kind === 'error') assert.match(parsed.message, message);
  });
}

test('the Docker sweep step runs the runner in the runner container on the Compose network, metrics of each worker there', () => {
  const args = openRunnerArgs(ctx, 'http://app-cluster:3000/heavy', { rate: 20, durationMs: 1000, connections: 10, warmPath: '/', timeoutMs: 5000 }, 'step.json', ['http://app-cluster:9100/metrics']);
  const run = args.indexOf('run');
  assert.deepEqual(args.slice(run, run + 3), ['run', '--rm', '--no-deps']);
  assert.ok(args.includes('runner'));
  const tail = args.slice(args.indexOf('--url'));
  assert.deepEqual(tail, ['--url', 'http://app-cluster:3000/heavy', '--rate', '20', '--duration-ms', '1000', '--connections', '10', '--warm-path', '/', '--timeout-ms', '5000', '--json', '/results/step.json', '--metrics', 'http://app-cluster:9100/metrics']);
});

test("k6's step: one rate per run of sweep.ts against the service's in-network address", () => {
  const args = k6SweepArgs(ctx, topology('nginx'), scenarioFor({ requests: undefined, concurrency: undefined, path: undefined }), { rate: 60, durationMs: 1000, connections: 30, warmPath: '/' }, 'tid');
  for (const e of ['BASE_URL=http://nginx:3000', 'RATES=60', 'STEP_MS=1000', 'CONNECTIONS=30', 'TESTID=tid']) assert.ok(args.includes(e), e);
  assert.deepEqual(args.slice(-5), ['k6', 'run', '-o', 'experimental-prometheus-rw', 'sweep.ts']);
});

test('Docker reads the workers only: the primary, the PM2 daemon and nginx are the roles it cannot read', () => {
  assert.deepEqual(extraRoles(topology('single')), []);
  assert.deepEqual(extraRoles(topology('cluster')), ['primary']);
  assert.deepEqual(extraRoles(topology('cluster-none')), ['primary']);
  assert.deepEqual(extraRoles(topology('pm2')), ['pm2 daemon']);
  assert.deepEqual(extraRoles(topology('nginx')), ['nginx']);
  assert.deepEqual(workersCpu([{ worker: '0', cpuSeconds: 0.5, handlerCount: 1, handlerMeanMs: 1 }, { worker: '1', cpuSeconds: 0.25, handlerCount: 1, handlerMeanMs: 1 }]), { app: 0.75, primary: 0, 'pm2 daemon': 0, nginx: 0 });
});

const k6Step = {
  offeredRps: 20, achievedRps: 19, sent: 40, failed: 2, dropped: 3, durationMs: 2000, connections: 10,
  latencyMs: { count: 40, mean: 6, p50: 5, p90: 8, p99: 12, p999: 13, max: 14 },
};

function sweepStep(unmeasured?: SweepStep['unmeasured']): SweepStep {
  const run = { order: 1, purpose: 'bracket' as const, p99Ms: 12, objectiveP99Ms: 12, meetsObjective: true };
  return { ...stepFromK6(k6Step), meetsObjective: true, objectiveP99Ms: 12, runs: [run], cpu: { app: 0.2, primary: 0, 'pm2 daemon': 0, nginx: 0 }, ...(unmeasured ? { unmeasured } : {}) };
}

test("k6's step: dropped iterations are dropped, failures errors, its latency the uncorrected figure", () => {
  const s = stepFromK6(k6Step);
  assert.equal(s.dropped, 3);
  assert.equal(s.errors.total, 2);
  assert.equal(s.uncorrectedMs.p99, 12);
  assert.equal(s.scheduled, 40);
});

test('what k6 cannot measure reads "not measured by k6" in the step row, and its CPU per request is "–", never 0', () => {
  const row = stepRow(sweepStep([...K6_STEP_UNMEASURED]));
  assert.deepEqual(row.slice(2, 7), Array(5).fill(NOT_MEASURED_BY_K6));
  assert.equal(row[7], '12'); // uncorrected p99: what k6 measured
  assert.equal(row[8], NOT_MEASURED_BY_K6);
  assert.equal(row[9], '3');
  assert.equal(row[11], NOT_MEASURED_BY_K6);
  const t = summarizeCurve({ mode: 'cluster', title: 'c', workers: 2, probeRps: null }, { steps: [sweepStep([...K6_STEP_UNMEASURED])], skippedRates: [], capacity: { low: 20, high: null, resolution: 1, probeRps: 30, probes: [30], fault: null, upper: null } });
  assert.equal(t.generatorCpuPerRequestUs, null);
  assert.equal(capacityRow(t).at(-1), '–');
  assert.ok(generatorWarnings(t).every((w) => !w.includes('late on its schedule')));
  assert.equal(k6Note({ topologies: [t] }).length, 1);
  assert.deepEqual(stepRow(sweepStep()).slice(2, 5), ['5.0', '8.0', '12']);
});

test('a role Docker cannot read is "not measured in Docker" in the CPU cell, never 0', () => {
  const t: SweepTopology = {
    mode: 'cluster', title: 'c', workers: 2, available: true, probeRps: null, steps: [], skippedRates: [], knee: 20, capacity: { low: 20, high: 25, resolution: 1, probeRps: 30, probes: [30], fault: null, upper: 25 },
    cpuPerRequestMs: { app: 4.5, primary: 0, 'pm2 daemon': 0, nginx: 0, total: 4.5 }, cpuNotMeasured: ['primary'], cpuVsSingle: null, generatorCpuPerRequestUs: null,
  };
  assert.equal(fmtCpuPerRequest(t), '4.50 (app 4.50; primary: not measured in Docker)');
  assert.equal(fmtCpuPerRequest({ ...t, cpuNotMeasured: [] }), '4.50');
});
