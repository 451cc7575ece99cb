/**
 * How fast does the lab say no? Each bad input a new user meets is given to `make`, as
 * the user would type it, ROUNDS times (default 5); the table prints the exit code, the
 * lab's one line, and the median and max wall time. A figure, not a test: the machine is
 * shared, so nothing here asserts a time. The build must be up to date (make builds it
 * first otherwise, and that first round is then the build's time, shown as max).
 *
 *   npm run bench:refusals -w lab [-- --rounds 5]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { paths } from '../src/paths.js';
import { median } from '../src/runner/stats.js';

/** [make target, variables]: the defects issue 17 lists, and a few neighbours. */
const CASES: readonly (readonly [string, Readonly<Record<string, string>>])[] = [
  ['bench', { MODE: 'cluster,pm2' }],
  ['bench', { MODE: 'clusterr' }],
  ['bench', {}],
  ['compare', { MODE: '' }],
  ['compare', { DURATION: '30' }],
  ['compare', { RATES: '50,100' }],
  ['compare', { NODE: '/nonexistent' }],
  ['compare', { WORKERS: '0' }],
  ['compare', { LAB_INSTALL: 'maybe' }],
  ['compare', { RUNTIME: 'podman' }],
  ['compare', { RUNTIME: 'docker', WORKERS: '4' }],
  ['up', { REQUESTS: '10' }],
  ['sweep', { RATES: '50,fast' }],
  ['scale', { MODE: 'single' }],
  ['help', {}],
];

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds ${values.rounds}: expected an integer >= 1`);

const state = mkdtempSync(join(tmpdir(), 'lab-refusals-'));
const rows: string[][] = [['command', 'exit', 'median ms', 'max ms', 'the lab says']];
try {
  for (const [target, variables] of CASES) {
    const args = ['--no-print-directory', target, ...Object.entries(variables).map(([k, v]) => `${k}=${v}`)];
    const times: number[] = [];
    let status: number | null = null;
    let line = '';
    for (let i = 0; i < rounds; i++) {
      const start = performance.now();
      const res = spawnSync('make', args, { cwd: paths.root, encoding: 'utf8', env: { ...process.env, LAB_STATE_DIR: state, RESULTS_DIR: state }, timeout: 120_000 });
      times.push(performance.now() - start);
      status = res.status;
      line = (target === 'help' ? res.stdout.split('\n')[0] : res.stderr.split('\n').find((l) => l.startsWith('lab: '))) ?? res.stderr.split('\n')[0] ?? '';
    }
    rows.push([`make ${args.slice(1).join(' ')}`, String(status), median(times).toFixed(0), Math.max(...times).toFixed(0), line.length > 110 ? `${line.slice(0, 107)}…` : line]);
  }
} finally {
  rmSync(state, { recursive: true, force: true });
}
const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
for (const row of rows) process.stdout.write(`${row.map((cell, c) => (c === 1 || c === 2 || c === 3 ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0))).join('  ').trimEnd()}\n`);
process.stdout.write(`\n${rounds} rounds each, through make as a user types it; ${new Date().toISOString()}\n`);
