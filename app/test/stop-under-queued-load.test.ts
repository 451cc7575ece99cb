/**
 * Stops, restarts and crashes with connections queued behind CPU-bound requests,
 * in every process model: every serving process is first given a long /heavy
 * request (so it is busy), then QUEUED more connections arrive and wait (in the
 * kernel's accept queue, or in a round-robin primary), and `ss` confirms that
 * some are still waiting when the signal is sent.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { header, httpGet, workersAnswering } from './support/http-client.js';
import { NODE_WITH_REUSE_PORT } from './support/node24.js';
import { ECOSYSTEM_FILE, PRIMARY_SCRIPT, SERVER_SCRIPT } from './support/paths.js';
import { freePort, freePortBlock } from './support/ports.js';
import { eventually, isRunning, livingProcessesInGroup, ProcessUnderTest } from './support/process-under-test.js';
import { describeAnswers, occupyEveryProcess, queueRequests, type QueuedAnswer } from './support/queued-requests.js';
import { connectionsHeldBy, portSockets, waitingConnections } from './support/socket-table.js';

const QUEUED = 60;
/** Keeps a process busy for about a second (more on a loaded machine). */
const BLOCKER_PATH = '/heavy?n=800000000';
/** Small, so that the queue drains in well under a second per process. */
const QUEUED_PATH = '/heavy?n=2000000';
const HEAVY_ENV = { HEAVY_MAX: '1000000000' };

const PM2_DIRECTORY = dirname(createRequire(import.meta.url).resolve('pm2/package.json'));
const PM2_RUNTIME = join(PM2_DIRECTORY, 'bin', 'pm2-runtime');
const PM2 = join(PM2_DIRECTORY, 'bin', 'pm2');

interface QueuedLoad {
  readonly answers: Promise<QueuedAnswer[]>;
  /** Connections waiting (accept queue, or held by the primary) right before the signal. */
  readonly waiting: number;
  readonly sent: number;
}

/** Makes every serving process busy, queues QUEUED connections behind them, and counts those still waiting. */
async function queueBehindBusyProcesses(
  port: number,
  servingPids: readonly number[],
  { primaryPid, timeoutMs, queuedPath = QUEUED_PATH }: { primaryPid?: number; timeoutMs?: number; queuedPath?: string } = {},
): Promise<QueuedLoad> {
  const blockers = await occupyEveryProcess(port, servingPids, BLOCKER_PATH, timeoutMs);
  const queued = await queueRequests(port, QUEUED, queuedPath, timeoutMs);
  const waiting = waitingConnections(portSockets(port), servingPids, primaryPid);
  return { answers: Promise.all([...blockers, ...queued]), waiting, sent: blockers.length + queued.length };
}

function assertAllAnswered(t: TestContext, load: QueuedLoad, answers: readonly QueuedAnswer[], output: string): void {
  t.diagnostic(`${load.waiting} of ${load.sent} connection(s) waiting at the signal; answers: ${describeAnswers(answers)}`);
  assert.ok(load.sent >= QUEUED);
  assert.ok(load.waiting > 0, 'connections were waiting in the queue at the signal');
  assert.deepEqual(
    answers.filter((answer) => answer.status !== 200),
    [],
    `every request answered with 200: ${describeAnswers(answers)}\n${output}`,
  );
}

async function startCluster(t: TestContext, scheduling: 'rr' | 'none'): Promise<{ primary: ProcessUnderTest; port: number; workerPids: number[] }> {
  const port = await freePortBlock(4);
  const primary = ProcessUnderTest.start(t, {
    args: [PRIMARY_SCRIPT],
    env: { WORKERS: '2', PORT: String(port), METRICS_PORT: String(port + 1), CLUSTER_SCHEDULING: scheduling, ...HEAVY_ENV },
  });
  await primary.waitForOutputCount(/^Metrics on port \d+$/m, 2, 15_000);
  const workerPids = [...(await workersAnswering(`http://127.0.0.1:${port}/`, 2)).values()].map(Number);
  return { primary, port, workerPids };
}

