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
  for (const target of ['up', 'bench', 'compare', 'down', 'ps', 'logs', 'test', 'generate', 'k8s', 'setup', 'bench-instrumentation', 'bench-generator']) {
    assert.match(stdout, new RegExp(`^\\s+${target}\\b`, 'm'), target);
  }
});

for (const [args, env, message] of [
  [['bench'], { RUNTIME: 'native', MODE: 'cluster', TARGET_PATH: '//elsewhere/heavy' }, /^lab: TARGET_PATH=\/\/elsewhere\/heavy is not accepted/],
  [['bench'], { RUNTIME: 'native' }, /^lab: MODE is required for bench: expected one of single, cluster/],
  [['up'], { RUNTIME: 'docker', MODE: 'cluster' }, /^lab: MODE=cluster is not accepted by `up` with RUNTIME=docker/],
  [['compare'], { RUNTIME: 'docker', WORKERS: '4' }, /^lab: WORKERS=4 is not accepted by `compare` with RUNTIME=docker/],
  [['frobnicate'], {}, /^lab: unknown command frobnicate/],
  [['bench'], { RUNTIME: 'native', MODE: 'cluster,pm2' }, /^lab: MODE=cluster,pm2 is not accepted by bench: expected one mode, one of single, cluster/],
  [['compare'], { RUNTIME: 'native', MODE: '' }, /^lab: MODE is empty: expected one of single, cluster.*, or leave it out for the default$/],
  [['compare'], { RUNTIME: 'native', DURATION: '30' }, /^lab: DURATION=30 is not used by `compare`: it applies to `bench`$/],
  [['compare'], { RUNTIME: 'native', RATES: '50,100' }, /^lab: RATES=50,100 is not used by `compare`: it applies to `sweep`$/],
  [['up'], { RUNTIME: 'native', REQUESTS: '10' }, /^lab: REQUESTS=10 is not used by `up`: it applies to `bench`, `compare`, `sweep`, `scale` and `resilience`$/],
  [['up'], { RUNTIME: 'native', APP_CPUS: '1' }, /^lab: APP_CPUS=1 is not used by `up` with RUNTIME=native: it sizes Docker's app containers$/],
  [['compare'], { RUNTIME: 'native', NODE: '/nonexistent/node' }, /^lab: NODE=\/nonexistent\/node is not accepted: expected the path of an executable node binary/],
  [['compare'], { RUNTIME: 'docker', NODE: process.execPath }, /^lab: NODE=.* is not accepted by `compare` with RUNTIME=docker: the image's Node 24 runs the app/],
  [['compare'], { RUNTIME: 'docker', LAB_INSTALL: 'maybe' }, /^lab: LAB_INSTALL=maybe is not accepted: expected auto/],
  [['bench'], { RUNTIME: 'native', MODE: 'single', LAB_INSTALL: 'no', NODE: '/bin/true' }, /^lab: NODE=\/bin\/true is not accepted: expected the path of a node binary that runs the built app \(it printed no answer to the lab's probe\)$/],
  // A command the runtime does not declare as a capability: one line naming the runtime and the runtimes that run it, before its variables.
  [['scale'], { RUNTIME: 'swarm', MODE: 'cluster' }, /^lab: RUNTIME=swarm is not accepted by scale \(it changes WORKERS per size, which Docker sets only by `make up WORKERS=n`\): run it with RUNTIME=native$/],
] as const) {
  test(`${args.join(' ')} with ${JSON.stringify(env)}: exit 2 and one line`, () => {
    const res = lab([...args], { ...env });
    assert.equal(res.status, 2, res.stderr);
    assert.match(res.stderr.trim(), message);
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
  });
}

test('the help says which targets exist only in make (install, build, test, generate, k8s, bench-*)', () => {
  const { stdout } = lab(['help'], {});
  assert.match(stdout, /every target but install, build, test, generate, k8s and bench-\* is also node lab\/dist\/cli\.js <target>/);
  for (const makeOnly of ['test', 'generate', 'k8s']) {
    const res = lab([makeOnly], {});
    assert.equal(res.status, 2, `${makeOnly} is a make target, not a CLI command`);
  }
});

test('RUNTIME=auto without a Docker engine runs native, and its first line says why', () => {
  const res = lab(['ps'], { LAB_DOCKER: '/nonexistent/docker' });
  assert.equal(res.status, 0, res.stderr);
  assert.match(res.stderr.split('\n')[0] ?? '', /^RUNTIME=auto: native \(no Docker engine answers; the Docker stack is `make up` with an engine running\)$/);
});

test('RUNTIME=auto with an engine but no stack of this lab up runs native, and says so', (t) => {
  const engine = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 10_000 });
  if (engine.status !== 0) {
    if (process.env['LAB_REQUIRE_DOCKER'] === '1') assert.fail(`LAB_REQUIRE_DOCKER=1 but no Docker engine answers: ${engine.stderr}`);
    t.skip('no Docker engine answers here (CI sets LAB_REQUIRE_DOCKER=1 and provisions one)');
    return;
  }
  // A project name no stack uses: whatever else runs on this engine, this lab's "stack" is not up.
  const res = lab(['ps'], { COMPOSE_PROJECT_NAME: `lab-cli-test-${process.pid}` });
  assert.equal(res.status, 0, res.stderr);
  assert.match(res.stderr.split('\n')[0] ?? '', /^RUNTIME=auto: native \(a Docker engine answers but this lab's stack is not up: `make up` starts it\)$/);
});

test('down reads only RUNTIME: a stray bad variable never blocks stopping the lab', () => {
  const res = lab(['down'], { RUNTIME: 'native', WORKERS: 'lots', MODE: 'nope' });
  assert.equal(res.status, 0, res.stderr);
  assert.match(res.stderr, /nothing was running/);
});
