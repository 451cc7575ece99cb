import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { httpGet, sampleValue, workersAnswering } from './support/http-client.js';
import { ECOSYSTEM_FILE, REPOSITORY_ROOT } from './support/paths.js';
import { freePorts } from './support/ports.js';
import { eventually, isRunning, livingProcessesInGroup, ProcessUnderTest } from './support/process-under-test.js';

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
});
