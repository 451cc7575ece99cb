/**
 * The re-warm before a repetition stops when every process is back at its warm cost, and
 * never takes more windows than the warm-up did (a process that never gets back would
 * otherwise cost the full time cap before every repetition).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rewarm } from '../../src/core/warm-up.js';
import type { Runtime, Target } from '../../src/core/runtime.js';
import type { Scenario } from '../../src/model/report-model.js';
import type { WarmUpReport } from '../../src/steady/steady-state.js';

/** One process whose CPU per request is `costMs(window)` in each window of load. */
function processAt(costMs: (window: number) => number): { runtime: Runtime; windows: () => number } {
  let window = 0;
  let cpuSeconds = 0;
  let handled = 0;
  const runtime = {
    readProcesses: () => Promise.resolve([{ worker: '0', cpuSeconds, handlerSeconds: 0, handlerCount: handled }]),
    load: (_t: Target, requests: number) => {
      window++;
      handled += requests;
      cpuSeconds += (requests * costMs(window)) / 1000;
      return Promise.resolve();
    },
  } as unknown as Runtime;
  return { runtime, windows: () => window };
}

const target: Target = { mode: 'single', workers: 1, url: 'http://127.0.0.1:1' };
const scenario = { warmupRequests: 100 } as Scenario;
const warm = (windows: number): WarmUpReport => ({ stable: true, requests: windows * 100, windows, seconds: 1, tolerance: 0.1, reference: [{ worker: '0', cpuPerRequestMs: 1.65 }], text: '' });

test('a process back at its warm cost: one window', async () => {
  const p = processAt(() => 1.66);
  assert.equal(await rewarm(p.runtime, target, scenario, warm(30)), 1);
});

test('a process that lost its optimised code gets back within the windows the warm-up took', async () => {
  const p = processAt((w) => (w < 5 ? 3.0 : 1.65));
  assert.equal(await rewarm(p.runtime, target, scenario, warm(30)), 5);
});

test('a process that never gets back: as many windows as the warm-up took, not the time cap', async () => {
  const p = processAt(() => 3.0);
  assert.equal(await rewarm(p.runtime, target, scenario, warm(3)), 3);
  assert.equal(p.windows(), 3);
});

test('no warm-up (WARMUP=0): no re-warm', async () => {
  const p = processAt(() => 3.0);
  assert.equal(await rewarm(p.runtime, target, scenario, null), 0);
  assert.equal(p.windows(), 0);
});
