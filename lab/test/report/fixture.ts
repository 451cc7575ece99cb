/**
 * A realistic CompareReport for the report tests, produced by a small
 * discrete-event simulation of the seed's load test (1200 requests of /heavy
 * over 200 keep-alive connections, closed loop) against CPU-bound workers on a
 * 2-core machine. Deterministic (seeded), so figures are stable across runs.
 */

import { explainTail } from '../../src/report/explain.js';
import { SCHEMA_VERSION } from '../../src/model/report-model.js';
import { modeReport, unavailableReport, withSpeedups } from '../../src/mode-report.js';
import { physicalFaults, separationStatements } from '../../src/report/trust.js';
import { INTERVAL_METHOD } from '../../src/model/interval.js';
import type { Repetition } from '../../src/core/runtime.js';
import { jainIndex, maxOverMedian } from '../../src/runner/stats.js';
import type { WorkerDelta } from '../../src/runner/worker-metrics.js';
import { topology, type Mode } from '../../src/topologies.js';
import type {
  CompareReport,
  ConnectionStats,
  LatencySummary,
  MachineInfo,
  ModeReport,
  RunResult,
  Scenario,
} from '../../src/model/report-model.js';

export const SCENARIO: Scenario = {
  path: '/heavy',
  requests: 1200,
  concurrency: 200,
  keepAlive: true,
  timeoutMs: 30_000,
  warmupRequests: 50,
  steadyMinRequests: 0,
};

export const MACHINE: MachineInfo = {
  cores: 2,
  availableParallelism: 2,
  cpuModel: 'Intel(R) Xeon(R) CPU @ 2.20GHz',
  memoryGiB: 7.8,
  nodeVersion: 'v20.20.2',
  appNodeVersion: 'v20.20.2',
  platform: 'linux x64',
  loadAverageAtStart: [0.18, 0.32, 0.27],
  cpuLimit: null,
  generator: "the lab's runner, on this machine beside the app",
};

export const REUSEPORT_REASON = 'server.listen({ reusePort: true }) needs Node >= 22.12 && Linux; the app runs v20.20.2';

/** mulberry32: a tiny seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SimSpec {
  workers: number;
  /** Mean CPU per request on each worker, ms. */
  serviceMs: number[];
  /** Worker of each connection. */
  assign: (conn: number, rnd: () => number) => number;
  /** Connections whose first request is only served once the pool is drawn (starved accepts). */
  late: (conn: number) => boolean;
}

interface RequestRecord {
  conn: number;
  worker: number;
  sentAt: number;
  doneAt: number;
  first: boolean;
  serviceMs: number;
}

interface Pending {
  conn: number;
  sentAt: number;
  first: boolean;
}

type SimEvent = { t: number; kind: 'send'; conn: number; first: boolean } | { t: number; kind: 'done'; worker: number };

/** A binary min-heap of events by time. */
class EventQueue {
  private readonly items: SimEvent[] = [];
  get size(): number {
    return this.items.length;
  }
  push(ev: SimEvent): void {
    const a = this.items;
    a.push(ev);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p];
      const cur = a[i];
      if (!parent || !cur || parent.t <= cur.t) break;
      a[p] = cur;
      a[i] = parent;
      i = p;
    }
  }
  pop(): SimEvent | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if ((a[l]?.t ?? Infinity) < (a[m]?.t ?? Infinity)) m = l;
        if ((a[r]?.t ?? Infinity) < (a[m]?.t ?? Infinity)) m = r;
        if (m === i) break;
        const x = a[i];
        const y = a[m];
        if (!x || !y) break;
        a[i] = y;
        a[m] = x;
        i = m;
      }
    }
    return top;
  }
}

