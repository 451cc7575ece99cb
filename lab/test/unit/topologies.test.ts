/**
 * The topology table drives both runtimes: the native plan and the Compose services are
 * derived from the same rows here, and a row missing anything either runtime needs fails.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { appCommand, composeModel, PORT_VARIABLES, REPLICA_SERVICE, topologyServices } from '../../src/docker/compose.js';
import { APP_IMAGE } from '../../src/docker/images.js';
import { plan } from '../../src/native/topology-runner.js';
import { paths } from '../../src/paths.js';
import { CONTAINER_APP_PORT, ENTRY_FILES, MAX_WORKERS, NGINX_UPSTREAM_PORT, TOPOLOGIES, workerCount } from '../../src/topologies.js';

const WORKERS = 3;

for (const t of TOPOLOGIES) {
  test(`${t.mode}: one row gives the native plan and the Compose services, and they agree`, () => {
    assert.ok(t.title.length > 0 && t.strategy.length > 0, 'a label');
    assert.match(t.colour, /^#[0-9a-f]{6}$/, 'a colour for the report');
    assert.ok(Number.isInteger(t.port) && t.port > 1024, 'a host port');
    assert.ok(t.metricsPort % 100 === 0, "a metrics block of its own (worker i on metricsPort + i)");

    // Native: the processes the row asks for, every app process with the row's environment and entry.
    const specs = plan(t, { workers: WORKERS, node: 'node' });
    const apps = specs.filter((s) => s.name !== t.proxy);
    const n = workerCount(t, WORKERS);
    assert.equal(apps.length, t.instances === 'per-worker' ? n : 1);
    assert.equal(specs.length - apps.length, t.proxy === null ? 0 : 1, 'the front proxy, if any');
    for (const [i, s] of apps.entries()) {
      const entry = t.entry === 'pm2' ? s.args[2] : s.args[0];
      assert.equal(entry, join(paths.app, ENTRY_FILES[t.entry]), `${s.name}: the row's entry`);
      for (const [k, v] of Object.entries(t.env)) assert.equal(s.env[k], v, `${s.name}: ${k} from the row`);
      assert.equal(s.env['LAB_MODE'], t.mode);
      const port = t.instances === 'one' || t.proxy === null ? t.port : NGINX_UPSTREAM_PORT + i;
      assert.equal(s.env['PORT'], String(port));
      assert.equal(s.env['METRICS_PORT'], String(t.metricsPort + (t.instances === 'per-worker' ? i : 0)));
      if (t.instances === 'one' && t.multiProcess) assert.equal(s.env['WORKERS'], String(n), 'the entry forks WORKERS itself');
    }

    // Docker: the row's services, or none when one container cannot hold it.
    const services = topologyServices(t);
    if (t.service === null) {
      assert.ok(t.instances === 'per-worker' && t.proxy === null, 'native only: WORKERS entry processes on one port, no proxy');
      assert.deepEqual(services, {});
      return;
    }
    const front = services[t.service];
    assert.ok(front, 'its service');
    if (t.published) {
      assert.ok(PORT_VARIABLES[t.service], 'a host port variable');
      assert.deepEqual(front.ports, [`127.0.0.1:\${${PORT_VARIABLES[t.service]}:-${t.port}}:${CONTAINER_APP_PORT}`]);
    } else {
      assert.equal(front.ports, undefined, 'replicas: no host port (WORKERS containers cannot share one)');
      assert.equal(t.requires, 'container-replicas');
      assert.ok(front.deploy?.replicas, 'WORKERS containers of its own');
    }
    const app = t.proxy === null ? front : services[REPLICA_SERVICE];
    assert.ok(app, 'the app service');
    assert.equal(app.image, APP_IMAGE);
    assert.deepEqual(app.command, appCommand(t));
    assert.ok(app.command?.some((c) => c === ENTRY_FILES[t.entry]), 'the same entry as natively');
    for (const [k, v] of Object.entries(t.env)) assert.equal(app.environment?.[k], v, `${k} from the row`);
    assert.equal(app.environment?.['LAB_MODE'], t.mode);
    if (t.proxy !== null) assert.ok(app.deploy?.replicas, 'per-worker instances behind the proxy are WORKERS replicas');
    for (const [name, s] of Object.entries(services)) assert.deepEqual(composeModel().services[name]?.image, s.image, `${name} in the Compose file`);
  });
}

test('rows do not collide: modes, services, host ports and metrics blocks are each their own', () => {
  const unique = (values: unknown[]): boolean => new Set(values).size === values.length;
  assert.ok(unique(TOPOLOGIES.map((t) => t.mode)));
  assert.ok(unique(TOPOLOGIES.map((t) => t.service).filter((s) => s !== null)));
  assert.ok(unique(TOPOLOGIES.map((t) => t.port)));
  assert.ok(unique(TOPOLOGIES.map((t) => t.metricsPort)));
  assert.ok(unique(TOPOLOGIES.map((t) => t.colour)));
  // replicas never run natively (their metrics are on each container's own port): their block is nominal, above the runner's.
  for (const t of TOPOLOGIES.filter((x) => x.requires !== 'container-replicas')) assert.ok(t.metricsPort + MAX_WORKERS < 9700, `${t.mode}: its block stays below the next`);
});

test('with a CPU split (4 cores and more), every process of a topology starts on the app cores through taskset; without, as it is', async () => {
  const { spawnSync } = await import('node:child_process');
  for (const t of TOPOLOGIES) {
    const plain = plan(t, { workers: WORKERS, node: 'node' });
    const split = plan(t, { workers: WORKERS, node: 'node', appCores: '0-2' });
    assert.deepEqual(split.map((s) => [s.command, ...s.args]), plain.map((s) => ['taskset', '-c', '0-2', s.command, ...s.args]), t.mode);
  }
  // taskset execs the command on those cores: the pid is the app's, its affinity the list.
  const out = spawnSync('taskset', ['-c', '0', process.execPath, '-e', "console.log(require('node:fs').readFileSync('/proc/self/status','utf8').match(/Cpus_allowed_list:\\s*(\\S+)/)[1])"], { encoding: 'utf8' });
  assert.equal(out.stdout.trim(), '0');
});
