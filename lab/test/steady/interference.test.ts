/**
 * Interference measured from /proc: a CPU-burning process started beside a run (not the
 * lab's) is seen as outside CPU and flags the repetition; the lab's own child burning
 * the same is not.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { cgroupSeconds, cgroupUsageFile, InterferenceMeter } from '../../src/noise/interference.js';

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
  assert.ok(i.labCores > 0.3, `the lab's child counted as the lab: ${i.labCores} cores`);
});

/**
 * A cgroup named like a container (a 64-hex id), made here for the test: cgroup v1's
 * cpuacct hierarchy where it is mounted, else the v2 tree. Needs root, as the lab's
 * Docker runtime does.
 */
function containerCgroup(): { id: string; procs: string; remove: () => void } {
  const id = createHash('sha256').update(`lab-test-${process.pid}-${Date.now()}`).digest('hex');
  const base = existsSync('/sys/fs/cgroup/cpuacct/cpuacct.usage') ? '/sys/fs/cgroup/cpuacct' : '/sys/fs/cgroup';
  const dir = join(base, `lab-test-${id}`);
  mkdirSync(dir);
  return { id, procs: join(dir, 'cgroup.procs'), remove: () => rmdirSync(dir) };
}

test("a claimed container's short-lived processes (a health check's) count as the lab's, through its cgroup", async () => {
  const cgroup = containerCgroup();
  try {
    const measure = async (claimed: boolean): Promise<number> => {
      const meter = new InterferenceMeter({ stack: 'test-stack', roots: () => [], container: (id) => Promise.resolve(claimed && id === cgroup.id) }, 2);
      await meter.start();
      // Detached (not the lab's tree), in the cgroup: a shell that runs 8 node processes of ~150 ms each, as health checks would.
      const burn = `${process.execPath} -e "const e = Date.now() + 150; while (Date.now() < e) {}"`;
      const child = spawn('setsid', ['-f', 'sh', '-c', `echo $$ > ${cgroup.procs}; for i in 1 2 3 4 5 6 7 8; do ${burn}; done`], { stdio: 'ignore', env: {} });
      children.push(child);
      await sleep(2500);
      const i = await meter.stop();
      assert.ok(i);
      return i.labCores;
    };
    // Read on the lab's side: other work on a shared machine moves "outside", not what the lab claims.
    const unclaimed = await measure(false);
    await sleep(500);
    const claimed = await measure(true);
    assert.ok(unclaimed < 0.1, `unclaimed, the processes are not the lab's: lab ${unclaimed} cores`);
    assert.ok(claimed > 0.25, `claimed, the short-lived processes' CPU is the lab's, through the cgroup: lab ${claimed} cores`);
  } finally {
    await sleep(500);
    cgroup.remove();
  }
});

test('a cgroup usage file is found for a process and grows with its CPU', () => {
  const file = cgroupUsageFile(process.pid);
  assert.ok(file, 'this process has a CPU accounting cgroup');
  const before = cgroupSeconds(file);
  const end = Date.now() + 100;
  while (Date.now() < end) { /* burn */ }
  const after = cgroupSeconds(file);
  assert.ok(before !== null && after !== null && after > before, `${before} → ${after}`);
});