export function simulate(spec: SimSpec, seed: number, total = SCENARIO.requests, concurrency = SCENARIO.concurrency): RequestRecord[] {
  const rnd = prng(seed);
  const assign = Array.from({ length: concurrency }, (_, c) => spec.assign(c, rnd));
  const queues: Pending[][] = Array.from({ length: spec.workers }, () => []);
  const current: (Pending & { serviceMs: number })[] = [];
  const busy: boolean[] = Array.from({ length: spec.workers }, () => false);
  const held: Pending[] = [];
  const records: RequestRecord[] = [];
  const events = new EventQueue();
  let drawn = 0;

  const start = (w: number, t: number): void => {
    const next = queues[w]?.shift();
    if (!next) {
      busy[w] = false;
      return;
    }
    const base = spec.serviceMs[w] ?? 10;
    const service = base * (0.85 + 0.3 * rnd()) + (rnd() < 0.01 ? 20 + 20 * rnd() : 0);
    busy[w] = true;
    current[w] = { ...next, serviceMs: service };
    events.push({ t: t + service, kind: 'done', worker: w });
  };
  const enqueue = (p: Pending, t: number): void => {
    const w = assign[p.conn] ?? 0;
    queues[w]?.push(p);
    if (!busy[w]) start(w, t);
  };
  const draw = (t: number, conn: number, first: boolean): void => {
    drawn++;
    events.push({ t, kind: 'send', conn, first });
  };

  for (let c = 0; c < concurrency && drawn < total; c++) draw(c * 0.25 + rnd() * 0.5, c, true);

  for (let ev = events.pop(); ev; ev = events.pop()) {
    if (ev.kind === 'send') {
      const p = { conn: ev.conn, sentAt: ev.t, first: ev.first };
      if (ev.first && spec.late(ev.conn) && drawn < total) held.push(p);
      else enqueue(p, ev.t);
      continue;
    }
    const done = current[ev.worker];
    if (!done) continue;
    records.push({ conn: done.conn, worker: ev.worker, sentAt: done.sentAt, doneAt: ev.t, first: done.first, serviceMs: done.serviceMs });
    if (drawn < total) {
      draw(ev.t + 0.3, done.conn, false);
      if (drawn >= total) for (const h of held.splice(0)) enqueue(h, ev.t);
    }
    start(ev.worker, ev.t);
  }
  return records;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? 0;
}

function summary(latencies: readonly number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  return {
    mean,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? 0,
  };
}

const CURVE_POINTS = [...Array.from({ length: 100 }, (_, i) => i), 99.5, 99.9, 100];

export function runResult(records: readonly RequestRecord[], target: string, concurrency = SCENARIO.concurrency): RunResult {
  const t0 = Math.min(...records.map((r) => r.sentAt));
  const tEnd = Math.max(...records.map((r) => r.doneAt));
  const totalTimeMs = tEnd - t0;
  const latencies = records.map((r) => r.doneAt - r.sentAt);
  const sorted = [...latencies].sort((a, b) => a - b);
  const perWorker: Record<string, number> = {};
  for (const r of records) perWorker[String(r.worker)] = (perWorker[String(r.worker)] ?? 0) + 1;
  const connections: ConnectionStats[] = Array.from({ length: concurrency }, (_, c) => {
    const mine = records.filter((r) => r.conn === c);
    const first = mine.find((r) => r.first);
    return {
      connectMs: (first?.sentAt ?? 0) - t0,
      firstResponseMs: first ? first.doneAt - t0 : null,
      requests: mine.length,
    };
  });
  const perConn = connections.map((c) => c.requests);
  const firsts = records.filter((r) => r.first).map((r) => r.doneAt - r.sentAt).sort((a, b) => a - b);
  const laters = records.filter((r) => !r.first).map((r) => r.doneAt - r.sentAt).sort((a, b) => a - b);
  return {
    target,
    requests: records.length,
    concurrency,
    completed: records.length,
    errors: { non2xx: 0, socket: 0, timeout: 0, total: 0 },
    totalTimeMs,
    rps: (records.length / totalTimeMs) * 1000,
    latencyMs: summary(latencies),
    percentileCurve: CURVE_POINTS.map((p): [number, number] => [p, percentile(sorted, p)]),
    perWorker,
    runnerCpuSeconds: (totalTimeMs / 1000) * 0.42,
    connections,
    fairness: { jain: jainIndex(perConn), maxOverMedian: maxOverMedian(perConn) },
    firstVsLater: {
      first: { count: firsts.length, p50: percentile(firsts, 50), p99: percentile(firsts, 99) },
      later: { count: laters.length, p50: percentile(laters, 50), p99: percentile(laters, 99) },
    },
    timeline: records
      .map((r): [number, number] => [r.doneAt - t0, r.doneAt - r.sentAt])
      .sort((a, b) => a[0] - b[0]),
  };
}

