/**
 * Interference measured from /proc: a CPU-burning process started beside a run (not the
 * lab's) is seen as outside CPU and flags the repetition; the lab's own child burning
 * the same is not.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { InterferenceMeter } from '../../src/noise/interference.js';

const BURN = 'const end = Date.now() + 3000; while (Date.now() < end) {}';
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** A burner detached from this process tree, as another user's job would be (setsid; its parent exits at once). */
function outsideBurner(): void {
  const child = spawn('setsid', ['-f', process.execPath, '-e', BURN], { stdio: 'ignore', env: {} });
  children.push(child);
}

test('a CPU-burning process outside the lab flags the repetition as disturbed', async () => {
  const meter = new InterferenceMeter({ stack: 'test-stack', roots: () => [] }, 2);
  await meter.start();
  outsideBurner();
  await sleep(2000);
  const i = await meter.stop();
  assert.ok(i, 'measured');
  assert.ok(i.outsideCores > 0.5, `outside ${i.outsideCores} cores: the burner kept about one core busy`);
  assert.equal(i.disturbed, true);
});

test("the lab's own child burning the same CPU is the lab's, not interference", async () => {
  await sleep(1500); // the previous burner has ended
  const meter = new InterferenceMeter({ stack: 'test-stack', roots: () => [] }, 2);
  await meter.start();
  const child = spawn(process.execPath, ['-e', BURN.replace('3000', '2000')], { stdio: 'ignore' });
  children.push(child);
  await sleep(2000);
  const i = await meter.stop();
  assert.ok(i);
  assert.ok(i.labCores > 0.5, `the lab's child counted as the lab: ${i.labCores} cores`);
  assert.ok(i.outsideCores < i.labCores, `outside ${i.outsideCores} < lab ${i.labCores}`);
});
