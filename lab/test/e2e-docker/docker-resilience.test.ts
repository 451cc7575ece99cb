/**
 * `make resilience RUNTIME=docker` on a real engine: the stack up, then the three rounds
 * on cluster and nginx (and single, always run) with a small load, the report's shape, no
 * request lost by a graceful stop (`docker compose stop`) or a rolling restart (SIGHUP to
 * the primary in its container), no drain forced by a rolling restart (cluster's old
 * workers hand the queue over; nginx's replicas restart out of rotation), the worker
 * killed with kill -9 replaced, the stack left running, then down. Runs whenever an engine with Compose >= 2.17 answers;
 * LAB_REQUIRE_DOCKER=1 (CI) makes "no engine" a failure. Shifted host ports (14000-19999),
 * so it meets neither the native lab's fixed ports nor docker-stack.test.ts'.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compose, dockerEngine, dockerLab, shiftedPorts } from './stack.js';
import type { ResilienceReport } from '../../src/model/resilience.js';

const SHIFTED_PORTS = shiftedPorts(14000, 19091);

const scratch = mkdtempSync(join(tmpdir(), 'lab-docker-resilience-'));
const results = join(scratch, 'results');

const lab = dockerLab(SHIFTED_PORTS, { RESULTS_DIR: results, LAB_STATE_DIR: join(scratch, 'state') });


const { usable, required, notRun } = await dockerEngine();

describe('make resilience RUNTIME=docker on a real engine', { skip: required ? false : notRun }, () => {
  before(async () => {
    assert.ok(usable, `LAB_REQUIRE_DOCKER=1 but ${String(notRun).replace('not run: ', '')}`);
    await lab('down');
  });
  after(async () => {
    if (usable) await lab('down').catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('without the stack: one line saying to run make up first', async () => {
    await assert.rejects(lab('resilience', { MODE: 'cluster' }, 60_000), /the Docker stack is not up .*make up RUNTIME=docker/);
  });

  it('cluster: a graceful stop and a rolling restart lose nothing, every old worker drains gracefully, the killed worker is replaced; nginx: each replica drains gracefully out of rotation; the stack is left up', async (t) => {
    await lab('up');
    const out = await lab('resilience', { MODE: 'cluster,nginx', REQUESTS: '300', CONCURRENCY: '50', REPEAT: '1' });
    assert.match(out, /stops, rolling restarts and crashes under load/);
    assert.ok(existsSync(join(results, 'resilience.html')), 'resilience.html written');
    const report = JSON.parse(readFileSync(join(results, 'resilience.json'), 'utf8')) as ResilienceReport;
    assert.equal(report.runtime, 'docker');
    assert.deepEqual(report.topologies.map((x) => [x.mode, x.available]), [['single', true], ['cluster', true], ['nginx', true]]);
    const cluster = report.topologies.find((t) => t.mode === 'cluster');
    assert.ok(cluster);
    // REPEAT=1: each round runs once (the repeat rule is the native test's); every run started from the verified state.
    assert.ok(cluster.rounds.every((r) => r.verified), cluster.rounds.map((r) => r.verification).join('\n'));
    const firstRuns = cluster.rounds.filter((r) => r.run === 1);
    assert.deepEqual(firstRuns.map((r) => r.kind), ['graceful-stop', 'rolling-restart', 'kill-worker']);
    assert.deepEqual(cluster.repeats.map((v) => v.failed.length), [1, 1, 1]);
    const [stop, restart, kill] = firstRuns;
    assert.ok(stop && restart && kill);
    for (const round of [stop, restart]) {
      assert.equal(round.failedTotal, 0, `${round.kind}: ${round.note} ${JSON.stringify(round.failed)}`);
      assert.equal(round.answered, round.sent, `${round.kind}: every request sent answered`);
    }
    assert.equal(stop.drains?.forced, 0, stop.note);
    // The old workers hand the queue over to their replacements: none is forced.
    assert.deepEqual(restart.drains, { graceful: 2, forced: 0 }, restart.note);
    assert.equal(restart.slotsBack, true, restart.note);
    assert.equal(kill.slotsBack, true, kill.note);
    assert.ok(kill.fullStrengthMs !== null && kill.fullStrengthMs > 0, kill.note);

    // nginx: each replica is out of rotation while it restarts, so its drain empties a
    // queue nginx no longer feeds. nginx's reloads may reset a request on a keep-alive
    // connection one of its old workers closes; nothing else may fail.
    const nginx = report.topologies.find((x) => x.mode === 'nginx');
    const nginxRestart = nginx?.rounds.find((r) => r.kind === 'rolling-restart');
    assert.ok(nginxRestart);
    t.diagnostic(`nginx rolling restart: ${nginxRestart.note}; failed ${JSON.stringify(nginxRestart.failed)}`);
    assert.deepEqual(nginxRestart.drains, { graceful: 2, forced: 0 }, nginxRestart.note);
    assert.equal(nginxRestart.slotsBack, true, nginxRestart.note);
    const { reset: _resetByReloads, ...others } = nginxRestart.failed;
    assert.deepEqual(Object.values(others), Object.values(others).map(() => 0), JSON.stringify(nginxRestart.failed));

    // Every round leaves the stack as `make up` left it.
    const running = compose('ps', '--status', 'running', '--services').split('\n');
    for (const service of ['app-single', 'app-cluster', 'app-replica', 'nginx']) assert.ok(running.includes(service), `${service} running after the rounds: ${running.join(', ')}`);
  });
});
