/**
 * nginx in front of its upstream instances, with real processes on the lab's fixed
 * ports (run under `flock /tmp/lab-native-ports.lock`): 60+ requests queued behind
 * CPU-bound ones, waiting in the upstreams' accept queues (read from the kernel),
 * then (1) the lab's stop: nginx quits gracefully first (SIGQUIT, waited for), then
 * its upstreams get SIGTERM and drain; (2) the rolling restart of the resilience
 * rounds: each upstream drained, restarted and waited for in turn, nginx serving
 * throughout. Every request must be answered with 200, and nothing left running.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

const state = mkdtempSync(join(tmpdir(), 'lab-nginx-queued-'));
process.env['LAB_STATE_DIR'] = state;
const { groupAlive, readRegistry, stopGroups } = await import('../../src/native/processes.js');
const { startTopology } = await import('../../src/native/topology-runner.js');
const { defaultAppNode } = await import('../../src/native/node-binary.js');
const { NativeTarget } = await import('../../src/native/resilience-target.js');
const { RunScope } = await import('../../src/native/native-runtime.js');
const { listenQueue } = await import('../../src/resilience/socket-table.js');
const { NGINX_UPSTREAM_PORT, topology } = await import('../../src/topologies.js');

const PORT = topology('nginx').port;
const UPSTREAMS = [NGINX_UPSTREAM_PORT, NGINX_UPSTREAM_PORT + 1];
const QUEUED = 60;
/** Keeps an instance busy for about a second (more on a loaded machine). */
const BLOCKER_PATH = '/heavy?n=800000000';
const QUEUED_PATH = '/heavy?n=2000000';
const ENV = { HEAVY_MAX: '1000000000' };

interface Answer {
  status: number | undefined;
  error: string | undefined;
}

/** One request on a fresh connection (Connection: close): its status, or how it failed. */
function send(path: string): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = connect({ port: PORT, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    let error: string | undefined;
    socket.setTimeout(60_000, () => {
      error = 'timeout';
      socket.destroy();
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    socket.once('close', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'))?.[1];
      resolve({ status: status === undefined ? undefined : Number(status), error: status === undefined ? (error ?? 'closed without an answer') : undefined });
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
  });
}

/** Busies both upstreams (least_conn gives each one blocker), then queues QUEUED requests behind them. */
async function queueBehindBusyUpstreams(): Promise<{ answers: Promise<Answer[]>; waiting: number }> {
  const blockers = [send(BLOCKER_PATH), send(BLOCKER_PATH)];
  await sleep(200);
  const queued = Array.from({ length: QUEUED }, () => send(QUEUED_PATH));
  // nginx has accepted them and connected upstream: the upstreams' kernel queues hold them.
  let waiting = 0;
  for (let i = 0; i < 100 && waiting === 0; i++) {
    await sleep(10);
    waiting = listenQueue(UPSTREAMS);
  }
  return { answers: Promise.all([...blockers, ...queued]), waiting };
}

function summary(answers: readonly Answer[]): string {
  const by = new Map<string, number>();
  for (const a of answers) by.set(a.status === undefined ? `failed (${a.error ?? ''})` : String(a.status), (by.get(a.status === undefined ? `failed (${a.error ?? ''})` : String(a.status)) ?? 0) + 1);
  return JSON.stringify(Object.fromEntries(by));
}

describe(`nginx with ${QUEUED} requests queued in its upstreams`, { timeout: 120_000 }, () => {
  after(async () => {
    await stopGroups();
    rmSync(state, { recursive: true, force: true });
  });

  it("the lab's stop: nginx quits gracefully first, then its upstreams drain; every request answered 200, nothing left", async (t) => {
    await startTopology('nginx', { workers: 2, node: defaultAppNode(), env: ENV });
    const started = readRegistry();
    const load = await queueBehindBusyUpstreams();
    await stopGroups(['nginx']);
    const answers = await load.answers;
    t.diagnostic(`${load.waiting} connection(s) in the upstreams' accept queues at the stop; answers: ${summary(answers)}`);
    assert.ok(load.waiting > 0, 'connections were waiting in an upstream accept queue at the stop');
    assert.deepEqual(answers.filter((a) => a.status !== 200), [], summary(answers));
    assert.deepEqual(started.filter((p) => groupAlive(p.pid)).map((p) => p.name), []);
    assert.deepEqual(readRegistry(), []);
  });

  it('the rolling restart of the upstreams, one at a time: every request answered 200, each slot served by a new process', async (t) => {
    const scope = new RunScope();
    const target = new NativeTarget('nginx', { workers: 2, node: defaultAppNode(), env: ENV }, scope);
    try {
      await target.start();
      const before = await target.slotPids();
      const load = await queueBehindBusyUpstreams();
      await target.rollingRestart();
      const answers = await load.answers;
      const afterPids = await target.slotPids();
      t.diagnostic(`${load.waiting} waiting at the restart; answers: ${summary(answers)}; pids ${before.join(',')} -> ${afterPids.join(',')}; drains ${JSON.stringify(target.drains())}`);
      assert.ok(load.waiting > 0);
      assert.deepEqual(answers.filter((a) => a.status !== 200), [], summary(answers));
      assert.ok(afterPids.every((pid, i) => pid !== null && pid !== before[i]), 'every slot served by a new process');
      assert.deepEqual(target.drains(), { graceful: 2, forced: 0 });
    } finally {
      await target.stop();
      await scope.close();
    }
    assert.deepEqual(readRegistry(), []);
  });
});
