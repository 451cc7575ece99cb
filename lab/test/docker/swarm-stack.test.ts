/** docker-stack.yml: derived from the Compose model, checked in, carrying what Swarm needs (see swarm-stack.ts). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { appLivenessHealthcheck, BENCH_PROFILE, composeModel, isAppHealthcheck } from '../../src/docker/compose.js';
import { readScenario } from '../../src/scenario-file.js';
import { hostModePort, renderSwarmStack, SWARM_LEFT_OUT, SWARM_NETWORK, swarmStackModel } from '../../src/docker/swarm-stack.js';
import { paths } from '../../src/paths.js';

test('docker-stack.yml is the rendered model (a stale file fails)', () => {
  assert.equal(readFileSync(paths.swarmStackFile, 'utf8'), renderSwarmStack(), 'docker-stack.yml is stale: run `npm run generate -w lab`');
  assert.deepEqual(parse(readFileSync(paths.swarmStackFile, 'utf8')), swarmStackModel());
});

test("every service Compose's `up` starts is in the stack, but the ones Swarm cannot run; no bench-profile service", () => {
  const compose = composeModel();
  const started = Object.entries(compose.services).filter(([, s]) => !(s.profiles ?? []).includes(BENCH_PROFILE)).map(([name]) => name);
  const stack = swarmStackModel(compose);
  assert.deepEqual(Object.keys(stack.services).sort(), started.filter((s) => !SWARM_LEFT_OUT.includes(s)).sort());
  assert.ok(SWARM_LEFT_OUT.every((s) => started.includes(s)), 'what is left out exists in Compose');
});

test("the same image, command, environment, health check and CPU budget as Compose's service", () => {
  const compose = composeModel();
  for (const [name, s] of Object.entries(swarmStackModel(compose).services)) {
    const c = compose.services[name];
    assert.ok(c);
    assert.equal(s.image, c.image, name);
    assert.deepEqual(s.command, c.command, name);
    assert.deepEqual(s.environment, c.environment, name);
    // The app's check becomes the liveness rule (Swarm replaces an unhealthy task); every other service keeps its own.
    if (isAppHealthcheck(c.healthcheck)) assert.deepEqual(s.healthcheck, appLivenessHealthcheck(readScenario().timeoutMs), name);
    else assert.deepEqual(s.healthcheck, c.healthcheck, name);
    assert.equal(s.deploy.resources?.limits.cpus, c.cpus, `${name}: Compose's cpus is Swarm's limit`);
    assert.equal(s.deploy.replicas, c.deploy?.replicas ?? 1, name);
    assert.equal(s.deploy.endpoint_mode, 'dnsrr', `${name}: no VIP (IPVS) needed`);
    assert.equal(s.deploy.update_config.order, 'start-first', name);
    assert.deepEqual(s.networks, [SWARM_NETWORK], name);
    assert.deepEqual(s.ports?.map((p) => `${p.published}:${p.target}`), c.ports?.map((p) => p.replace(/^127\.0\.0\.1:/, '')), `${name}: the same ports`);
    assert.ok((s.ports ?? []).every((p) => p.mode === 'host'), `${name}: host-mode ports (the routing mesh needs IPVS)`);
  }
});

test('the network is overlay and attachable, so the runner joins it as a plain container', () => {
  assert.deepEqual(swarmStackModel().networks[SWARM_NETWORK], { driver: 'overlay', attachable: true });
});

test('a Compose port is carried over as a host-mode port, or refused with the port named', () => {
  assert.deepEqual(hostModePort('127.0.0.1:${SINGLE_PORT:-3001}:3000'), { target: 3000, published: '${SINGLE_PORT:-3001}', protocol: 'tcp', mode: 'host' });
  assert.deepEqual(hostModePort('8080:80'), { target: 80, published: '8080', protocol: 'tcp', mode: 'host' });
  assert.throws(() => hostModePort('3000-3005:3000'), /3000-3005:3000/);
});

test('Swarm replaces a task only once it has not answered for longer than the runner waits: a saturated one stays', () => {
  const h = appLivenessHealthcheck(readScenario().timeoutMs);
  const seconds = (d: string): number => Number(/^(\d+)s$/.exec(d)?.[1]);
  assert.ok(h.retries * seconds(h.interval) > readScenario().timeoutMs / 1000, `${h.retries} × ${h.interval} above the ${readScenario().timeoutMs} ms request timeout`);
  assert.ok(seconds(h.timeout) > 2, 'longer than the Compose check, which a saturated single task failed');
  assert.match(h.test.join(' '), /GET \/healthz /, 'liveness, not readiness: a draining task is not dead');
  const apps = Object.entries(swarmStackModel().services).filter(([, s]) => s.image === composeModel().services['app-single']?.image);
  assert.ok(apps.length >= 6, 'every app service');
  for (const [name, s] of apps) assert.deepEqual(s.healthcheck, h, name);
});
