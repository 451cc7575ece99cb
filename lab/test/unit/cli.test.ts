/** The lab's command line as a process: exit codes and one-line errors, nothing started. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const state = mkdtempSync(join(tmpdir(), 'lab-cli-'));
after(() => rmSync(state, { recursive: true, force: true }));

function lab(args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', LAB_STATE_DIR: state, ...env },
    timeout: 30_000,
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

test('help lists every make target', () => {
  const { status, stdout } = lab(['help'], {});
  assert.equal(status, 0);
  for (const target of ['up', 'bench', 'compare', 'down', 'ps', 'logs', 'test', 'generate', 'setup', 'bench-instrumentation', 'bench-generator']) {
    assert.match(stdout, new RegExp(`^\\s+${target}\\b`, 'm'), target);
  }
});

for (const [args, env, message] of [
  [['bench'], { RUNTIME: 'native', MODE: 'cluster', TARGET_PATH: '//elsewhere/heavy' }, /^lab: TARGET_PATH=\/\/elsewhere\/heavy is not accepted/],
  [['bench'], { RUNTIME: 'native' }, /^lab: MODE is required for bench: expected one of single, cluster/],
  [['up'], { RUNTIME: 'docker', MODE: 'cluster' }, /^lab: MODE=cluster is not accepted by `up` with RUNTIME=docker/],
  [['compare'], { RUNTIME: 'docker', WORKERS: '4' }, /^lab: WORKERS=4 is not accepted by `compare` with RUNTIME=docker/],
  [['frobnicate'], {}, /^lab: unknown command frobnicate/],
] as const) {
  test(`${args.join(' ')} with ${JSON.stringify(env)}: exit 2 and one line`, () => {
    const res = lab([...args], { ...env });
    assert.equal(res.status, 2, res.stderr);
    assert.match(res.stderr, message);
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
  });
}

test('down reads only RUNTIME: a stray bad variable never blocks stopping the lab', () => {
  const res = lab(['down'], { RUNTIME: 'native', WORKERS: 'lots', MODE: 'nope' });
  assert.equal(res.status, 0, res.stderr);
  assert.match(res.stderr, /nothing was running/);
});
