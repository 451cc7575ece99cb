/**
 * The verified state a round starts from, against a real nginx in front of two real
 * upstream instances on the lab's fixed ports (run under `flock /tmp/lab-ports.lock`):
 * reached after a fresh start; not reached, with the upstream named, when an upstream
 * whose process is alive and listening is out of nginx's rotation; and a round that
 * cannot reach it fires nothing and reports no figure.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ResilienceTarget } from '../../src/resilience/target.js';

const state = mkdtempSync(join(tmpdir(), 'lab-verified-state-'));
process.env['LAB_STATE_DIR'] = state;
const { readRegistry, stopGroups } = await import('../../src/native/processes.js');
const { defaultAppNode } = await import('../../src/native/node-binary.js');
const { NativeTarget } = await import('../../src/native/resilience-target.js');
const { RunScope } = await import('../../src/native/native-runtime.js');
const { reloadNginxUpstreams } = await import('../../src/native/nginx-rotation.js');
const { reachVerifiedState } = await import('../../src/resilience/verified-state.js');
const { runRound } = await import('../../src/resilience/run-round.js');

const PATH = '/heavy?n=200000';
const SETTINGS = { warmupRequests: 40, concurrency: 8 };

function nginxProcess(): NonNullable<ReturnType<typeof readRegistry>[number]> {
  const nginx = readRegistry().find((p) => p.name === 'nginx');
  assert.ok(nginx, 'nginx is running');
  return nginx;
}

/** The real target, with slot 1 taken out of nginx's rotation right after each start; records whether any event fired. */
class SlotOneOutOfRotation implements ResilienceTarget {
  readonly events: string[] = [];
  constructor(private readonly inner: InstanceType<typeof NativeTarget>) {}
  get mode(): string { return this.inner.mode; }
  get baseUrl(): string { return this.inner.baseUrl; }
  get slots(): number { return this.inner.slots; }
  get supervised(): boolean { return this.inner.supervised; }
  get actions(): ResilienceTarget['actions'] { return this.inner.actions; }
  get frontName(): string { return this.inner.frontName; }
  async start(): Promise<void> {
    await this.inner.start();
    await reloadNginxUpstreams(nginxProcess(), 2, [1]);
  }
  slotPids(): Promise<(number | null)[]> { return this.inner.slotPids(); }
  waiting(thorough: boolean): Promise<number> { return this.inner.waiting(thorough); }
  connectionsOf(pid: number): Promise<number> { return this.inner.connectionsOf(pid); }
  frontProblems(): Promise<string[]> { return this.inner.frontProblems(); }
  frontWorkers(): Promise<string[] | null> { return this.inner.frontWorkers(); }
  frontHolders(ports: readonly number[]): Promise<ReadonlyMap<number, string>> { return this.inner.frontHolders(ports); }
  gracefulStop(): Promise<void> { this.events.push('graceful stop'); return this.inner.gracefulStop(); }
  drains(): ReturnType<ResilienceTarget['drains']> { return this.inner.drains(); }
  rollingRestart(): Promise<void> { this.events.push('rolling restart'); return this.inner.rollingRestart(); }
  killSlot(slot: number): Promise<number> { this.events.push(`kill ${slot}`); return this.inner.killSlot(slot); }
  stop(): Promise<void> { return this.inner.stop(); }
}

describe('the verified state, with a real nginx and two upstreams', { timeout: 180_000 }, () => {
  const scope = new RunScope();
  const target = new NativeTarget('nginx', { workers: 2, node: defaultAppNode() }, scope);
  const url = new URL(PATH, target.baseUrl).href;

  before(async () => {
    await target.start();
  });

  after(async () => {
    await target.stop();
    await scope.close();
    await stopGroups();
    rmSync(state, { recursive: true, force: true });
  });

  it('after a start: every upstream reached through each nginx worker, the warm-up spread over both', async (t) => {
    const v = await reachVerifiedState(target, { url, ...SETTINGS });
    t.diagnostic(v.text);
    assert.equal(v.verified, true, v.text);
    assert.match(v.text, /probes through each of nginx's \d+ worker\(s\) reached every slot; warm-up spread slot 0: \d+, slot 1: \d+/);
  });

  it('an upstream alive but out of rotation: not verified, the upstream named', async (t) => {
    await reloadNginxUpstreams(nginxProcess(), 2, [1]);
    try {
      const pids = await target.slotPids();
      assert.ok(pids.every((p) => p !== null), `both upstreams still serve their own ports: ${pids.join(', ')}`);
      const v = await reachVerifiedState(target, { url, ...SETTINGS, waitMs: 2000 });
      t.diagnostic(v.text);
      assert.equal(v.verified, false);
      assert.match(v.text, /through nginx worker \d+, slot\(s\) 1 never answered .*: not in rotation/);
    } finally {
      await reloadNginxUpstreams(nginxProcess(), 2, [], { waitAlways: true });
    }
    // Back in rotation: verified again.
    const back = await reachVerifiedState(target, { url, ...SETTINGS });
    assert.equal(back.verified, true, back.text);
  });

  it('a round that cannot reach the verified state fires nothing and has no figure', async (t) => {
    const out = new SlotOneOutOfRotation(target);
    const scenario = { path: PATH, requests: 100, concurrency: 10, keepAlive: true, timeoutMs: 30_000, warmupRequests: 40, steadyMinRequests: 0 };
    const round = await runRound(out, 'kill-worker', { scenario, run: 1, verifyWaitMs: 2000 });
    t.diagnostic(round.note);
    assert.equal(round.verified, false);
    assert.deepEqual(out.events, [], 'no event fired');
    assert.equal(round.sent, 0);
    assert.match(round.note, /^not run: not in the verified state after \d+ s: .*slot\(s\) 1 never answered/);
    assert.deepEqual(readRegistry(), [], 'the round stopped what it started');
  });
});
