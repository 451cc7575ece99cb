import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readOptions, UsageError } from '../../src/config/lab-options.js';
import { scenarioFor, readScenario } from '../../src/scenario-file.js';

test('defaults: every mode, adaptive repetitions, auto runtime, NODE unset (the set-up step\'s Node 24)', () => {
  const o = readOptions({});
  assert.equal(o.modes, undefined);
  assert.equal(o.repeat, undefined, 'adaptive: until the interval is tight');
  assert.equal(readOptions({ REPEAT: 'auto' }).repeat, undefined);
  assert.equal(readOptions({ REPEAT: '4' }).repeat, 4);
  assert.equal(o.runtime, 'auto');
  assert.equal(o.node, undefined);
  assert.ok(o.workers >= 1);
});

test('variables are parsed and validated', () => {
  const o = readOptions({ MODE: 'cluster,pm2', WORKERS: '4', REQUESTS: '500', CONCURRENCY: '50', TARGET_PATH: '/heavy?n=10', REPEAT: '5', RUNTIME: 'native' });
  assert.deepEqual(o.modes, ['cluster', 'pm2']);
  assert.equal(o.workers, 4);
  assert.equal(o.requests, 500);
  assert.equal(o.concurrency, 50);
  assert.equal(o.path, '/heavy?n=10');
  assert.equal(o.repeat, 5);
  assert.equal(o.runtime, 'native');
});

for (const [name, value, accepted] of [
  ['MODE', 'clusterr', /MODE=clusterr is not accepted: expected one of single, cluster, cluster-none, pm2, nginx, reuseport/],
  ['WORKERS', '0', /WORKERS=0 is not accepted: expected an integer from 1 to 99/],
  ['WORKERS', 'two', /WORKERS=two is not accepted/],
  ['REQUESTS', '-5', /REQUESTS=-5 is not accepted: expected an integer/],
  ['CONCURRENCY', '1.5', /CONCURRENCY=1.5 is not accepted/],
  ['REPEAT', '1000', /^REPEAT=1000 is not accepted: expected auto \(repeat until the 95% interval is within ±3%\) or an integer from 1 to 100$/],
  ['RUNTIME', 'podman', /RUNTIME=podman is not accepted: expected auto, native, docker, swarm or kubernetes/],
  ['TARGET_PATH', 'heavy', /TARGET_PATH=heavy is not accepted: expected a path starting with \//],
] as const) {
  test(`${name}=${value} is refused with one line naming it`, () => {
    assert.throws(() => readOptions({ [name]: value }), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, accepted);
      assert.ok(!error.message.includes('\n'));
      return true;
    });
  });
}

test('the scenario is the seed test, and the overrides apply', () => {
  const base = readScenario();
  assert.equal(base.path, '/heavy');
  assert.equal(base.requests, 1200);
  assert.equal(base.concurrency, 200);
  assert.equal(base.keepAlive, true);
  const s = scenarioFor({ requests: 100, concurrency: 500, path: '/' });
  assert.equal(s.requests, 100);
  assert.equal(s.concurrency, 100, 'no more connections than requests');
  assert.equal(s.path, '/');
});

test('WARMUP and WARMUP_MIN reach the scenario (the warm-up window per process, the requests before a process counts as warm)', () => {
  const base = readScenario();
  assert.equal(base.steadyMinRequests, 12_000);
  const s = scenarioFor(readOptions({ WARMUP: '100', WARMUP_MIN: '0' }));
  assert.deepEqual([s.warmupRequests, s.steadyMinRequests], [100, 0]);
  assert.throws(() => readOptions({ WARMUP: 'lots' }), (e: Error) => e instanceof UsageError && /^WARMUP=lots is not accepted: expected an integer from 0 to 100000$/.test(e.message));
});
