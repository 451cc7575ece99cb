import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainTail, tailCandidates } from '../../src/report/explain.js';
import { fmtJain, fmtMs } from '../../src/report/format.js';
import type { ModeReport, PerWorker, RunResult } from '../../src/model/report-model.js';
import { compareFixture } from './fixture.js';

interface Shape {
  mean: number;
  p99: number;
  firstP99: number;
  laterP99: number;
  jain: number;
  workers: PerWorker[];
  rps?: number;
  errors?: number;
}

/** A mode with just the figures explain.ts reads. */
function modeWith(s: Shape): ModeReport {
  const latency = { mean: s.mean, p50: s.mean, p90: s.p99 * 0.9, p95: s.p99 * 0.95, p99: s.p99, max: s.p99 * 1.02 };
  const run: RunResult = {
    target: 'http://127.0.0.1:3002/heavy',
    requests: 1200,
    concurrency: 200,
    completed: 1200,
    errors: { non2xx: 0, socket: 0, timeout: 0, total: 0 },
    totalTimeMs: 6000,
    rps: s.rps ?? 200,
    latencyMs: latency,
    percentileCurve: [],
    perWorker: Object.fromEntries(s.workers.map((w) => [w.worker, w.requests])),
    runnerCpuSeconds: 2,
    connections: [],
    fairness: { jain: s.jain, maxOverMedian: 1 },
    firstVsLater: { first: { count: 200, p50: s.firstP99 / 2, p99: s.firstP99 }, later: { count: 1000, p50: s.laterP99 / 2, p99: s.laterP99 } },
    timeline: [],
  };
  return {
    mode: 'cluster',
    title: 'node:cluster (round-robin)',
    strategy: 'round-robin handoff',
    available: true,
    reason: null,
    workers: s.workers.length,
    coresUsable: Math.min(2, s.workers.length),
    rps: { median: s.rps ?? 200, min: (s.rps ?? 200) - 3, max: (s.rps ?? 200) + 2 },
    speedup: 1.8,
    efficiency: 0.9,
    latencyMs: latency,
    completed: 1200,
    errors: s.errors ?? 0,
    perWorker: s.workers,
    runnerCpuSeconds: 2,
    medianRun: run,
    runsRps: [s.rps ?? 200],
  };
}

const evenWorkers = (mean: number | undefined): PerWorker[] => [
  { worker: '0', requests: 601, cpuSeconds: 6.0, ...(mean === undefined ? {} : { serverMeanMs: mean }) },
  { worker: '1', requests: 599, cpuSeconds: 5.9, ...(mean === undefined ? {} : { serverMeanMs: mean }) },
];

const single = modeWith({ mean: 1720, p99: 1890, firstP99: 1700, laterP99: 1890, jain: 0.99, workers: [{ worker: '0', requests: 1200, cpuSeconds: 10.6 }], rps: 116 });

function effect(m: ModeReport, s?: ModeReport): string | undefined {
  return tailCandidates(m, s)[0]?.effect;
}

