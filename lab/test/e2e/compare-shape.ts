/**
 * The one assertion both end-to-end compare tests make (native in e2e/lab.test.ts, Docker
 * in e2e-docker/docker-stack.test.ts): the same report model, field for field, whichever
 * runtime ran the topologies; only figures and the runtime's own facts differ.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_VERSION, type CompareReport, type RuntimeName } from '../../src/model/report-model.js';
import { MODES } from '../../src/topologies.js';
import { MIN_SECONDS } from '../../src/noise/interference.js';

const REPORT_KEYS = ['created', 'faults', 'intervalMethod', 'machine', 'modes', 'repeat', 'runtime', 'scenario', 'schemaVersion', 'statements', 'warnings'].sort();
const MACHINE_KEYS = ['appNodeVersion', 'availableParallelism', 'busyCoresAtStart', 'cores', 'cpuLimit', 'cpuModel', 'generator', 'loadAverageAtStart', 'memoryGiB', 'nodeVersion', 'platform'].sort();
const MODE_KEYS = [
  'available', 'ceiling', 'completed', 'coresUsable', 'efficiency', 'errors', 'explanation', 'intervals', 'latencyMs', 'medianRun', 'mode',
  'perWorker', 'reason', 'repetitions', 'rps', 'runnerCpuSeconds', 'runsRps', 'speedup', 'stopped', 'strategy', 'title', 'verdictHeld', 'warmUp', 'workers',
].sort();
const RUN_KEYS = [
  'completed', 'concurrency', 'connections', 'errors', 'fairness', 'firstVsLater', 'keepAlive', 'latencyMs', 'perWorker',
  'percentileCurve', 'requests', 'rps', 'runnerCpuSeconds', 'target', 'timeline', 'timeoutMs', 'totalTimeMs',
].sort();
const sorted = (o: object): string[] => Object.keys(o).sort();

/** One casing: every key of the report is camelCase (or a worker label). */
function snakeKeys(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => snakeKeys(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [...(/^[a-z][a-zA-Z0-9]*$|^\d+$|^\?$/.test(k) ? [] : [`${path}.${k}`]), ...snakeKeys(v, `${path}.${k}`)]);
}

export interface Expected {
  runtime: RuntimeName;
  requests: number;
  /** Modes the runtime cannot run here, each with its one-line reason. */
  unavailable: readonly string[];
}

/** Reads compare.json and compare.html from dir and checks the report model; returns the report. */
export function assertCompareReport(dir: string, stdout: string, expected: Expected): CompareReport {
  const report = JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8')) as CompareReport;
  const html = readFileSync(join(dir, 'compare.html'), 'utf8');
  assert.ok(existsSync(join(dir, 'compare.html')));
  assert.deepEqual(sorted(report), REPORT_KEYS);
  assert.equal(report.schemaVersion, SCHEMA_VERSION);
  assert.deepEqual(snakeKeys(report), [], 'one casing');
  assert.equal(report.runtime, expected.runtime);
  assert.deepEqual(sorted(report.machine), MACHINE_KEYS);
  assert.equal(report.machine.cpuLimit === null, expected.runtime === 'native', 'a CPU limit in Docker only');
  assert.deepEqual(report.modes.map((m) => m.mode).sort(), [...MODES].sort());
  for (const m of report.modes) {
    assert.match(stdout, new RegExp(`\\b${m.mode}\\b`), `${m.mode} in the terminal table`);
    if (expected.unavailable.includes(m.mode)) {
      assert.equal(m.available, false, `${m.mode} unavailable`);
      assert.match(m.reason ?? '', /^\S.*[^\n]$/, `${m.mode}: one line saying why`);
      continue;
    }
    assert.equal(m.available, true, `${m.mode} available (${m.reason ?? ''})`);
    assert.deepEqual(sorted(m), MODE_KEYS, `${m.mode}: the report's fields`);
    assert.equal(m.errors, 0, `${m.mode} errors`);
    assert.equal(m.completed, expected.requests, `${m.mode} completed`);
    const serving = m.perWorker.filter((w) => w.requests > 0).map((w) => w.worker);
    const everyWorker = Array.from({ length: m.workers }, (_, i) => i);
    // The OS accept race (cluster-none) can hand every connection of a short keep-alive run
    // to one worker (the unfairness the lab reports): there, every worker is listed and one serves at least.
    if (m.mode === 'cluster-none') assert.ok(serving.length >= 1 && m.perWorker.length === m.workers, `${m.mode}: its workers listed, one serving at least`);
    else assert.deepEqual(serving, everyWorker, `${m.mode}: every worker served requests`);
    assert.ok(m.perWorker.every((w) => w.cpuSeconds > 0), `${m.mode}: every worker's CPU was read`);
    const run = m.medianRun;
    assert.ok(run);
    assert.deepEqual(sorted(run), RUN_KEYS, `${m.mode}: the median run's fields`);
    assert.ok(run.connections.length > 0 && run.fairness.jain > 0, `${m.mode}: per-connection fairness`);
    assert.ok(run.firstVsLater.first.count > 0, `${m.mode}: first request on a connection against later ones`);
    assert.ok(typeof m.ceiling === 'number' && m.ceiling > 0, `${m.mode}: the machine's limit`);
    assert.ok(html.includes(m.title), `${m.mode} in compare.html`);
    assert.equal(m.warmUp?.reference.length, m.workers, `${m.mode}: every serving process warmed, its cost read`);
    assert.ok(m.warmUp.reference.every((r) => (r.cpuPerRequestMs ?? 0) > 0), `${m.mode}: a warm cost per process`);
    assert.equal(m.intervals?.rps.n, m.runsRps.length, `${m.mode}: the interval is over the runs in the figures`);
    // A run shorter than the meter's resolution (MIN_SECONDS) has no interference figure; every longer one has.
    const reps = m.repetitions ?? [];
    assert.ok(reps.length >= m.runsRps.length, `${m.mode}: every run recorded`);
    for (const r of reps) assert.ok(r.interference !== null || expected.requests / r.rps < MIN_SECONDS + 0.25, `${m.mode}: interference read over a ${(expected.requests / r.rps).toFixed(2)} s run`);
    assert.match(m.stopped ?? '', /repetitions/, `${m.mode}: what stopped its repetitions`);
  }
  assert.ok(html.includes('id="trust"'), 'the trust sections in compare.html');
  assert.equal(report.modes.find((m) => m.mode === 'single')?.speedup, 1);
  return report;
}