/** What the workers' own metrics would say over the run: CPU and handler time per worker. */
function workerDeltas(records: readonly RequestRecord[], workers: number): WorkerDelta[] {
  return Array.from({ length: workers }, (_, w) => {
    const mine = records.filter((r) => r.worker === w);
    const busyMs = mine.reduce((s, r) => s + r.serviceMs, 0);
    return {
      worker: String(w),
      cpuSeconds: (busyMs / 1000) * 1.04 + 0.12,
      handlerCount: mine.length,
      handlerMeanMs: busyMs / Math.max(1, mine.length),
    };
  });
}

interface ModeSpec extends SimSpec {
  mode: Mode;
  title: string;
  strategy: string;
  port: number;
}

const REPEAT = 5;

/** The mode's report, built by the lab's own code (mode-report.ts) from simulated repetitions. */
function measuredMode(spec: ModeSpec, seedBase: number): { report: ModeReport; runs: RunResult[] } {
  const sims = Array.from({ length: REPEAT }, (_, i) => simulate(spec, seedBase + i * 7919));
  const reps: Repetition[] = sims.map((records) => ({
    result: runResult(records, `http://127.0.0.1:${spec.port}${SCENARIO.path}`),
    workers: workerDeltas(records, spec.workers),
  }));
  return { runs: reps.map((r) => r.result), report: modeReport(topology(spec.mode), spec.workers, MACHINE, reps) };
}

const roundRobin = (workers: number) => (conn: number): number => conn % workers;

export const MODE_SPECS: readonly ModeSpec[] = [
  { mode: 'single', title: 'single process', strategy: 'one process', port: 3001, workers: 1, serviceMs: [8.6], assign: () => 0, late: () => false },
  // Round-robin handoff, but the primary handed 120 of the 200 connections over only once the pool was drawn.
  { mode: 'cluster', title: 'node:cluster (round-robin)', strategy: 'round-robin handoff', port: 3002, workers: 2, serviceMs: [9.6, 9.7], assign: roundRobin(2), late: (c) => c >= 80 },
  // Accept race: worker 0 won most of the accepts.
  { mode: 'cluster-none', title: 'node:cluster (scheduling none)', strategy: 'OS accept race', port: 3006, workers: 2, serviceMs: [9.4, 9.9], assign: (_c, rnd) => (rnd() < 0.72 ? 0 : 1), late: () => false },
  { mode: 'pm2', title: 'PM2 cluster mode', strategy: 'PM2 round-robin handoff', port: 3003, workers: 2, serviceMs: [9.9, 10.1], assign: roundRobin(2), late: () => false },
  { mode: 'nginx', title: 'nginx upstream (least_conn)', strategy: 'proxy balancing', port: 3004, workers: 2, serviceMs: [10.6, 10.7], assign: roundRobin(2), late: () => false },
];

function unavailableMode(): ModeReport {
  return unavailableReport(topology('reuseport'), 2, REUSEPORT_REASON);
}

export interface Fixture {
  report: CompareReport;
  /** Every repetition's result per measured mode. */
  runs: Map<string, RunResult[]>;
}

let cached: Fixture | undefined;

/** The comparison (built once, then shared; treat it as read-only). */
export function compareFixture(): Fixture {
  if (cached) return cached;
  const measured = MODE_SPECS.map((spec, i) => measuredMode(spec, 1000 + i * 104729));
  const modes = withSpeedups(measured.map(({ report }) => report));
  const single = modes[0];
  const explained = modes.map((m) => ({ ...m, explanation: explainTail(m, single) }));
  const runnerCpu = single?.runnerCpuSeconds ?? 0;
  const report: CompareReport = {
    schemaVersion: SCHEMA_VERSION,
    created: '2025-11-24T22:30:00.000Z',
    runtime: 'native',
    scenario: SCENARIO,
    repeat: REPEAT,
    machine: MACHINE,
    modes: [...explained, unavailableMode()],
    intervalMethod: INTERVAL_METHOD,
    statements: separationStatements(explained),
    faults: physicalFaults(explained, MACHINE),
    warnings: [
      `the load generator shares the machine's 2 cores with the app: it used ${runnerCpu.toFixed(1)} CPU s per single run, so no multi-process mode can reach 2× single`,
      'reuseport: unavailable on this machine, left out of the charts',
    ],
  };
  cached = { report, runs: new Map(measured.map(({ report: r, runs }) => [r.mode, runs])) };
  return cached;
}
