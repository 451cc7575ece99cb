import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { httpGet, sampleValue, workersAnswering } from './support/http-client.js';
import { ECOSYSTEM_FILE, REPOSITORY_ROOT } from './support/paths.js';
import { runLoad } from './support/load.js';
import { freePorts } from './support/ports.js';
import { eventually, isRunning, livingProcessesInGroup, ProcessUnderTest, sleep } from './support/process-under-test.js';

const PM2_DIRECTORY = dirname(createRequire(import.meta.url).resolve('pm2/package.json'));
const PM2_RUNTIME = join(PM2_DIRECTORY, 'bin', 'pm2-runtime');
const PM2 = join(PM2_DIRECTORY, 'bin', 'pm2');

/** A PM2_HOME of the test's own, removed afterwards. */
function temporaryPm2Home(t: TestContext): string {
  const home = mkdtempSync(join(tmpdir(), 'pm2-home-'));
  t.after(() => {
    rmSync(home, { recursive: true, force: true });
  });
  return home;
}

async function metricsOf(port: number): Promise<string> {
  const answer = await httpGet(`http://127.0.0.1:${port}/metrics`);
  if (answer.status !== 200) throw new Error(`metrics port ${port}: ${answer.status}`);
  return answer.body;
}

async function checkTwoWorkersServe(port: number, metricsPort: number): Promise<Map<string, string>> {
  const pids = await workersAnswering(`http://127.0.0.1:${port}/`, 2);
  assert.deepEqual([...pids.keys()].sort(), ['0', '1']);
  assert.equal((await httpGet(`http://127.0.0.1:${port}/heavy?n=1000`)).body, 'The result of the CPU intensive task is 1000');
  for (const worker of ['0', '1']) {
    const body = await metricsOf(metricsPort + Number(worker));
    assert.notEqual(sampleValue(body, 'process_cpu_seconds_total', { mode: 'pm2', worker }), undefined, `worker ${worker}`);
  }
  return pids;
}

/** Runs the pm2 CLI without blocking the event loop (a load runs in this process meanwhile). */
function runPm2(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PM2, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, output }));
  });
}

