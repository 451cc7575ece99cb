/**
 * Steady state on real processes whose CPU per request changes after a known count:
 * a warm-up that must serve past the change ends on the new cost; one that stops on the
 * first plateau leaves the change to the measurement, where it is flagged as drift.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { warmUp } from '../../src/runner/warm-up.js';
import { snapshot } from '../../src/runner/worker-metrics.js';
import { costs, drift, isStable, warmToSteadyState, type SteadyTarget } from '../../src/steady/steady-state.js';

const children: ChildProcess[] = [];
after(() => {
  for (const c of children) c.kill('SIGKILL');
});

async function costServer(beforeMs: number, afterMs: number, switchAt: number): Promise<{ app: number; metrics: number }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./cost-server.js', import.meta.url)), String(beforeMs), String(afterMs), String(switchAt)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return JSON.parse(line) as { app: number; metrics: number };
}

/** Two serving processes, each sent half of every window (as a 2-worker topology's are). */
async function twoProcesses(beforeMs: number, afterMs: number, switchAt: number): Promise<SteadyTarget & { urls: string[]; metrics: string[] }> {
  const servers = await Promise.all([costServer(beforeMs, afterMs, switchAt), costServer(beforeMs, afterMs, switchAt)]);
  const urls = servers.map((s) => `http://127.0.0.1:${s.app}/`);
  const metrics = servers.map((s) => `http://127.0.0.1:${s.metrics}/metrics`);
  return {
    urls,
    metrics,
    processes: 2,
    load: async (n) => {
      await Promise.all(urls.map((u) => warmUp(u, Math.ceil(n / 2), 4)));
    },
    read: () => Promise.all(metrics.map(snapshot)),
  };
}

const plan = { windowPerProcess: 100, stableWindows: 3, tolerance: 0.15, capMs: 60_000 };

test('a warm-up that must serve past a cost change ends on the new cost, in every process', async () => {
  const target = await twoProcesses(2, 1, 400);
  const report = await warmToSteadyState(target, { ...plan, minPerProcess: 600 });
  assert.ok(report.stable, report.text);
  assert.ok(report.requests / 2 >= 600, `each process served past the change: ${report.requests} requests in all`);
  for (const r of report.reference) {
    assert.ok(r.cpuPerRequestMs !== null && r.cpuPerRequestMs > 0.7 && r.cpuPerRequestMs < 1.4, `worker reference ${r.cpuPerRequestMs} ms is the cost after the change (1 ms)`);
  }
});

test('a warm-up that stops on the first plateau leaves the change to the measurement, which flags it as drift', async () => {
  const target = await twoProcesses(2, 1, 500);
  const report = await warmToSteadyState(target, { ...plan, minPerProcess: 0 });
  assert.ok(report.stable, report.text);
  assert.ok(report.requests / 2 < 500, 'stopped before the change');
  for (const r of report.reference) assert.ok(r.cpuPerRequestMs !== null && r.cpuPerRequestMs > 1.5, `reference ${r.cpuPerRequestMs} ms is the cost before the change (2 ms)`);
  // A "measured repetition" that crosses the change: 400 more requests per process.
  const before = await target.read();
  await target.load(800);
  const measured = costs(before, await target.read());
  const drifted = drift(report.reference, measured, report.tolerance);
  assert.equal(drifted.length, 2, `both processes drifted: ${JSON.stringify(drifted)}`);
  for (const d of drifted) assert.ok(d.change < -0.15, `cheaper than the warm cost: ${d.change}`);
});

test('stability: k windows within the tolerance of their median; a missing window is not stable', () => {
  assert.equal(isStable([3, 2.1, 2.0, 2.05], 3, 0.1), true);
  assert.equal(isStable([2.0, 2.5, 2.0], 3, 0.1), false);
  assert.equal(isStable([2.0, null, 2.0], 3, 0.1), false);
  assert.equal(isStable([2.0, 2.0], 3, 0.1), false);
});

test("the runner CLI's --steady-window runs the whole warm-up where the processes are and writes its report (the Docker runtime's one container)", async () => {
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const server = await costServer(2, 1, 300);
  const dir = mkdtempSync(join(tmpdir(), 'lab-steady-'));
  try {
    const json = join(dir, 'steady.json');
    const cli = fileURLToPath(new URL('../../src/runner/runner-cli.js', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [cli, '--url', `http://127.0.0.1:${server.app}/`, '-c', '4', '--steady-window', '100', '--steady-min', '400', '--metrics', `http://127.0.0.1:${server.metrics}/metrics`, '--json', json]);
    assert.match(stdout, /^stable after \d+ windows/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { stable: boolean; requests: number; reference: { cpuPerRequestMs: number }[] };
    assert.equal(report.stable, true);
    assert.ok(report.requests >= 400, 'served past the minimum');
    assert.ok((report.reference[0]?.cpuPerRequestMs ?? 0) < 1.4, `the cost after the change: ${report.reference[0]?.cpuPerRequestMs}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
