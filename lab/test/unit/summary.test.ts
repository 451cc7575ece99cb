import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, modeReport, withSpeedups, fairnessWarnings, type Repetition } from '../../src/mode-report.js';
import { topology } from '../../src/topologies.js';
import { parseSnapshot, delta } from '../../src/runner/worker-metrics.js';
import type { MachineInfo, ModeReport, RunResult } from '../../src/model/report-model.js';

test('median of odd and even counts', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([]), 0);
});

const machine: MachineInfo = {
  cores: 2, availableParallelism: 2, cpuModel: 'x', memoryGiB: 24, nodeVersion: '20', appNodeVersion: '24', platform: 'linux x64', loadAverageAtStart: [0, 0, 0], cpuLimit: null, generator: 'runner',
};

function mode(name: string, rps: number, cores: number): ModeReport {
  return {
    mode: name, title: name, strategy: '', available: true, reason: null, workers: cores, coresUsable: cores,
    rps: { median: rps, min: rps, max: rps }, speedup: 0, efficiency: 0,
    latencyMs: { mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 }, completed: 0, errors: 0, perWorker: [], runnerCpuSeconds: 0, runsRps: [rps],
  };
}

test('speedup is over single; efficiency divides it by the cores usable', () => {
  const [single, cluster] = withSpeedups([mode('single', 100, 1), mode('cluster', 190, 2)]);
  assert.equal(single?.speedup, 1);
  assert.equal(single?.efficiency, 1);
  assert.equal(cluster?.speedup, 1.9);
  assert.equal(cluster?.efficiency, 0.95);
});

test('warnings: more workers than cores, and a busy load generator', () => {
  const busy = { ...mode('cluster', 100, 2), medianRun: { runnerCpuSeconds: 0.5, totalTimeMs: 1000 } } as unknown as ModeReport;
  const w = fairnessWarnings([busy], machine, 4, { path: '/', requests: 1200, concurrency: 200, keepAlive: true, timeoutMs: 1, warmupRequests: 0, steadyMinRequests: 0 });
  assert.ok(w.some((x) => x.includes('WORKERS=4 exceeds the 2 cores')));
  assert.ok(w.some((x) => x.includes('the load generator took 50% of one core')));
});

test('worker metrics: CPU, handler time and the worker label from the exposition text', () => {
  const text = [
    '# HELP process_cpu_seconds_total x',
    'process_cpu_seconds_total{mode="cluster",worker="1"} 2.5',
    'http_request_duration_seconds_sum{method="GET",route="/heavy",status_code="200",mode="cluster",worker="1"} 4',
    'http_request_duration_seconds_count{method="GET",route="/heavy",status_code="200",mode="cluster",worker="1"} 100',
    'http_request_duration_seconds_sum{method="GET",route="/",status_code="200",mode="cluster",worker="1"} 1',
    'http_request_duration_seconds_count{method="GET",route="/",status_code="200",mode="cluster",worker="1"} 100',
  ].join('\n');
  const s = parseSnapshot(text);
  assert.deepEqual(s, { worker: '1', cpuSeconds: 2.5, handlerSeconds: 5, handlerCount: 200 });
  const [d] = delta([{ worker: '1', cpuSeconds: 0.5, handlerSeconds: 1, handlerCount: 100 }], [s]);
  assert.equal(d?.cpuSeconds, 2);
  assert.equal(d?.handlerMeanMs, 40);
});

test('the limit beside efficiency takes the load generator\'s cores out of the machine', () => {
  const rep = (rps: number, runnerCpuSeconds: number, totalTimeMs: number): Repetition => ({
    result: { rps, runnerCpuSeconds, totalTimeMs, perWorker: { '0': 1 }, latencyMs: { mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 }, completed: 1, errors: { total: 0 } } as unknown as RunResult,
    workers: [],
  });
  const cluster = modeReport(topology('cluster'), 2, machine, [rep(590, 0.2, 2000), rep(600, 0.2, 2000), rep(580, 0.2, 2000)]);
  assert.equal(cluster.ceiling, 1.9, '2 cores less the generator\'s 0.1');
  assert.equal(cluster.rps.median, 590);
  const single = modeReport(topology('single'), 1, machine, [rep(350, 0.2, 2000)]);
  assert.equal(single.ceiling, 1, 'single can use one core whatever the generator takes of the other');
});

test('the noise warning reads the cores busy before the run, not the load average a previous run left', () => {
  const scenario = { path: '/', requests: 1200, concurrency: 200, keepAlive: true, timeoutMs: 1, warmupRequests: 0, steadyMinRequests: 0 };
  const single = mode('single', 100, 1);
  const afterAnotherRun = { ...machine, loadAverageAtStart: [2.7, 1.5, 0.8] as [number, number, number], busyCoresAtStart: 0.04 };
  assert.ok(!fairnessWarnings([single], afterAnotherRun, 2, scenario).some((w) => /busy/.test(w)), 'a high load average alone is no warning');
  const busyNow = { ...machine, busyCoresAtStart: 1.2 };
  assert.ok(fairnessWarnings([single], busyNow, 2, scenario).some((w) => w.startsWith('Other work kept 1.20 of 2 cores busy in the second before the first run')));
});
