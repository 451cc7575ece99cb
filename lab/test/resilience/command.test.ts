/**
 * `lab resilience` as a process: bad input is one line and exit 2 before anything
 * starts; and a real run on the lab's fixed ports (run it under
 * `flock /tmp/lab-native-ports.lock`) with MODE=nginx, which runs single (always
 * there, as in compare) and nginx: three rounds each, the report written, nothing
 * left running.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ResilienceReport } from '../../src/model/resilience.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const state = mkdtempSync(join(tmpdir(), 'lab-resilience-state-'));
const results = mkdtempSync(join(tmpdir(), 'lab-resilience-results-'));
const { NODE: _callersNode, ...callersEnv } = process.env;

after(async () => {
  // Whatever a failed run left behind is stopped before its state goes.
  await run(process.execPath, [cli, 'down'], { env: { ...callersEnv, RUNTIME: 'native', LAB_STATE_DIR: state } }).catch(() => undefined);
  rmSync(state, { recursive: true, force: true });
  rmSync(results, { recursive: true, force: true });
});

describe('lab resilience: bad input', () => {
  for (const [env, message] of [
    [{ RUNTIME: 'native', MODE: 'cluster,bogus' }, /^lab: MODE=cluster,bogus is not accepted: expected one of single, cluster/],
    [{ RUNTIME: 'native', WORKERS: '0' }, /^lab: WORKERS=0 is not accepted/],
    [{ RUNTIME: 'native', REQUESTS: 'many' }, /^lab: REQUESTS=many is not accepted/],
    [{ RUNTIME: 'docker', WORKERS: '3' }, /^lab: WORKERS=3 is not accepted by `resilience` with RUNTIME=docker: containers are sized by `make up WORKERS=…`/],
    [{ RUNTIME: 'sideways' }, /^lab: RUNTIME=sideways is not accepted: expected auto, native, docker, swarm or kubernetes/],
  ] as const) {
    it(`${JSON.stringify(env)}: exit 2 and one line`, () => {
      const res = spawnSync(process.execPath, [cli, 'resilience'], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', LAB_STATE_DIR: state, ...env }, timeout: 30_000 });
      assert.equal(res.status, 2, res.stderr);
      assert.match(res.stderr, message);
      assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    });
  }
});

describe('lab resilience, for real: MODE=nginx (with single)', { timeout: 480_000 }, () => {
  it('three rounds per topology, every request accounted for, zero loss on a graceful stop, the report written, nothing left running', async (t) => {
    const env = {
      ...callersEnv,
      RUNTIME: 'native',
      LAB_INSTALL: 'no',
      MODE: 'nginx',
      WORKERS: '2',
      LAB_STATE_DIR: state,
      RESULTS_DIR: results,
      REQUESTS: '400',
      CONCURRENCY: '80',
      TARGET_PATH: '/heavy?n=3000000',
      // Inherited by the app processes: a drain that a load which never stops keeps
      // feeding is forced after 3 s instead of 10, which keeps the test short.
      SHUTDOWN_TIMEOUT_MS: '3000',
    };
    const { stdout } = await run(process.execPath, [cli, 'resilience'], { env, maxBuffer: 16 * 1024 * 1024, timeout: 460_000 });
    t.diagnostic(stdout);
    const report = JSON.parse(readFileSync(join(results, 'resilience.json'), 'utf8')) as ResilienceReport;
    assert.equal(report.schemaVersion, 2);
    assert.deepEqual(report.topologies.map((x) => x.mode), ['single', 'nginx']);
    for (const topo of report.topologies) {
      // Each round runs twice at least (the repeat rule), each run from the verified state.
      for (const r of topo.rounds) assert.equal(r.verified, true, `${topo.mode} ${r.kind} run ${r.run}: ${r.verification}`);
      const firstRuns = topo.rounds.filter((r) => r.run === 1);
      assert.deepEqual(firstRuns.map((r) => r.kind), ['graceful-stop', 'rolling-restart', 'kill-worker'], topo.mode);
      assert.deepEqual(topo.repeats.map((v) => [v.kind, v.failed.length >= 2]), [['graceful-stop', true], ['rolling-restart', true], ['kill-worker', true]], topo.mode);
      for (const r of topo.rounds) assert.equal(r.answered + r.failedTotal, r.sent, `${topo.mode} ${r.kind}: every request sent settled once`);
      const [stop, restart, kill] = firstRuns;
      assert.ok(stop && restart && kill);
      // Not asserted: with keep-alive a warm server may empty its accept queue before the lab
      // sees it (the report then warns); nginx-queued.test.ts builds the queue by construction.
      t.diagnostic(`${topo.mode}: ${stop.waitingAtEvent} connection(s) queued at the stop`);
      if (topo.mode === 'nginx') {
        // nginx's graceful quit closes its idle keep-alive client connections at once: a
        // request the client writes on one as it closes is reset (the race the rolling
        // restart's reloads show below; seen once in CI: 1 of 352). Nothing else may fail.
        const { reset, ...others } = stop.failed;
        t.diagnostic(`nginx graceful stop: ${reset} reset by nginx's quit`);
        assert.deepEqual(Object.values(others), Object.values(others).map(() => 0), `nginx: a graceful stop refuses, times out and 5xxs nothing: ${JSON.stringify(stop)}`);
      } else {
        assert.equal(stop.failedTotal, 0, `${topo.mode}: a graceful stop loses nothing: ${JSON.stringify(stop)}`);
      }
      assert.equal(stop.drains?.graceful, topo.workers, `${topo.mode}: every serving process drained gracefully`);
      assert.equal(restart.slotsBack, true, `${topo.mode}: every slot served by a new process after the restart`);
      assert.equal(kill.slotsBack, false, `${topo.mode}: nothing restarts a killed ${topo.mode} process`);
      if (topo.mode === 'nginx') {
        // Each upstream is taken out of nginx's rotation before its stop, so its queue
        // empties under a load that never stops, and its drain is not forced.
        assert.deepEqual(restart.drains, { graceful: topo.workers, forced: 0 }, `nginx: every old upstream drained gracefully: ${restart.note}`);
        // What nginx's reloads cost: an idle keep-alive client connection that an old
        // nginx worker closes as the client sends on it is reset. Nothing else fails:
        // no request is refused, unanswered or answered 502 by an upstream going away.
        const { reset, ...others } = restart.failed;
        t.diagnostic(`nginx rolling restart: ${reset} reset by nginx's reloads`);
        assert.deepEqual(Object.values(others), Object.values(others).map(() => 0), `nginx: ${JSON.stringify(restart.failed)}`);
      }
    }
    assert.match(stdout, /^nginx\s+graceful stop\s+1\s+\d+\s+\d+\s+\d+\s+(0\s+none|\d+\s+\d+ reset)\s/m);
    assert.ok(existsSync(join(results, 'resilience.html')));
    // Nothing left: the registry is empty and no process of the run is alive.
    const registry = join(state, 'processes.json');
    assert.deepEqual(existsSync(registry) ? (JSON.parse(readFileSync(registry, 'utf8')) as unknown[]) : [], []);
    const left = spawnSync('pgrep', ['-f', state], { encoding: 'utf8' }).stdout.trim();
    assert.equal(left, '', `processes of the run still running: ${left}`);
  });
});
