/** `lab sweep` and `lab scale` as processes: help lists them; bad input is one line, exit 2, nothing started. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const state = mkdtempSync(join(tmpdir(), 'lab-sweep-cli-'));
after(() => rmSync(state, { recursive: true, force: true }));

function lab(args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', LAB_STATE_DIR: state, RESULTS_DIR: state, LAB_INSTALL: 'no', ...env },
    timeout: 30_000,
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

test('help lists sweep and scale and their variables', () => {
  const { status, stdout } = lab(['help'], {});
  assert.equal(status, 0);
  for (const word of [/^\s+sweep\b/m, /^\s+scale\b/m, /^\s+RATES\b/m, /^\s+SLO_P99_MS\b/m, /^\s+STEP_SECONDS\b/m]) assert.match(stdout, word);
});

for (const [args, env, message] of [
  [['sweep'], { RUNTIME: 'native', RATES: '50,fast' }, /^lab: RATES=50,fast is not accepted: expected up to 20 comma-separated request rates/],
  [['sweep'], { RUNTIME: 'native', SLO_P99_MS: 'soon' }, /^lab: SLO_P99_MS=soon is not accepted: expected milliseconds from 1 to 600000/],
  [['sweep'], { RUNTIME: 'native', STEP_SECONDS: '0' }, /^lab: STEP_SECONDS=0 is not accepted/],
  [['sweep'], { RUNTIME: 'docker', WORKERS: '3' }, /^lab: WORKERS=3 is not accepted by `sweep` with RUNTIME=docker: containers are sized by `make up WORKERS=…`/],
  [['scale'], { RUNTIME: 'docker', MODE: 'cluster' }, /^lab: RUNTIME=docker is not accepted by scale \(it changes WORKERS per size, which Docker sets only by `make up WORKERS=n`\)/],
  [['scale'], { RUNTIME: 'native' }, /^lab: MODE is required for scale/],
  [['scale'], { RUNTIME: 'native', MODE: 'single' }, /^lab: MODE=single is not accepted by scale: expected a multi-process topology/],
] as const) {
  test(`${args.join(' ')} with ${JSON.stringify(env)}: exit 2, one line, nothing started`, () => {
    const res = lab([...args], { ...env });
    assert.equal(res.status, 2, res.stderr);
    assert.match(res.stderr, message);
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    assert.ok(!readdirSync(state).includes('logs'), 'a process was started');
  });
}
