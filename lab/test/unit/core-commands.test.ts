/**
 * compare and bench are written once against the Runtime interface: a stand-in runtime
 * (no process, no container) gets the warm-up, the interleaved repetitions and the
 * report model every real runtime gets, and what it cannot run is one line in the report.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Runtime } from '../../src/core/runtime.js';
import type { CompareReport, MachineInfo, RunResult, Scenario } from '../../src/model/report-model.js';
import { workerCount, topology, type Mode } from '../../src/topologies.js';

const results = mkdtempSync(join(tmpdir(), 'lab-core-'));
after(() => rmSync(results, { recursive: true, force: true }));
process.env['RESULTS_DIR'] = results; // read once when paths.ts loads, below
const { bench } = await import('../../src/commands/bench.js');
const { compare } = await import('../../src/commands/compare.js');

const scenario: Scenario = { path: '/heavy', requests: 40, concurrency: 4, keepAlive: true, timeoutMs: 1000, warmupRequests: 8, steadyMinRequests: 12_000 };
const machine: MachineInfo = {
  cores: 2, availableParallelism: 2, cpuModel: 'x', memoryGiB: 1, nodeVersion: '20', appNodeVersion: '24', platform: 'linux x64',
  loadAverageAtStart: [0, 0, 0], cpuLimit: null, generator: 'a stand-in',
};

function run(mode: Mode, workers: number, rps: number): RunResult {
  const perWorker = Object.fromEntries(Array.from({ length: workers }, (_, i) => [String(i), 40 / workers]));
  const half = { count: 4, p50: 5, p99: 9 };
  return {
    target: `http://stand-in/${mode}`, requests: 40, concurrency: 4, completed: 40, errors: { non2xx: 0, socket: 0, timeout: 0, total: 0 },
    totalTimeMs: (40 / rps) * 1000, rps, latencyMs: { mean: 5, p50: 5, p90: 8, p95: 9, p99: 10, max: 11 }, percentileCurve: [[50, 5], [100, 11]],
    perWorker, runnerCpuSeconds: 0.01, connections: [1, 2, 3, 4].map(() => ({ connectMs: 1, firstResponseMs: 5, requests: 10 })),
    fairness: { jain: 1, maxOverMedian: 1 }, firstVsLater: { first: half, later: { ...half, count: 36 } }, timeline: [[5, 5]],
  };
}

function standIn(unavailable: Partial<Record<Mode, string>> = {}): { runtime: Runtime; calls: string[] } {
  const calls: string[] = [];
  const served = new Map<Mode, number>();
  const runtime: Runtime = {
    name: 'native',
    workers: () => Promise.resolve(2),
    machine: () => Promise.resolve(machine),
    unavailability: (mode) => Promise.resolve(unavailable[mode] ?? null),
    start: (mode) => {
      calls.push(`start ${mode}`);
      return Promise.resolve({ mode, workers: workerCount(topology(mode), 2), url: `http://stand-in/${mode}` });
    },
    // Warm-up windows: each process has served 12,000 requests already and costs 1 ms of CPU per request.
    load: (target, requests) => {
      if (calls.at(-1) !== `warm ${target.mode}`) calls.push(`warm ${target.mode}`);
      served.set(target.mode, (served.get(target.mode) ?? 12_000 * target.workers) + requests);
      return Promise.resolve();
    },
    readProcesses: (target) => {
      const n = (served.get(target.mode) ?? 12_000 * target.workers) / target.workers;
      return Promise.resolve(Array.from({ length: target.workers }, (_, i) => ({ worker: String(i), cpuSeconds: n / 1000, handlerSeconds: n / 1000, handlerCount: n })));
    },
    ownership: () => ({ stack: 'stand-in', roots: () => [] }),
    measure: (target) => {
      calls.push(`measure ${target.mode}`);
      const workers = Array.from({ length: target.workers }, (_, i) => ({ worker: String(i), cpuSeconds: 0.1, handlerCount: 100, handlerMeanMs: 5 }));
      return Promise.resolve({ result: run(target.mode, target.workers, target.mode === 'single' ? 100 : 180), workers });
    },
    monitoring: () => Promise.resolve({ grafana: 'http://grafana.stand-in:3000', prometheus: null }),
    close: () => {
      calls.push('close');
      return Promise.resolve();
    },
    up: () => Promise.resolve(),
    down: () => Promise.resolve(),
    ps: () => Promise.resolve(),
    logs: () => Promise.resolve(),
  };
  return { runtime, calls };
}

test('compare: each mode started, then warmed and repeated one after the other, one report written, the runtime closed', async () => {
  const { runtime, calls } = standIn({ reuseport: 'needs Node 22.12+' });
  // The report goes to stdout as it would for a user (replacing process.stdout.write would also swallow this test's own result).
  const report = await compare(runtime, { scenario, repeat: 2, modes: ['cluster', 'reuseport'] });
  assert.deepEqual(calls, [
    // One topology after the other, warmed right before its repetitions; every repetition is
    // preceded by a window that checks the processes are still at their warm cost.
    'start single', 'start cluster',
    'warm single', 'measure single', 'warm single', 'measure single',
    'warm cluster', 'measure cluster', 'warm cluster', 'measure cluster',
    'close',
  ]);
  const written = JSON.parse(readFileSync(join(results, 'compare.json'), 'utf8')) as CompareReport;
  assert.deepEqual(written, report);
  assert.deepEqual(report.modes.map((m) => [m.mode, m.available]), [['single', true], ['cluster', true], ['reuseport', false]]);
  assert.equal(report.modes[2]?.reason, 'needs Node 22.12+');
  assert.equal(report.modes[1]?.speedup, 1.8);
  assert.deepEqual(report.modes[1]?.perWorker.map((w) => [w.worker, w.requests, w.cpuSeconds]), [[0, 20, 0.1], [1, 20, 0.1]]);
});

test('bench: REPEAT runs of one mode, its JSON written; an unavailable mode starts nothing', async () => {
  const { runtime, calls } = standIn({ nginx: 'nginx is not installed' });
  const report = await bench(runtime, 'pm2', { scenario, repeat: 3 });
  assert.equal(report.runsRps.length, 3);
  await assert.rejects(bench(runtime, 'nginx', { scenario, repeat: 1 }), (e: Error) => e.message === 'MODE=nginx is unavailable here: nginx is not installed');
  assert.deepEqual(calls, ['start pm2', 'warm pm2', 'measure pm2', 'warm pm2', 'measure pm2', 'warm pm2', 'measure pm2', 'close']);
  assert.ok(readdirSync(results).some((f) => f.endsWith('-pm2.json')));
});