function temporaryPm2Home(t: TestContext): string {
  const home = mkdtempSync(join(tmpdir(), 'pm2-home-'));
  t.after(() => {
    rmSync(home, { recursive: true, force: true });
  });
  return home;
}

async function startPm2Runtime(t: TestContext): Promise<{ runtime: ProcessUnderTest; port: number; workerPids: number[]; pm2Home: string }> {
  const port = await freePortBlock(3);
  const pm2Home = temporaryPm2Home(t);
  const runtime = ProcessUnderTest.start(t, {
    args: [PM2_RUNTIME, 'start', ECOSYSTEM_FILE],
    env: { PM2_HOME: pm2Home, WORKERS: '2', PORT: String(port), METRICS_PORT: String(port + 1), ...HEAVY_ENV },
  });
  await runtime.waitForOutputCount(/Metrics on port \d+$/m, 2, 30_000);
  const workerPids = [...(await workersAnswering(`http://127.0.0.1:${port}/`, 2)).values()].map(Number);
  return { runtime, port, workerPids, pm2Home };
}

describe(`SIGTERM with ${QUEUED} connections queued behind CPU-bound requests: every one answered, exit 0`, () => {
  it('single process', async (t) => {
    const port = await freePort();
    const server = ProcessUnderTest.start(t, { args: [SERVER_SCRIPT], env: { PORT: String(port), METRICS: 'off', ...HEAVY_ENV } });
    await server.waitForOutput(/App listening on port/);
    const load = await queueBehindBusyProcesses(port, [server.pid]);
    server.signal('SIGTERM');
    const answers = await load.answers;
    assertAllAnswered(t, load, answers, server.output);
    assert.deepEqual(await server.waitForExit(), { code: 0, signal: null });
    assert.match(server.output, /^Stopped gracefully in \d+ ms \(accepted \d+ waiting connection\(s\) before closing the listener\)$/m);
    assert.deepEqual(livingProcessesInGroup(server.pid), []);
  });

  for (const scheduling of ['rr', 'none'] as const) {
    it(`cluster, CLUSTER_SCHEDULING=${scheduling}`, async (t) => {
      const { primary, port, workerPids } = await startCluster(t, scheduling);
      const load = await queueBehindBusyProcesses(port, workerPids, { primaryPid: primary.pid });
      primary.signal('SIGTERM');
      const answers = await load.answers;
      assertAllAnswered(t, load, answers, primary.output);
      assert.deepEqual(await primary.waitForExit(), { code: 0, signal: null });
      assert.equal([...primary.output.matchAll(/^Stopped gracefully in /gm)].length, 2);
      assert.match(primary.output, /^All workers stopped; primary exiting$/m);
      assert.deepEqual(livingProcessesInGroup(primary.pid), []);
    });
  }

  it('pm2-runtime (PM2 cluster mode)', { timeout: 90_000 }, async (t) => {
    const { runtime, port, workerPids } = await startPm2Runtime(t);
    const load = await queueBehindBusyProcesses(port, workerPids, { primaryPid: runtime.pid });
    runtime.signal('SIGTERM');
    const answers = await load.answers;
    assertAllAnswered(t, load, answers, runtime.output);
    assert.equal((await runtime.waitForExit(30_000)).code, 0);
    assert.equal([...runtime.output.matchAll(/Stopped gracefully in /g)].length, 2, runtime.output);
    for (const pid of workerPids) assert.equal(isRunning(pid), false);
    assert.deepEqual(livingProcessesInGroup(runtime.pid), []);
  });

  it('two reusePort instances on one port (Node 22.12+)', { skip: NODE_WITH_REUSE_PORT === undefined ? 'no Node 22.12+ found in tools/node24' : false }, async (t) => {
    const port = await freePort();
    const instances = [0, 1].map((index) =>
      ProcessUnderTest.start(t, {
        node: NODE_WITH_REUSE_PORT,
        args: [SERVER_SCRIPT],
        env: { PORT: String(port), METRICS: 'off', REUSE_PORT: 'true', WORKER_INDEX: String(index), HOST: '127.0.0.1', ...HEAVY_ENV },
      }),
    );
    await Promise.all(instances.map((instance) => instance.waitForOutput(/App listening on port/)));
    const load = await queueBehindBusyProcesses(
      port,
      instances.map((instance) => instance.pid),
    );
    for (const instance of instances) instance.signal('SIGTERM');
    const answers = await load.answers;
    assertAllAnswered(t, load, answers, instances.map((instance) => instance.output).join('\n'));
    for (const instance of instances) {
      assert.deepEqual(await instance.waitForExit(), { code: 0, signal: null });
      assert.deepEqual(livingProcessesInGroup(instance.pid), []);
    }
  });

  it('a queue that cannot be emptied before SHUTDOWN_TIMEOUT_MS: the log says how many were waiting, exit 1, never "gracefully"', async (t) => {
    const port = await freePort();
    const server = ProcessUnderTest.start(t, {
      args: [SERVER_SCRIPT],
      env: { PORT: String(port), METRICS: 'off', SHUTDOWN_TIMEOUT_MS: '200', ...HEAVY_ENV },
    });
    await server.waitForOutput(/App listening on port/);
    // 60 requests of this size take well over 200 ms to serve.
    const load = await queueBehindBusyProcesses(port, [server.pid], { queuedPath: '/heavy?n=30000000' });
    server.signal('SIGTERM');
    const answers = await load.answers;
    t.diagnostic(`${load.waiting} waiting at the signal; answers: ${describeAnswers(answers)}`);
    assert.equal((await server.waitForExit()).code, 1);
    const waitingAtClose = /^Stop forced by the 200 ms deadline: (\d+) connection\(s\) were still waiting to be accepted when the listener closed \(reset\)/m.exec(
      server.output,
    );
    assert.ok(waitingAtClose, server.output);
    assert.ok(Number(waitingAtClose[1]) > 0);
    assert.doesNotMatch(server.output, /gracefully/);
  });
  it('a cluster whose workers could not empty the queue in time exits 1 and says so', async (t) => {
    const port = await freePortBlock(4);
    const primary = ProcessUnderTest.start(t, {
      args: [PRIMARY_SCRIPT],
      env: { WORKERS: '2', PORT: String(port), METRICS_PORT: String(port + 1), SHUTDOWN_TIMEOUT_MS: '200', ...HEAVY_ENV },
    });
    await primary.waitForOutputCount(/^Metrics on port \d+$/m, 2, 15_000);
    const workerPids = [...(await workersAnswering(`http://127.0.0.1:${port}/`, 2)).values()].map(Number);
    const load = await queueBehindBusyProcesses(port, workerPids, { primaryPid: primary.pid, queuedPath: '/heavy?n=30000000' });
    primary.signal('SIGTERM');
    await load.answers;
    assert.equal((await primary.waitForExit()).code, 1);
    assert.match(primary.output, /^Stop forced by the 200 ms deadline: \d+ connection\(s\) were still waiting to be accepted when the listener closed \(reset unless another worker is left to take them\)/m);
    assert.match(primary.output, /^Workers stopped, [12] of them not gracefully \(their drain was forced\); primary exiting$/m);
    assert.deepEqual(livingProcessesInGroup(primary.pid), []);
  });
});

