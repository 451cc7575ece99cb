/** The capacity as the sweep's report shows it: the interval, the runs that confirm its ends, a fault in place of a capacity. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capacityCell, capacityLines, confirmedBy, objectiveCell, probeCell } from '../../src/report/sweep-table.js';
import type { StepRun, SweepStep, SweepTopology } from '../../src/model/sweep.js';
import { stepFromK6 } from '../../src/sweep/k6-step.js';
import { upperEnd } from '../../src/sweep/capacity-search.js';

function step(rate: number, verdicts: boolean[], p99s: (number | null)[]): SweepStep {
  const runs: StepRun[] = verdicts.map((m, i) => ({ order: i + 1, purpose: i === 0 ? 'bisect' : 'repeat', p99Ms: p99s[i] ?? 999, objectiveP99Ms: p99s[i] ?? null, meetsObjective: m }));
  const base = stepFromK6({ offeredRps: rate, achievedRps: rate, sent: rate, failed: 0, dropped: 0, durationMs: 1000, connections: 8, latencyMs: { count: rate, mean: 5, p50: 5, p90: 8, p99: p99s.at(-1) ?? 999, p999: 12, max: 13 } });
  return { ...base, meetsObjective: verdicts.at(-1) ?? false, objectiveP99Ms: p99s.at(-1) ?? null, runs, cpu: null };
}

function topology(low: number | null, high: number | null, probes: number[], fault: string | null): SweepTopology {
  return {
    mode: 'cluster', title: 'c', workers: 2, available: true, probeRps: Math.max(...probes), knee: null, skippedRates: [], cpuPerRequestMs: null, cpuNotMeasured: [], cpuVsSingle: null, generatorCpuPerRequestUs: null,
    steps: [step(560, [false, true, true], [900, 40, 52]), step(600, [false, false], [300, null])],
    capacity: { low, high, resolution: 20, probeRps: Math.max(...probes), probes, fault, upper: upperEnd(low, high, Math.max(...probes)) },
  };
}

test('the capacity cell: an interval, an open end, or FAULT', () => {
  const c = { low: 560, high: 600, resolution: 20, probeRps: 633, probes: [633], fault: null, upper: 600 };
  assert.equal(capacityCell(c), '560–600');
  assert.equal(capacityCell({ ...c, high: null, upper: null }), '≥ 560');
  assert.equal(capacityCell({ ...c, low: null }), '< 600');
  assert.equal(capacityCell({ ...c, fault: 'x' }), 'FAULT');
  assert.equal(capacityCell(null), '–');
});

test('a miss above the closed-loop maximum bounds nothing: the upper end is the maximum', () => {
  assert.equal(upperEnd(612, 643, 612), 612);
  assert.equal(upperEnd(560, 643, 612), 612);
  assert.equal(upperEnd(560, 600, 633), 600);
  assert.equal(upperEnd(560, null, 633), null);
  assert.equal(upperEnd(620, 643, 612), 620); // never below the confirmed pass (that is a fault's case)
  const held = { low: 612, high: 643, resolution: 31, probeRps: 612, probes: [612], fault: null, upper: 612 };
  assert.equal(capacityCell(held), '612 (max)');
  assert.equal(capacityCell({ ...held, low: 580 }), '580–612 (max)');
  assert.equal(capacityCell({ ...held, low: 616, upper: 617.4 }), '616–617 (max)');
  assert.equal(capacityCell({ ...held, low: 1164, upper: 1164.3 }), '1164 (max)');
  const t = { ...topology(560, 600, [560], null) };
  assert.deepEqual(capacityLines({ topologies: [t], sloP99Ms: 100 }), [
    'cluster: capacity at p99 ≤ 100 ms: 560 req/s, up to its closed-loop maximum (560 met in 2 of 3 runs, 600 missed twice; bisected to 20 req/s; closed-loop probe 560 req/s)',
  ]);
});

test('the ends are shown with the runs that confirm them, and each rate run more than once lists its runs', () => {
  const t = topology(560, 600, [633], null);
  assert.equal(confirmedBy(t), '560 ✗✓✓, 600 ✗✗');
  assert.deepEqual(capacityLines({ topologies: [t], sloP99Ms: 100 }), [
    'cluster: capacity at p99 ≤ 100 ms: 560–600 req/s (560 met in 2 of 3 runs, 600 missed twice; bisected to 20 req/s; closed-loop probe 633 req/s)',
  ]);
  const [met, missed] = t.steps;
  assert.ok(met && missed);
  assert.equal(objectiveCell(met), 'met in 2 of 3 runs (✗ p99 900, ✓ p99 40, ✓ p99 52)');
  assert.equal(objectiveCell(missed), 'missed twice (✗ p99 300, ✗ over 1% unanswered)');
});

test('a fault has no capacity in the sentence, and both probes are shown when the search probed again', () => {
  const t = topology(600, null, [500, 520], 'the objective held at 600 req/s …');
  assert.deepEqual(capacityLines({ topologies: [t], sloP99Ms: 100 }), ['cluster: no capacity: a measurement fault (below); closed-loop probe 500, then 520 req/s']);
  assert.equal(probeCell(t), '500, 520');
});
