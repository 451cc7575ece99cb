/**
 * The native runtime's process registry, with real process trees: stopping one
 * stops its whole group, and `down` after a crashed launcher still stops all.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const state = mkdtempSync(join(tmpdir(), 'lab-processes-'));
process.env['LAB_STATE_DIR'] = state;
const { readRegistry, spawnManaged, stopGroups, stopManaged, isAlive, groupAlive, groupMembers } = await import('../../src/native/processes.js');

/** A parent that forks a child which ignores SIGTERM: only a group kill ends it. */
const TREE = `
const { spawn } = require('node:child_process');
spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'], { stdio: 'inherit' });
console.log('parent', process.pid);
setInterval(() => {}, 1000);
`;

/** Waits until the tree's parent has started its child: the group has two members. */
async function treeStarted(pgid: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (groupMembers(pgid).length < 2) {
    assert.ok(Date.now() < deadline, `the tree of ${pgid} started its child`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

after(async () => {
  await stopGroups();
  rmSync(state, { recursive: true, force: true });
});

test('a managed process tree is recorded, then stopped whole', async () => {
  const p = spawnManaged({ name: 'tree', group: 'test', command: process.execPath, args: ['-e', TREE], env: {} });
  assert.ok(isAlive(p));
  assert.deepEqual(readRegistry().map((e) => e.name), ['tree']);
  await treeStarted(p.pid);
  await stopManaged(p, 500);
  assert.equal(groupAlive(p.pid), false, 'the child that ignored SIGTERM is gone too');
  assert.deepEqual(readRegistry(), []);
});

test('down stops what a crashed launcher left behind', async () => {
  // A launcher process records two trees, then dies by SIGKILL without cleaning up.
  const launcher = `
    process.env.LAB_STATE_DIR = ${JSON.stringify(state)};
    const { spawnManaged } = await import(${JSON.stringify(new URL('../../src/native/processes.js', import.meta.url).href)});
    for (const name of ['a', 'b']) spawnManaged({ name, group: 'crashed', command: process.execPath, args: ['-e', ${JSON.stringify(TREE)}], env: {} });
    process.kill(process.pid, 'SIGKILL');
  `;
  try {
    execFileSync(process.execPath, ['--input-type=module', '-e', launcher], { stdio: 'ignore' });
  } catch {
    // Killed by its own SIGKILL, as intended.
  }
  const left = readRegistry();
  assert.deepEqual(left.map((p) => p.name).sort(), ['a', 'b']);
  for (const p of left) await treeStarted(p.pid);
  const stopped = await stopGroups();
  assert.equal(stopped.length, 2);
  assert.ok(left.every((p) => !groupAlive(p.pid)));
});

test('a recycled pid is not mistaken for ours: stopping it signals nothing and forgets it', async () => {
  // This test process stands for "someone else's process that got the recorded pid".
  const fake = { name: 'recycled', group: 'g', pid: process.pid, startTicks: '1', command: '', log: '' };
  assert.equal(isAlive(fake), false);
  await stopManaged(fake, 100);
  assert.deepEqual(readRegistry().filter((e) => e.name === 'recycled'), []);
});