describe(`rolling restarts with ${QUEUED} connections queued behind CPU-bound requests: zero failed requests`, () => {
  for (const scheduling of ['rr', 'none'] as const) {
    it(`SIGHUP to the cluster primary, CLUSTER_SCHEDULING=${scheduling}`, { timeout: 90_000 }, async (t) => {
      const { primary, port, workerPids } = await startCluster(t, scheduling);
      const load = await queueBehindBusyProcesses(port, workerPids, { primaryPid: primary.pid });
      const outputBefore = primary.output.length;
      primary.signal('SIGHUP');
      const answers = await load.answers;
      assertAllAnswered(t, load, answers, primary.output);
      await primary.waitForOutput(/^Rolling restart complete in \d+ ms$/m, 60_000, outputBefore);
      for (const pid of workerPids) assert.equal(isRunning(pid), false, `old worker ${pid} still running`);
      const after = await workersAnswering(`http://127.0.0.1:${port}/`, 2);
      assert.deepEqual([...after.keys()].sort(), ['0', '1']);
    });
  }

  it('pm2 reload under pm2-runtime', { timeout: 90_000 }, async (t) => {
    const { runtime, port, workerPids, pm2Home } = await startPm2Runtime(t);
    const load = await queueBehindBusyProcesses(port, workerPids, { primaryPid: runtime.pid });
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: pm2Home, PM2_HOME: pm2Home };
    const reload = spawnSync(process.execPath, [PM2, 'reload', 'cluster_app'], { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(reload.status, 0, `${reload.stdout}\n${reload.stderr}`);
    const answers = await load.answers;
    assertAllAnswered(t, load, answers, runtime.output);
    for (const pid of workerPids) assert.equal(isRunning(pid), false, `old instance ${pid} still running`);
    const after = await workersAnswering(`http://127.0.0.1:${port}/`, 2);
    for (const pid of after.values()) assert.ok(!workerPids.includes(Number(pid)));
  });
});

/** A handoff to a worker that died is never answered: the client gives up after this. */
const KILLED_HANDOFF_TIMEOUT_MS = 5000;

/** Milliseconds from `since` until `slot` answers from a pid other than `oldPid`. */
async function slotServesAgain(port: number, slot: string, oldPid: number, since: number): Promise<number> {
  await eventually(
    async () => {
      const answer = await httpGet(`http://127.0.0.1:${port}/`, 300).catch(() => undefined);
      return answer !== undefined && header(answer, 'X-Worker') === slot && header(answer, 'X-Worker-Pid') !== String(oldPid) ? true : undefined;
    },
    10_000,
    `slot ${slot} to serve from a new pid`,
  );
  return Date.now() - since;
}

describe(`kill -9 of a worker with ${QUEUED} connections queued (cluster, round-robin)`, () => {
  it("only requests on the killed worker's connections fail; its slot serves again within 2 s", async (t) => {
    const { primary, port, workerPids } = await startCluster(t, 'rr');
    const slots = await workersAnswering(`http://127.0.0.1:${port}/`, 2);
    const victim = Number(slots.get('1'));
    const load = await queueBehindBusyProcesses(port, workerPids, { primaryPid: primary.pid, timeoutMs: KILLED_HANDOFF_TIMEOUT_MS });
    // Frozen first, so that the count below is what it holds when it dies: a running
    // victim keeps taking handoffs from the primary between a look and the kill.
    process.kill(victim, 'SIGSTOP');
    const sockets = portSockets(port);
    // Its own connections, plus the one handoff the primary may have sent it and not had
    // acknowledged (node:cluster hands a worker its next connection only after the
    // previous one's ack, and never answers a handoff to a worker that died).
    const victimConnections = connectionsHeldBy(sockets, victim) + 1;
    const killedAt = Date.now();
    process.kill(victim, 'SIGKILL');
    const probed = slotServesAgain(port, '1', victim, killedAt);
    const answers = await load.answers;
    const failed = answers.filter((answer) => answer.status === undefined);
    const firstFromReplacement = Math.min(
      await probed,
      ...answers
        .filter((answer) => answer.worker === '1' && answer.workerPid !== String(victim) && answer.status === 200)
        .map((answer) => answer.receivedAt - killedAt),
    );
    t.diagnostic(
      `victim held ${victimConnections - 1} connection(s); answers: ${describeAnswers(answers)}; slot 1 answered again ${firstFromReplacement} ms after the kill`,
    );
    assert.ok(failed.length <= victimConnections, `${failed.length} failed, the victim held ${victimConnections - 1}\n${primary.output}`);
    assert.ok(answers.every((answer) => answer.status === undefined || answer.status === 200));
    assert.ok(firstFromReplacement <= 2000, `slot 1 served again after ${firstFromReplacement} ms`);
  });
});
