import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../src/config/config-error.js';
import { parseConfig, type HostFacts, type ProcessRole } from '../src/config/config.js';
import { nodeVersionHasReusePort, reusePortSupport } from '../src/config/reuse-port-support.js';
import { clusterWorkerIdentity, pm2Identity, singleIdentity } from '../src/serving/serving-identity.js';

const NODE_20: HostFacts = { availableParallelism: 4, nodeVersion: '20.19.0', platform: 'linux' };
const NODE_24: HostFacts = { availableParallelism: 4, nodeVersion: '24.1.0', platform: 'linux' };

function configError(env: Record<string, string>, role: ProcessRole = 'single', host: HostFacts = NODE_20): string {
  try {
    parseConfig(env, role, host);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.message;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be rejected`);
}

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    assert.deepEqual(parseConfig({}, 'single', NODE_20), {
      port: 3000,
      host: undefined,
      workers: 4,
      metricsPort: 9100,
      primaryMetricsPort: 9104,
      metricsEnabled: true,
      heavyIterations: 5_000_000,
      heavyMax: 100_000_000,
      shutdownTimeoutMs: 10_000,
      keepAliveTimeoutMs: 65_000,
      logFormat: 'text',
      logLevel: 'info',
      labMode: undefined,
      workerIndex: 0,
      reusePort: false,
      clusterScheduling: 'rr',
    });
  });

  it('reads every variable', () => {
    const config = parseConfig(
      {
        PORT: '8080',
        HOST: '127.0.0.1',
        WORKERS: '3',
        METRICS_PORT: '9200',
        PRIMARY_METRICS_PORT: '9300',
        METRICS: 'off',
        HEAVY_ITERATIONS: '1000',
        HEAVY_MAX: '2000',
        SHUTDOWN_TIMEOUT_MS: '500',
        KEEP_ALIVE_TIMEOUT_MS: '1000',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'debug',
        LAB_MODE: 'cluster-none',
        WORKER_INDEX: '7',
        REUSE_PORT: 'false',
        CLUSTER_SCHEDULING: 'none',
      },
      'cluster-primary',
      NODE_20,
    );
    assert.deepEqual(config, {
      port: 8080,
      host: '127.0.0.1',
      workers: 3,
      metricsPort: 9200,
      primaryMetricsPort: 9300,
      metricsEnabled: false,
      heavyIterations: 1000,
      heavyMax: 2000,
      shutdownTimeoutMs: 500,
      keepAliveTimeoutMs: 1000,
      logFormat: 'json',
      logLevel: 'debug',
      labMode: 'cluster-none',
      workerIndex: 7,
      reusePort: false,
      clusterScheduling: 'none',
    });
  });

  it('treats an empty value as unset', () => {
    assert.equal(parseConfig({ PORT: '', HOST: '' }, 'single', NODE_20).port, 3000);
    assert.equal(parseConfig({ PORT: '', HOST: '' }, 'single', NODE_20).host, undefined);
  });

  it('puts the primary metrics port right after the workers’ block', () => {
    assert.equal(parseConfig({ WORKERS: '2', METRICS_PORT: '9200' }, 'cluster-primary', NODE_20).primaryMetricsPort, 9202);
  });

  it('caps the default HEAVY_ITERATIONS at HEAVY_MAX', () => {
    assert.equal(parseConfig({ HEAVY_MAX: '1000' }, 'single', NODE_20).heavyIterations, 1000);
  });

  const rejected: [Record<string, string>, ProcessRole, string][] = [
    [{ PORT: 'abc' }, 'single', 'Invalid environment variable PORT="abc": expected an integer from 1 to 65535'],
    [{ PORT: '0' }, 'single', 'Invalid environment variable PORT="0": expected an integer from 1 to 65535'],
    [{ PORT: '65536' }, 'single', 'Invalid environment variable PORT="65536": expected an integer from 1 to 65535'],
    [{ PORT: ' 80' }, 'single', 'Invalid environment variable PORT=" 80": expected an integer from 1 to 65535'],
    [{ PORT: '1e3' }, 'single', 'Invalid environment variable PORT="1e3": expected an integer from 1 to 65535'],
    [{ WORKERS: '0' }, 'cluster-primary', 'Invalid environment variable WORKERS="0": expected an integer from 1 to 256'],
    [{ WORKERS: '-1' }, 'cluster-primary', 'Invalid environment variable WORKERS="-1": expected an integer from 1 to 256'],
    [{ WORKERS: '2.5' }, 'pm2', 'Invalid environment variable WORKERS="2.5": expected an integer from 1 to 256'],
    [{ METRICS_PORT: 'x' }, 'single', 'Invalid environment variable METRICS_PORT="x": expected an integer from 1 to 65535'],
    [{ HEAVY_MAX: '0' }, 'single', `Invalid environment variable HEAVY_MAX="0": expected an integer from 1 to ${Number.MAX_SAFE_INTEGER}`],
    [
      { HEAVY_ITERATIONS: '200000000' },
      'single',
      'Invalid environment variable HEAVY_ITERATIONS="200000000": expected an integer from 1 to 100000000',
    ],
    [{ HEAVY_ITERATIONS: '11', HEAVY_MAX: '10' }, 'single', 'Invalid environment variable HEAVY_ITERATIONS="11": expected an integer from 1 to 10'],
    [
      { SHUTDOWN_TIMEOUT_MS: '0' },
      'single',
      'Invalid environment variable SHUTDOWN_TIMEOUT_MS="0": expected an integer from 1 to 3600000',
    ],
    [
      { KEEP_ALIVE_TIMEOUT_MS: '65s' },
      'single',
      'Invalid environment variable KEEP_ALIVE_TIMEOUT_MS="65s": expected an integer from 1 to 3600000',
    ],
    [{ LOG_FORMAT: 'xml' }, 'single', 'Invalid environment variable LOG_FORMAT="xml": expected one of text, json'],
    [
      { LOG_LEVEL: 'verbose' },
      'single',
      'Invalid environment variable LOG_LEVEL="verbose": expected one of fatal, error, warn, info, debug, trace, silent',
    ],
    [{ METRICS: 'true' }, 'single', 'Invalid environment variable METRICS="true": expected one of on, off'],
    [{ REUSE_PORT: 'yes' }, 'single', 'Invalid environment variable REUSE_PORT="yes": expected one of true, false'],
    [{ CLUSTER_SCHEDULING: 'fifo' }, 'cluster-primary', 'Invalid environment variable CLUSTER_SCHEDULING="fifo": expected one of rr, none'],
    [{ WORKER_INDEX: '-1' }, 'single', 'Invalid environment variable WORKER_INDEX="-1": expected an integer from 0 to 65535'],
    [
      { LAB_MODE: 'Big Mode' },
      'single',
      'Invalid environment variable LAB_MODE="Big Mode": expected a label value of up to 32 characters: a lowercase letter, then lowercase letters, digits, - or _',
    ],
    [{ HOST: 'bad host' }, 'single', 'Invalid environment variable HOST="bad host": expected a host name or IP address'],
    [
      { WORKERS: '2', METRICS_PORT: '9100', PRIMARY_METRICS_PORT: '9101' },
      'cluster-primary',
      'Invalid environment variable PRIMARY_METRICS_PORT="9101": expected a port outside the workers\' metrics ports 9100-9101 (METRICS_PORT + 0..WORKERS-1)',
    ],
    [{ PORT: '9100' }, 'single', 'Invalid environment variable PORT="9100": expected a port other than the metrics port(s) 9100'],
    [
      { PORT: '9102', WORKERS: '2' },
      'cluster-primary',
      'Invalid environment variable PORT="9102": expected a port other than the metrics port(s) 9100-9101 and 9102',
    ],
    [{ PORT: '9101', WORKERS: '2' }, 'pm2', 'Invalid environment variable PORT="9101": expected a port other than the metrics port(s) 9100-9101'],
    [
      { METRICS_PORT: '65535', WORKERS: '2' },
      'cluster-primary',
      'Invalid environment variable METRICS_PORT="65535": expected an integer from 1 to 65533, so that its 3 metrics port(s) fit below 65536',
    ],
  ];
  for (const [env, role, message] of rejected) {
    it(`rejects ${JSON.stringify(env)} (${role})`, () => {
      assert.equal(configError(env, role), message);
    });
  }

  it('skips the port layout checks when metrics are off', () => {
    assert.equal(parseConfig({ PORT: '9100', METRICS: 'off' }, 'single', NODE_20).port, 9100);
  });

  it('rejects REUSE_PORT=true for a single process on a Node without reusePort', () => {
    assert.equal(
      configError({ REUSE_PORT: 'true' }, 'single', NODE_20),
      'Invalid environment variable REUSE_PORT="true": the running Node v20.19.0 lacks listen({ reusePort }) (needs Node 22.12+ or 23.1+)',
    );
    assert.equal(parseConfig({ REUSE_PORT: 'true' }, 'single', NODE_24).reusePort, true);
  });

  it('leaves REUSE_PORT to the single process', () => {
    assert.equal(parseConfig({ REUSE_PORT: 'true' }, 'cluster-primary', NODE_20).reusePort, true);
  });
});

describe('reusePort support', () => {
  const versions: [string, boolean][] = [
    ['20.19.0', false],
    ['20.20.2', false],
    ['22.11.0', false],
    ['22.12.0', true],
    ['23.0.0', false],
    ['23.1.0', true],
    ['24.0.0', true],
    ['25.2.1', true],
  ];
  for (const [version, expected] of versions) {
    it(`Node ${version}: ${expected ? 'has' : 'lacks'} reusePort`, () => {
      assert.equal(nodeVersionHasReusePort(version), expected);
    });
  }

  it('requires a platform that balances reusePort sockets', () => {
    assert.deepEqual(reusePortSupport({ nodeVersion: '24.1.0', platform: 'linux' }), { supported: true });
    assert.equal(reusePortSupport({ nodeVersion: '24.1.0', platform: 'darwin' }).supported, false);
  });
});

describe('serving identity', () => {
  const config = parseConfig({ WORKERS: '2', METRICS_PORT: '9300', WORKER_INDEX: '5' }, 'single', NODE_20);

  it('single: WORKER_INDEX labels the process, METRICS_PORT is used as is', () => {
    assert.deepEqual(singleIdentity(config), {
      role: 'single',
      mode: 'single',
      workerIndex: 5,
      metricsPort: 9300,
      metricsBindWaitMs: 0,
      reusePort: false,
    });
  });

  it('cluster worker: the slot from the primary, METRICS_PORT + slot', () => {
    const identity = clusterWorkerIdentity(config, { CLUSTER_WORKER_SLOT: '1', CLUSTER_METRICS_BIND_WAIT_MS: '12000' });
    assert.equal(identity.mode, 'cluster');
    assert.equal(identity.workerIndex, 1);
    assert.equal(identity.metricsPort, 9301);
    assert.equal(identity.metricsBindWaitMs, 12_000);
    assert.throws(() => clusterWorkerIdentity(config, {}), ConfigError);
    assert.throws(() => clusterWorkerIdentity(config, { CLUSTER_WORKER_SLOT: '2' }), ConfigError);
  });

  it('pm2: NODE_APP_INSTANCE, METRICS_PORT + instance, LAB_MODE overrides the mode', () => {
    const labConfig = parseConfig({ METRICS_PORT: '9300', LAB_MODE: 'pm2-lab' }, 'pm2', NODE_20);
    const identity = pm2Identity(labConfig, { NODE_APP_INSTANCE: '1', pm_id: '4' });
    assert.equal(identity.mode, 'pm2-lab');
    assert.equal(identity.workerIndex, 1);
    assert.equal(identity.metricsPort, 9301);
  });
});
