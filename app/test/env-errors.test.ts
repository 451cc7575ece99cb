import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { nodeVersionHasReusePort } from '../src/config/reuse-port-support.js';
import { ECOSYSTEM_FILE, PRIMARY_SCRIPT, SERVER_SCRIPT } from './support/paths.js';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: readonly string[], env: Record<string, string>): Run {
  const result = spawnSync(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    encoding: 'utf8',
    timeout: 10_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function assertRefused(result: Run, line: string): void {
  assert.equal(result.status, 2);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, `${line}\n`, 'exactly one line, no stack trace');
}

describe('bad environment values stop the process with exit code 2 and one line', () => {
  const cases: [string, Record<string, string>, string][] = [
    [SERVER_SCRIPT, { PORT: 'abc' }, 'Invalid environment variable PORT="abc": expected an integer from 1 to 65535'],
    [SERVER_SCRIPT, { LOG_FORMAT: 'xml' }, 'Invalid environment variable LOG_FORMAT="xml": expected one of text, json'],
    [SERVER_SCRIPT, { METRICS: 'maybe' }, 'Invalid environment variable METRICS="maybe": expected one of on, off'],
    [SERVER_SCRIPT, { HEAVY_ITERATIONS: '0' }, 'Invalid environment variable HEAVY_ITERATIONS="0": expected an integer from 1 to 100000000'],
    [SERVER_SCRIPT, { WORKER_INDEX: 'first' }, 'Invalid environment variable WORKER_INDEX="first": expected an integer from 0 to 65535'],
    [
      SERVER_SCRIPT,
      { KEEP_ALIVE_TIMEOUT_MS: '-1' },
      'Invalid environment variable KEEP_ALIVE_TIMEOUT_MS="-1": expected an integer from 1 to 3600000',
    ],
    [PRIMARY_SCRIPT, { WORKERS: 'four' }, 'Invalid environment variable WORKERS="four": expected an integer from 1 to 256'],
    [PRIMARY_SCRIPT, { CLUSTER_SCHEDULING: 'fifo' }, 'Invalid environment variable CLUSTER_SCHEDULING="fifo": expected one of rr, none'],
    [
      PRIMARY_SCRIPT,
      { WORKERS: '2', METRICS_PORT: '9100', PRIMARY_METRICS_PORT: '9100' },
      'Invalid environment variable PRIMARY_METRICS_PORT="9100": expected a port outside the workers\' metrics ports 9100-9101 (METRICS_PORT + 0..WORKERS-1)',
    ],
    [
      PRIMARY_SCRIPT,
      { SHUTDOWN_TIMEOUT_MS: '10s' },
      'Invalid environment variable SHUTDOWN_TIMEOUT_MS="10s": expected an integer from 1 to 3600000',
    ],
  ];
  for (const [script, env, line] of cases) {
    const name = script === SERVER_SCRIPT ? 'server.js' : 'primary.js';
    it(`${name} ${Object.entries(env).map(([key, value]) => `${key}=${value}`).join(' ')}`, () => {
      assertRefused(run([script], env), line);
    });
  }

  it('REUSE_PORT=true on a Node without reusePort names the running version', { skip: nodeVersionHasReusePort(process.versions.node) }, () => {
    assertRefused(
      run([SERVER_SCRIPT], { REUSE_PORT: 'true' }),
      `Invalid environment variable REUSE_PORT="true": the running Node v${process.versions.node} lacks listen({ reusePort }) (needs Node 22.12+ or 23.1+)`,
    );
  });

  it('a cluster worker started by hand refuses to run', () => {
    const result = run([SERVER_SCRIPT.replace(/server\.js$/, 'cluster-worker.js')], {});
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^Invalid environment variable CLUSTER_WORKER_SLOT="": not set: cluster workers are started by primary\.js\n$/);
  });

  it('ecosystem.config.cjs applies the same rule to WORKERS and SHUTDOWN_TIMEOUT_MS', () => {
    assertRefused(
      run(['-e', `require(${JSON.stringify(ECOSYSTEM_FILE)})`], { WORKERS: '0' }),
      'Invalid environment variable WORKERS="0": expected an integer from 1 to 256',
    );
    assertRefused(
      run(['-e', `require(${JSON.stringify(ECOSYSTEM_FILE)})`], { SHUTDOWN_TIMEOUT_MS: 'soon' }),
      'Invalid environment variable SHUTDOWN_TIMEOUT_MS="soon": expected an integer from 1 to 3600000',
    );
  });

  it('ecosystem.config.cjs: instances from WORKERS, kill_timeout above the app shutdown, paths from __dirname', () => {
    const show = `const c = require(${JSON.stringify(ECOSYSTEM_FILE)}); process.stdout.write(JSON.stringify(c))`;
    const result = run(['-e', show], { WORKERS: '3', SHUTDOWN_TIMEOUT_MS: '4000', DEPLOY_HOST: 'app.example', DEPLOY_REPO: 'git@example:lab.git' });
    assert.equal(result.status, 0, result.stderr);
    const config = JSON.parse(result.stdout) as {
      apps: Record<string, unknown>[];
      deploy: { production: Record<string, unknown> };
    };
    const app = config.apps[0];
    assert.ok(app);
    assert.equal(app.name, 'cluster_app');
    assert.equal(app.exec_mode, 'cluster');
    assert.equal(app.instances, 3);
    assert.equal(app.wait_ready, true);
    assert.equal(app.kill_timeout, 7000);
    assert.equal(app.watch, false);
    assert.equal(app.script, SERVER_SCRIPT);
    assert.equal(config.deploy.production.host, 'app.example');
    assert.equal(config.deploy.production.repo, 'git@example:lab.git');
    const watched = JSON.parse(run(['-e', show], { PM2_WATCH: 'true' }).stdout) as { apps: { watch: unknown }[] };
    assert.ok(Array.isArray(watched.apps[0]?.watch));
  });
});