describe('explainTail', () => {
  it('blames connection starvation when first requests waited far longer, quoting both p99s and Jain', () => {
    const m = modeWith({ mean: 905, p99: 5832, firstP99: 5879, laterP99: 431, jain: 0.49, workers: evenWorkers(9.9) });
    const text = explainTail(m, single);
    assert.equal(effect(m, single), 'starvation');
    assert.match(text, /^Late connections waited: /);
    for (const figure of ['5879 ms', '431 ms', 'Jain fairness 0.49', '13.6×']) assert.ok(text.includes(figure), `${figure} in ${text}`);
  });

  it('blames queueing behind CPU work when every connection was served alike, quoting p99, Jain and the handler share', () => {
    const m = modeWith({ mean: 936, p99: 1091, firstP99: 1019, laterP99: 1091, jain: 0.998, workers: evenWorkers(10.2) });
    const text = explainTail(m, single);
    assert.equal(effect(m, single), 'queueing');
    assert.match(text, /^Requests queued behind CPU work: /);
    for (const figure of ['p99 1091 ms', 'every connection served fairly (Jain 1.00)', "client's 936 ms mean wait, 10 ms was spent in the handler"]) {
      assert.ok(text.includes(figure), `${figure} in ${text}`);
    }
  });

  it('does not call uneven connections fair', () => {
    const m = modeWith({ mean: 925, p99: 1483, firstP99: 1385, laterP99: 1483, jain: 0.85, workers: evenWorkers(9.6) });
    const text = explainTail(m, single);
    assert.equal(effect(m, single), 'queueing');
    assert.ok(text.includes('connections served unevenly (Jain 0.85)'), text);
    assert.ok(!text.includes('fairly'), text);
  });

  it('blames imbalance when one worker took far more than its share, quoting the shares', () => {
    const workers: PerWorker[] = [
      { worker: '0', requests: 840, cpuSeconds: 7.4, serverMeanMs: 5 },
      { worker: '1', requests: 120, cpuSeconds: 1.1, serverMeanMs: 5 },
      { worker: '2', requests: 120, cpuSeconds: 1.0, serverMeanMs: 5 },
      { worker: '3', requests: 120, cpuSeconds: 1.1, serverMeanMs: 5 },
    ];
    const m = modeWith({ mean: 620, p99: 900, firstP99: 880, laterP99: 900, jain: 0.93, workers });
    const text = explainTail(m, single);
    assert.equal(effect(m, single), 'imbalance');
    for (const figure of ['worker 0 took 70% of requests', '70% of the CPU time', 'fair share of 25%', 'p99 900 ms']) {
      assert.ok(text.includes(figure), `${figure} in ${text}`);
    }
  });

  it('does not call a 2-worker 55/45 split an imbalance', () => {
    const workers: PerWorker[] = [
      { worker: '0', requests: 660, cpuSeconds: 6.6, serverMeanMs: 9.5 },
      { worker: '1', requests: 540, cpuSeconds: 5.4, serverMeanMs: 9.5 },
    ];
    const m = modeWith({ mean: 930, p99: 1100, firstP99: 1000, laterP99: 1100, jain: 0.97, workers });
    assert.equal(effect(m, single), 'queueing');
    assert.ok(!tailCandidates(m, single).some((c) => c.effect === 'imbalance'));
  });

  it('blames the handler when most of the wait was spent in it, quoting both means', () => {
    const m = modeWith({ mean: 40, p99: 55, firstP99: 50, laterP99: 55, jain: 0.99, workers: evenWorkers(32) });
    const text = explainTail(m, single);
    assert.equal(effect(m, single), 'handler');
    for (const figure of ["client's 40 ms mean wait", '32 ms (80%) was spent in the handler', 'p99 55 ms']) {
      assert.ok(text.includes(figure), `${figure} in ${text}`);
    }
  });

  it("estimates the handler's time from single's req/s when workers report none, and says so", () => {
    const m = modeWith({ mean: 1000, p99: 1150, firstP99: 1100, laterP99: 1150, jain: 0.99, workers: evenWorkers(undefined) });
    const text = explainTail(m, single);
    assert.equal(effect(m, single), 'queueing');
    assert.ok(text.includes("1000 / single's 116 req/s"), text);
    assert.ok(text.includes('about 8.6 ms of CPU per request'), text);
    assert.ok(text.includes("the client's 1000 ms mean wait is 116 requests' worth of queue"), text);
    assert.ok(!text.includes('was spent in the handler'), text);
  });

  it('needs first requests at least twice as slow as later ones to call it starvation', () => {
    const mild = modeWith({ mean: 900, p99: 2100, firstP99: 2100, laterP99: 1500, jain: 0.8, workers: evenWorkers(10) });
    assert.equal(effect(mild, single), 'queueing');
    assert.ok(explainTail(mild, single).includes('p99 2100 ms'));
    const starved = modeWith({ mean: 900, p99: 2100, firstP99: 2100, laterP99: 1000, jain: 0.8, workers: evenWorkers(10) });
    assert.equal(effect(starved, single), 'starvation');
    assert.ok(explainTail(starved, single).includes('first-request p99 2100 ms against 1000 ms for later requests (2.1×)'));
  });

  it('reports failures and unavailable modes', () => {
    const failing = modeWith({ mean: 936, p99: 1091, firstP99: 1019, laterP99: 1091, jain: 0.99, workers: evenWorkers(10), errors: 12 });
    assert.match(explainTail(failing, single), /; 12 requests failed\.$/);
    const gone: ModeReport = { ...single, mode: 'reuseport', available: false, reason: 'needs Node >= 22.12' };
    assert.equal(explainTail(gone, single), 'unavailable: needs Node >= 22.12');
  });

  it('tells the fixture modes apart, each with the figures it was built from', () => {
    const { report } = compareFixture();
    const find = (name: string): ModeReport => {
      const m = report.modes.find((x) => x.mode === name);
      assert.ok(m?.medianRun);
      return m;
    };
    const cluster = find('cluster');
    const fv = cluster.medianRun?.firstVsLater;
    assert.ok(fv);
    assert.match(cluster.explanation ?? '', /^Late connections waited/);
    assert.ok(cluster.explanation?.includes(`${fmtMs(fv.first.p99)} ms against ${fmtMs(fv.later.p99)} ms`));
    for (const name of ['single', 'pm2', 'nginx']) {
      const m = find(name);
      assert.match(m.explanation ?? '', /^Requests queued behind CPU work/, name);
      assert.ok(m.explanation?.includes(`p99 ${fmtMs(m.latencyMs.p99)} ms`), name);
      assert.ok(m.explanation?.includes(`Jain ${fmtJain(m.medianRun?.fairness.jain ?? 0)}`), name);
    }
  });
});