describe('PM2 (app/ecosystem.config.cjs)', () => {
  it('pm2-runtime start app/ecosystem.config.cjs from the repository root: two instances serve, each with its metrics', { timeout: 60_000 }, async (t) => {
    const { port, metricsPort } = await freePorts(2);
    const runtime = ProcessUnderTest.start(t, {
      args: [PM2_RUNTIME, 'start', 'app/ecosystem.config.cjs'],
      cwd: REPOSITORY_ROOT,
      env: { PM2_HOME: temporaryPm2Home(t), WORKERS: '2', PORT: String(port), METRICS_PORT: String(metricsPort) },
    });
    await runtime.waitForOutputCount(/^Metrics on port \d+$/m, 2, 30_000);
    assert.equal([...runtime.output.matchAll(new RegExp(`^App listening on port ${port}$`, 'gm'))].length, 2);
    const pids = await checkTwoWorkersServe(port, metricsPort);

    runtime.signal('SIGTERM');
    await runtime.waitForExit(30_000);
    assert.match(runtime.output, /Received SIGINT: finishing/);
    for (const pid of pids.values()) assert.equal(isRunning(Number(pid)), false);
    assert.deepEqual(livingProcessesInGroup(runtime.pid), []);
  });

  it('pm2 start app/ecosystem.config.cjs from another directory (daemon under PM2_HOME), then pm2 kill', { timeout: 60_000 }, async (t) => {
    const { port, metricsPort } = await freePorts(2);
    const pm2Home = temporaryPm2Home(t);
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: pm2Home, PM2_HOME: pm2Home, WORKERS: '2', PORT: String(port), METRICS_PORT: String(metricsPort) };
    const daemonPid = (): number | undefined => {
      try {
        return Number(readFileSync(join(pm2Home, 'pm2.pid'), 'utf8'));
      } catch {
        return undefined;
      }
    };
    t.after(() => {
      // The daemon runs in a process group of its own, with the app instances.
      const pid = daemonPid();
      if (pid === undefined) return;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    });

    const start = spawnSync(process.execPath, [PM2, 'start', ECOSYSTEM_FILE], { cwd: tmpdir(), env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(start.status, 0, `${start.stdout}\n${start.stderr}`);
    await eventually(() => metricsOf(metricsPort + 1), 30_000, 'the second instance');
    const pids = await checkTwoWorkersServe(port, metricsPort);

    const kill = spawnSync(process.execPath, [PM2, 'kill'], { cwd: tmpdir(), env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(kill.status, 0, `${kill.stdout}\n${kill.stderr}`);
    for (const pid of pids.values()) await eventually(() => (isRunning(Number(pid)) ? undefined : true), 10_000, `instance ${pid} to stop`);
  });

  // PM2 sends the same SIGINT for `pm2 reload` as for a stop; an old instance
  // that emptied the daemon's queue under a load that keeps it full would hold
  // the reload until its deadline (set far above the reload's 60 s here). It
  // sees its replacement instead (src/serving/pm2-replacement.ts) and hands the
  // queue over.
  it('pm2 reload under keep-alive load that keeps the queue full: each old instance hands the queue over, zero failed requests', { timeout: 120_000 }, async (t) => {
    const { port, metricsPort } = await freePorts(2);
    const pm2Home = temporaryPm2Home(t);
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: pm2Home, PM2_HOME: pm2Home, WORKERS: '2', PORT: String(port), METRICS_PORT: String(metricsPort), SHUTDOWN_TIMEOUT_MS: '120000' };
    const runtime = ProcessUnderTest.start(t, { args: [PM2_RUNTIME, 'start', ECOSYSTEM_FILE], env });
    await runtime.waitForOutputCount(/^Metrics on port \d+$/m, 2, 30_000);
    const oldPids = new Set((await workersAnswering(`http://127.0.0.1:${port}/`, 2)).values());

    let reloaded = false;
    const load = runLoad({ origin: `http://127.0.0.1:${port}`, path: '/heavy?n=2000000', connections: 200, requests: 500, until: () => !reloaded, maxRequests: 1_000_000 });
    await sleep(300);
    const outputBefore = runtime.output.length;
    const reload = await runPm2(['reload', 'cluster_app'], env);
    reloaded = true;
    const result = await load;
    t.diagnostic(`${result.completed} requests in ${Math.round(result.durationMs)} ms, ${result.failed} failed`);
    assert.equal(reload.status, 0, reload.output);

    const reloadLog = runtime.output.slice(outputBefore);
    const handedOver = [...reloadLog.matchAll(/Stopped gracefully in \d+ ms \(left (\d+) waiting connection\(s\) to the workers still serving\)$/gm)].map((match) => Number(match[1]));
    t.diagnostic(`connections left waiting by the two old instances: ${handedOver.join(', ')}`);
    assert.equal([...reloadLog.matchAll(/Received SIGINT from pm2 reload \(the replacement is ready\)/g)].length, 2, reloadLog);
    assert.equal(handedOver.length, 2, `both old instances stopped gracefully:\n${reloadLog}`);
    assert.ok(handedOver.some((waiting) => waiting > 0), 'connections were waiting when an old instance closed its listener');
    assert.equal(result.failed, 0, `failed requests: ${result.errors.join('; ')}`);
    assert.equal(result.nonOk, 0);
    for (const pid of oldPids) assert.equal(isRunning(Number(pid)), false, `old instance ${pid} still running`);
    const after = await workersAnswering(`http://127.0.0.1:${port}/`, 2);
    for (const pid of after.values()) assert.ok(!oldPids.has(pid), `pid ${pid} survived the reload`);
  });
});
