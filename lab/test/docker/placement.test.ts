/** Where the stack runs, Compose or Swarm: the one-off container's arguments carry the same service (placement.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { composeModel, RUNNER_SERVICE } from '../../src/docker/compose.js';
import { composePlacement, mountArgs, swarmPlacement } from '../../src/docker/placement.js';
import { STACK_LABEL } from '../../src/docker/swarm-stack.js';

const ctx = { root: '/repo', docker: 'docker', resultsDir: '/repo/results', env: {} };

test('Compose runs the one-off as its service; Swarm runs the same image, mounts and folder on the stack network', () => {
  const run = { service: RUNNER_SERVICE, command: ['node', 'x.js'], alias: true, user: '0:0' };
  const compose = composePlacement(ctx, 'proj').oneOff(run);
  assert.deepEqual(compose.slice(-4), ['--user', '0:0', RUNNER_SERVICE, 'node', 'x.js'].slice(-4));
  assert.ok(compose.includes('--use-aliases'));
  const swarm = swarmPlacement(ctx, 'lab').oneOff(run);
  const service = composeModel().services[RUNNER_SERVICE];
  assert.ok(service);
  assert.deepEqual(swarm.slice(0, 8), ['run', '--rm', '--init', '--label', `${STACK_LABEL}=lab`, '--network', 'lab_lab', '--network-alias'], "the stack's label: the interference meter counts the runner as the lab's");
  assert.deepEqual(swarm.slice(-3), [service.image, 'node', 'x.js']);
  assert.ok(swarm.includes('/repo:/lab:ro'), swarm.join(' '));
  assert.ok(swarm.includes('/repo/results:/results'), 'the results mount is the lab results folder');
  assert.equal(swarm[swarm.indexOf('-w') + 1], service.working_dir);
  assert.ok(!swarmPlacement(ctx, 'lab').oneOff({ ...run, alias: false }).includes('--network-alias'));
});

test("a Compose service's mounts as docker run's: the repository, an absolute path, the results folder", () => {
  assert.deepEqual(mountArgs(ctx, ['.:/lab:ro', '/etc/x:/x', '${LAB_RESULTS_DIR:-./results}:/results']), ['-v', '/repo:/lab:ro', '-v', '/etc/x:/x', '-v', '/repo/results:/results']);
});

test("k6's Compose environment is read as Compose reads it, the run's own variables on top", () => {
  const args = swarmPlacement({ ...ctx, env: { LAB_MODE: 'pm2' } }, 'lab').oneOff({ service: 'k6', command: ['run'], alias: false, user: '0:0', env: { TESTID: 't1' } });
  const env = args.flatMap((a, i) => (args[i - 1] === '-e' ? [a] : []));
  assert.ok(env.includes('LAB_MODE=pm2'), 'a given variable');
  assert.ok(env.some((e) => e.startsWith('BASE_URL=http://')), 'a default');
  assert.ok(env.includes('TESTID=t1'));
  assert.ok(env.every((e) => !e.includes('${')), env.join(' '));
});
