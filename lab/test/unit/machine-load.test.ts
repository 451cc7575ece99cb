/** How busy the machine is, from /proc/stat: a CPU-burning process beside the measurement is seen. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { busyCores } from '../../src/machine-load.js';

test('a process burning one core is counted in the cores busy', async () => {
  const burner = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  try {
    await sleep(200);
    const busy = await busyCores(availableParallelism(), 1000);
    assert.ok(busy !== null, '/proc/stat is readable here');
    // One full core, less what the shared machine's scheduler takes from it; never above the cores.
    assert.ok(busy >= 0.5 && busy <= availableParallelism(), `busy cores ${busy}`);
  } finally {
    burner.kill('SIGKILL');
    await once(burner, 'exit');
  }
});
