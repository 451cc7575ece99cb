/**
 * What only some runtimes run is a capability of the one Runtime interface: a stand-in
 * runtime that declares `scale` gets the command every real one gets (each size started,
 * repeated, stopped, one report through the output step, the runtime closed), and a
 * runtime without a capability is refused in one line naming it and the runtimes that run it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UsageError } from '../../src/config/usage-error.js';
import type { Runtime, RuntimeName } from '../../src/core/runtime.js';
import type { MachineInfo } from '../../src/model/report-model.js';
import type { ScaleReport } from '../../src/model/scale.js';

const results = mkdtempSync(join(tmpdir(), 'lab-capabilities-'));
after(() => rmSync(results, { recursive: true, force: true }));
process.env['RESULTS_DIR'] = results; // read once when paths.ts loads, below
const { scale } = await import('../../src/commands/scale.js');
const { requireCapability } = await import('../../src/commands/capability.js');

const scenario = { path: '/heavy', requests: 40, concurrency: 4, keepAlive: true, timeoutMs: 1000, warmupRequests: 8, steadyMinRequests: 0 };
const machine: MachineInfo = {
  cores: 2, availableParallelism: 2, cpuModel: 'x', memoryGiB: 1, nodeVersion: '20', appNodeVersion: '24', platform: 'linux x64',
  loadAverageAtStart: [0, 0, 0], cpuLimit: null, generator: 'a stand-in',
};

/** A runtime that runs compare, bench and the stack commands, and declares no capability. */
function bare(name: RuntimeName, calls: string[] = []): Runtime {
  const none = (): Promise<never> => Promise.reject(new Error('not used here'));
  return {
    name,
    workers: () => Promise.resolve(2),
    machine: () => Promise.resolve(machine),
    unavailability: () => Promise.resolve(null),
    start: none,
    load: none,
    readProcesses: none,
    ownership: () => ({ stack: 'stand-in', roots: () => [] }),
    measure: none,
    monitoring: () => Promise.resolve({ grafana: null, prometheus: null }),
    close: () => {
      calls.push('close');
      return Promise.resolve();
    },
    up: () => Promise.resolve(),
    down: () => Promise.resolve(),
    ps: () => Promise.resolve(),
    logs: () => Promise.resolve(),
  };
}

test('scale: each size started, repeated REPEAT times and stopped, one report written through the output step, the runtime closed', async () => {
  const calls: string[] = [];
  const runtime = {
    ...bare('native', calls),
    scale: {
      start: (mode: string, workers: number) => {
        calls.push(`start ${mode} ${workers}`);
        return Promise.resolve({
          measure: (round: number) => {
            calls.push(`measure ${workers}`);
            return Promise.resolve({ round, rps: 100 * workers + round, p99Ms: 10, errors: 0, cpuPerRequestMs: 1 });
          },
          stop: () => {
            calls.push(`stop ${workers}`);
            return Promise.resolve();
          },
        });
      },
    },
  };
  const report = await scale(runtime, 'cluster', { scenario, maxWorkers: 2, repeat: 2 });
  assert.deepEqual(calls, ['start cluster 1', 'measure 1', 'measure 1', 'stop 1', 'start cluster 2', 'measure 2', 'measure 2', 'stop 2', 'close']);
  const written = JSON.parse(readFileSync(join(results, 'scale.json'), 'utf8')) as ScaleReport;
  assert.deepEqual(written, report);
  assert.equal(report.runtime, 'native');
  assert.equal(report.repeat, 2);
  assert.deepEqual(report.points.map((p) => [p.workers, p.runs]), [[1, [101, 102]], [2, [201, 202]]]);
  assert.ok(existsSync(join(results, 'scale.html')));
});

test('scale: an unavailable mode starts nothing and still closes the runtime', async () => {
  const calls: string[] = [];
  const runtime = { ...bare('native', calls), unavailability: () => Promise.resolve('nginx is not installed'), scale: { start: () => Promise.reject(new Error('started')) } };
  await assert.rejects(scale(runtime, 'nginx', { scenario, maxWorkers: 2, repeat: 1 }), (e: Error) => e.message === 'MODE=nginx is unavailable here: nginx is not installed');
  assert.deepEqual(calls, ['close']);
});

test('a runtime without the capability is refused in one line naming it and the runtimes that run the command', () => {
  const refused = (name: RuntimeName, capability: 'sweep' | 'scale', runners: RuntimeName[]): string => {
    try {
      requireCapability(bare(name), capability, runners);
    } catch (e) {
      assert.ok(e instanceof UsageError);
      return e.message;
    }
    return 'accepted';
  };
  assert.equal(refused('docker', 'scale', ['native']), 'RUNTIME=docker is not accepted by scale (it changes WORKERS per size, which Docker sets only by `make up WORKERS=n`): run it with RUNTIME=native');
  assert.equal(refused('swarm', 'scale', ['native']), 'RUNTIME=swarm is not accepted by scale (it changes WORKERS per size, which Docker sets only by `make up WORKERS=n`): run it with RUNTIME=native');
  assert.equal(refused('native', 'sweep', ['docker']), 'RUNTIME=native is not accepted by sweep: run it with RUNTIME=docker');
  const declared = { ...bare('native'), scale: { start: () => Promise.reject(new Error('not used')) } };
  assert.equal(requireCapability(declared, 'scale', ['native']), declared);
});
