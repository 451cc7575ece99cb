/**
 * make sweep RUNTIME=docker on a real engine: up, a short sweep of cluster (single joins
 * as the reference) at RATES=20,60 with 1 s steps, loaded from the Compose network,
 * then down. The report is the native sweep's model (results/sweep.{json,html}, the
 * terminal table) with runtime docker and the generator named; at the light rate the
 * stack keeps up with the schedule; the primary's CPU is "not measured in Docker".
 * Skipped when no engine answers; LAB_REQUIRE_DOCKER=1 (CI) makes that a failure.
 * Shifted host ports (13000-19999), as docker-stack.test.ts, so the native lab's never meet it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { composeVersion, dockerAvailable, MIN_COMPOSE_VERSION, versionAtLeast } from '../../src/docker/docker-runtime.js';
import { K6_GENERATOR, RUNNER_GENERATOR } from '../../src/docker/docker-sweep.js';
import { paths } from '../../src/paths.js';
import type { SweepReport } from '../../src/sweep/types.js';

const SHIFTED_PORTS: Record<string, string> = {
  SINGLE_PORT: '13001', CLUSTER_PORT: '13002', PM2_PORT: '13003', NGINX_PORT: '13004',
  CLUSTER_NONE_PORT: '13006', PROMETHEUS_PORT: '19090', GRAFANA_PORT: '13000',
};
const results = mkdtempSync(join(tmpdir(), 'lab-docker-sweep-'));

const baseEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, ...SHIFTED_PORTS, RUNTIME: 'docker', APP_CPUS: '2', RESULTS_DIR: results, LAB_STATE_DIR: results, ...extra };
  for (const name of ['MODE', 'WORKERS', 'REQUESTS', 'CONCURRENCY', 'TARGET_PATH', 'REPEAT', 'RATES', 'STEP_SECONDS', 'SLO_P99_MS', 'SWEEP_CONNECTIONS']) {
    if (!(name in extra)) Reflect.deleteProperty(env, name);
  }
  return env;
};

/** The lab's CLI as `make <command>` runs it once built; rejects on a non-zero exit. */
function lab(command: string, extra: Record<string, string> = {}, timeoutMs = 300_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(paths.root, 'lab', 'dist', 'cli.js'), command], { cwd: paths.root, env: baseEnv(extra) });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`lab ${command} exited ${code}:\n${out.slice(-3000)}`));
    });
  });
}

const engine = (await dockerAvailable(5000)) ? await composeVersion() : undefined;
const usable = engine !== undefined && versionAtLeast(engine, MIN_COMPOSE_VERSION);
const required = process.env['LAB_REQUIRE_DOCKER'] === '1';
const notRun = usable ? false : `not run: no Docker engine with Compose >= ${MIN_COMPOSE_VERSION} answers (CI provisions one: .ci/provision-docker)`;

describe('make sweep RUNTIME=docker on a real engine', { skip: required ? false : notRun }, () => {
  before(async () => {
    assert.ok(usable, `LAB_REQUIRE_DOCKER=1 but ${String(notRun).replace('not run: ', '')}`);
    await lab('up', { WORKERS: '2' });
  });
  after(async () => {
    if (usable) await lab('down').catch(() => undefined);
    rmSync(results, { recursive: true, force: true });
  });

  it('MODE=cluster RATES=20,60 STEP_SECONDS=1: the native report model, runtime docker, the generator named', async () => {
    const out = await lab('sweep', { MODE: 'cluster', RATES: '20,60', STEP_SECONDS: '1' });
    assert.ok(existsSync(join(results, 'sweep.html')), 'sweep.html written');
    const report = JSON.parse(readFileSync(join(results, 'sweep.json'), 'utf8')) as SweepReport;
    assert.equal(report.runtime, 'docker');
    assert.ok([RUNNER_GENERATOR, K6_GENERATOR].includes(report.generator), report.generator);
    assert.equal(report.ratesFrom, 'RATES');
    assert.deepEqual(report.topologies.map((t) => [t.mode, t.available]), [['single', true], ['cluster', true]]);
    for (const t of report.topologies) {
      assert.deepEqual(t.steps.map((s) => s.offeredRps), [20, 60], `${t.mode}: one step per rate`);
      const light = t.steps[0];
      assert.ok(light !== undefined && Math.abs(light.achievedRps - 20) <= 2, `${t.mode} at 20 req/s achieved ${light?.achievedRps}`);
      assert.equal(light.errors.total, 0);
      assert.ok((t.cpuPerRequestMs?.app ?? 0) > 0, `${t.mode}: the workers' CPU read from their metrics`);
    }
    assert.deepEqual(report.topologies.find((t) => t.mode === 'cluster')?.cpuNotMeasured, ['primary']);
    assert.match(out, /runtime: docker/);
    assert.match(out, /primary: not measured in Docker/);
    assert.match(out, /Capacity at the objective/);
  });
});
