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
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { K6_GENERATOR, RUNNER_GENERATOR } from '../../src/docker/docker-sweep.js';
import { dockerEngine, dockerLab, shiftedPorts } from './stack.js';
import type { SweepReport } from '../../src/model/sweep.js';

const SHIFTED_PORTS = shiftedPorts(13000, 19090);
const results = mkdtempSync(join(tmpdir(), 'lab-docker-sweep-'));

const lab = dockerLab(SHIFTED_PORTS, { RESULTS_DIR: results, LAB_STATE_DIR: results });

const { usable, required, notRun } = await dockerEngine();

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
    const out = await lab('sweep', { MODE: 'cluster', RATES: '20,60', STEP_SECONDS: '1', WARMUP: '100', WARMUP_MIN: '0' });
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
