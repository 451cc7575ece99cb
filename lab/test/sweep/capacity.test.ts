/**
 * The sweep's capacity search (runCurve: open-model steps on real sockets, settled
 * between steps) against a server with a known service time and slots: S = 50 ms,
 * K = 2, so μ = K / S = 40 req/s exactly (slot-server.ts keeps its schedule on its own
 * clock). Slow on purpose: the objective (150 ms) leaves 100 ms for a shared machine's
 * stalls above the service time.
 *
 * Evenly spaced arrivals and a fixed service time (D/D/2) do not queue below μ; above it
 * the backlog grows by (λ − μ) per second. A 2 s step can therefore still pass a little
 * above μ: its p99 request (arriving at 1.98 s) waits (λ − μ)·1.98/μ s, under the 100 ms
 * of slack while λ < μ + 0.1·40/1.98 ≈ 42 req/s. From the ladder 20, 36, 52 at a
 * resolution of 5 the bisection tries 44 (a miss by ~100 ms whatever the noise) and 40,
 * so the interval must contain μ itself: 36–40 or 40–44.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSweepTable } from '../../src/report/sweep-terminal.js';
import { runOpenLoad } from '../../src/runner/open-model.js';
import { runCurve, type CurveOptions, type StepRunner } from '../../src/sweep/run-curve.js';
import { capacityFaults, summarizeCurve } from '../../src/sweep/summarize.js';
import type { SweepReport } from '../../src/model/sweep.js';
import { MACHINE } from '../report/fixture.js';
import { startSlotServer, type SlotServer } from './slot-server.js';

const SERVICE_MS = 50;
const SLOTS = 2;
const MU = (1000 * SLOTS) / SERVICE_MS;
const SLO_MS = 150;

function options(server: SlotServer, extra: Partial<CurveOptions> = {}): CurveOptions {
  return {
    url: server.url('/work'), settleUrl: server.url('/ping'), ladder: [20, 36, 52], resolution: 5, probeRps: null, stepSeconds: 2, connections: 50, sloP99Ms: SLO_MS, ...extra,
  };
}

const describeSteps = (steps: { offeredRps: number; runs: { meetsObjective: boolean; p99Ms: number }[] }[]): string =>
  steps.map((s) => `${s.offeredRps}: ${s.runs.map((r) => `${r.meetsObjective ? '✓' : '✗'}${Math.round(r.p99Ms)}`).join(' ')}`).join('; ');

describe('capacity search against a server of known capacity', () => {
  it('the interval contains slots / service time, both ends confirmed by a repeat', async () => {
    const server = await startSlotServer({ serviceMs: SERVICE_MS, slots: SLOTS });
    try {
      const curve = await runCurve(options(server));
      const { low, high, fault } = curve.capacity;
      const steps = describeSteps(curve.steps);
      assert.equal(fault, null);
      assert.ok(low !== null && high !== null && low <= MU && MU <= high, `capacity ${low}–${high} should contain ${MU} (${steps})`);
      assert.ok(high - low <= 5, `bisected to the resolution: ${low}–${high}`);
      for (const end of [low, high]) assert.ok((curve.steps.find((s) => s.offeredRps === end)?.runs.length ?? 0) >= 2, `${end} confirmed by a repeat (${steps})`);
      assert.deepEqual(curve.steps.map((s) => s.offeredRps), [...curve.steps.map((s) => s.offeredRps)].sort((a, b) => a - b), 'one step per rate, ascending');
    } finally {
      await server.close();
    }
  });

  it('a step made slow on purpose below capacity is repeated, and the result stays monotone', async () => {
    // The first run at 36 req/s: the server stalls 400 ms in it (as when another job takes the cores).
    const server = await startSlotServer({ serviceMs: SERVICE_MS, slots: SLOTS });
    let slowed = false;
    const runStep: StepRunner = async (request) => {
      let stall: NodeJS.Timeout | undefined;
      const result = await runOpenLoad({
        url: server.url('/work'),
        ...request,
        onScheduleStart: () => {
          if (request.rate === 36 && !slowed) {
            slowed = true;
            stall = setTimeout(() => server.pause(400), 500);
          }
        },
      });
      clearTimeout(stall);
      return { result, cpu: null };
    };
    try {
      const curve = await runCurve(options(server, { runStep }));
      const steps = describeSteps(curve.steps);
      const slowRate = curve.steps.find((s) => s.offeredRps === 36);
      assert.deepEqual(slowRate?.runs.map((r) => r.meetsObjective), [false, true, true], `36: the slow run missed, two repeats met (${steps})`);
      assert.equal(slowRate.meetsObjective, true);
      const { low, high } = curve.capacity;
      assert.ok(low !== null && high !== null && low <= MU && MU <= high, `capacity ${low}–${high} should contain ${MU} (${steps})`);
      const missesBelow = curve.steps.filter((s) => s.offeredRps < low && !s.meetsObjective);
      assert.deepEqual(missesBelow.map((s) => s.offeredRps), [], `no confirmed miss below the capacity (${steps})`);
    } finally {
      await server.close();
    }
  });

  it('a capacity above the closed-loop probe is reported as a measurement fault, in the report and the terminal', async () => {
    // A wrong probe: 30 req/s, while the server carries 36 within the objective.
    const server = await startSlotServer({ serviceMs: SERVICE_MS, slots: SLOTS });
    try {
      const curve = await runCurve(options(server, { ladder: [20, 36], probeRps: 30 }));
      assert.equal(curve.capacity.low, 36);
      assert.ok(curve.capacity.fault?.includes('above the 30 req/s this topology carried in its closed-loop probe'), String(curve.capacity.fault));
      const t = summarizeCurve({ mode: 'single', title: 'single process', workers: 1, probeRps: 30 }, curve);
      const report: SweepReport = {
        created: '2026-12-04T00:00:00.000Z', runtime: 'native', generator: 'test', machine: MACHINE, path: '/work', sloP99Ms: SLO_MS, stepSeconds: 2,
        connections: 50, ratesFrom: 'RATES', topologies: [t], faults: capacityFaults(t), warnings: [],
      };
      assert.equal(report.faults.length, 1);
      const text = formatSweepTable(report);
      assert.match(text, /MEASUREMENT FAULTS/);
      assert.match(text, /single: measurement fault: the objective held at 36 req\/s/);
      assert.match(text, /single: no capacity: a measurement fault/);
      assert.doesNotMatch(text, /capacity 36/);
    } finally {
      await server.close();
    }
  });
});
