import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { header, httpGet, sampleValue, workersAnswering } from './support/http-client.js';
import { runLoad } from './support/load.js';
import { PRIMARY_SCRIPT } from './support/paths.js';
import { freePortBlock } from './support/ports.js';
import { eventually, isRunning, livingProcessesInGroup, ProcessUnderTest, sleep } from './support/process-under-test.js';
import { OpenConnection } from './support/raw-requests.js';

interface Ports {
  readonly port: number;
  readonly metricsPort: number;
  /** METRICS_PORT + WORKERS, the default. */
  readonly primaryMetricsPort: number;
}

/** The app port, then the workers' metrics ports, then the primary's. */
async function clusterPorts(workers: number): Promise<Ports> {
  const base = await freePortBlock(workers + 2);
  return { port: base, metricsPort: base + 1, primaryMetricsPort: base + 1 + workers };
}

async function startCluster(t: import('node:test').TestContext, ports: Ports, env: Record<string, string> = {}): Promise<ProcessUnderTest> {
  const primary = ProcessUnderTest.start(t, {
    args: [PRIMARY_SCRIPT],
    env: { WORKERS: '2', PORT: String(ports.port), METRICS_PORT: String(ports.metricsPort), ...env },
  });
  await primary.waitForOutputCount(/^Metrics on port \d+$/m, 2, 15_000);
  return primary;
}

describe('cluster (node app/dist/primary.js)', () => {
  it('forks WORKERS workers into slots 0..N-1; each serves and has its own metrics port', async (t) => {
    const ports = await clusterPorts(2);
    const primary = await startCluster(t, ports);
    assert.match(primary.output, /^The total number of CPUs is \d+\nPrimary pid=\d+\n/);
    assert.match(primary.output, new RegExp(`^Primary pid=${primary.pid}$`, 'm'));
    assert.match(primary.output, /^Forking 2 worker\(s\), scheduling policy rr \(round-robin/m);
    assert.equal([...primary.output.matchAll(/^App listening on port (\d+)$/gm)].filter((match) => match[1] === String(ports.port)).length, 2);

    const pids = await workersAnswering(`http://127.0.0.1:${ports.port}/`, 2);
    assert.deepEqual([...pids.keys()].sort(), ['0', '1']);
    assert.equal((await httpGet(`http://127.0.0.1:${ports.port}/heavy?n=1000`)).body, 'The result of the CPU intensive task is 1000');

    for (const worker of ['0', '1']) {
      const metrics = await httpGet(`http://127.0.0.1:${ports.metricsPort + Number(worker)}/metrics`);
      assert.notEqual(sampleValue(metrics.body, 'process_cpu_seconds_total', { mode: 'cluster', worker }), undefined, `worker ${worker}`);
      assert.ok(!metrics.body.includes(`worker="${worker === '0' ? '1' : '0'}"`));
      const pid = sampleValue(metrics.body, 'nodejs_heap_size_used_bytes', { worker });
      assert.notEqual(pid, undefined);
    }
    const primaryMetrics = await httpGet(`http://127.0.0.1:${ports.primaryMetricsPort}/metrics`);
    assert.equal(sampleValue(primaryMetrics.body, 'cluster_workers_alive', { mode: 'cluster', worker: 'primary' }), 2);
    assert.equal(sampleValue(primaryMetrics.body, 'cluster_worker_restarts_total', { reason: 'crash' }), 0);
  });

  it('CLUSTER_SCHEDULING=none and LAB_MODE label the cluster', async (t) => {
    const ports = await clusterPorts(2);
    const primary = await startCluster(t, ports, { CLUSTER_SCHEDULING: 'none', LAB_MODE: 'cluster-none' });
    assert.match(primary.output, /^Forking 2 worker\(s\), scheduling policy none \(/m);
    const metrics = await httpGet(`http://127.0.0.1:${ports.metricsPort + 1}/metrics`);
    assert.notEqual(sampleValue(metrics.body, 'process_cpu_seconds_total', { mode: 'cluster-none', worker: '1' }), undefined);
    const answer = await httpGet(`http://127.0.0.1:${ports.port}/`);
    assert.equal(answer.body, 'Hello World!');
  });

  it('kill -9 of a worker: a new pid serves from the same slot within 2 s, the other worker keeps serving', async (t) => {
    const ports = await clusterPorts(2);
    const primary = await startCluster(t, ports);
    const before = await workersAnswering(`http://127.0.0.1:${ports.port}/`, 2);
    const victim = Number(before.get('1'));
    const survivor = before.get('0');

    const killedAt = Date.now();
    process.kill(victim, 'SIGKILL');
    const servedBySurvivor: string[] = [];
    let lost = 0;
    const replacement = await eventually(
      async () => {
        // node:cluster's round-robin can hand a connection to the killed worker before
        // the primary has seen it die; that connection is never answered, so each
        // probe gets a short timeout.
        const answer = await httpGet(`http://127.0.0.1:${ports.port}/`, 300).catch(() => {
          lost++;
          return undefined;
        });
        if (answer === undefined) return undefined;
        if (header(answer, 'X-Worker') === '0') servedBySurvivor.push(header(answer, 'X-Worker-Pid'));
        const pid = header(answer, 'X-Worker-Pid');
        return header(answer, 'X-Worker') === '1' && pid !== String(victim) ? pid : undefined;
      },
      5000,
      'slot 1 to serve from a new pid',
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\nserved by worker 0: ${servedBySurvivor.length}, lost: ${lost}\nprimary output:\n${primary.output}`);
    });
    const elapsedMs = Date.now() - killedAt;
    t.diagnostic(`slot 1 served from pid ${replacement} ${elapsedMs} ms after the kill; ${lost} probe(s) lost to the dying worker`);
    assert.ok(elapsedMs <= 2000, `slot 1 served again after ${elapsedMs} ms`);
    assert.ok(servedBySurvivor.length > 0 && servedBySurvivor.every((pid) => pid === survivor), 'worker 0 kept serving');
    assert.notEqual(replacement, String(victim));
    assert.match(primary.output, new RegExp(`^Worker 1 \\(pid ${victim}\\) was killed by SIGKILL after \\d+ ms; restarting slot 1 in 100 ms$`, 'm'));
    const primaryMetrics = await httpGet(`http://127.0.0.1:${ports.primaryMetricsPort}/metrics`);
    assert.equal(sampleValue(primaryMetrics.body, 'cluster_worker_restarts_total', { reason: 'crash' }), 1);
    const metrics = await httpGet(`http://127.0.0.1:${ports.metricsPort + 1}/metrics`);
    assert.notEqual(sampleValue(metrics.body, 'process_cpu_seconds_total', { worker: '1' }), undefined);
  });

  it('a worker that cannot start (its metrics port is taken) is retried with growing delays', async (t) => {
    const ports = await clusterPorts(2);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen({ port: ports.metricsPort + 1, exclusive: true }, resolve));
    t.after(() => blocker.close());

    const primary = ProcessUnderTest.start(t, {
      args: [PRIMARY_SCRIPT],
      env: { WORKERS: '2', PORT: String(ports.port), METRICS_PORT: String(ports.metricsPort) },
    });
    const retries = await primary.waitForOutputCount(/^Worker 1 \(pid \d+\) exited with code 1 after \d+ ms; restarting slot 1 in (\d+) ms$/m, 4, 15_000);
    assert.deepEqual(
      retries.slice(0, 4).map((match) => Number(match[1])),
      [100, 200, 400, 800],
    );
    assert.match(primary.output, new RegExp(`^Cannot serve metrics on port ${ports.metricsPort + 1}: address already in use \\(EADDRINUSE\\)$`, 'm'));

    const pids = await workersAnswering(`http://127.0.0.1:${ports.port}/`, 1, 5);
    assert.deepEqual([...pids.keys()], ['0'], 'slot 0 serves meanwhile');
    const primaryMetrics = await httpGet(`http://127.0.0.1:${ports.primaryMetricsPort}/metrics`);
    assert.ok((sampleValue(primaryMetrics.body, 'cluster_worker_restarts_total', { reason: 'start_failure' }) ?? 0) >= 3);
    assert.equal(sampleValue(primaryMetrics.body, 'cluster_workers_alive', {}), 1);

    // Once the port is free, the next retry brings slot 1 up.
    await new Promise((resolve) => blocker.close(resolve));
    await eventually(
      async () => ((await workersAnswering(`http://127.0.0.1:${ports.port}/`, 2, 10)).size === 2 ? true : undefined),
      15_000,
      'slot 1 to come up',
    );
  });

  for (const scheduling of ['rr', 'none'] as const) {
    // 200 keep-alive clients, each sending again as soon as it is answered: the
    // shared queue (the primary's under rr, the socket's under none) never empties.
    // An old worker that waited for it would hold the restart until its deadline,
    // set far above the 30 s this test waits; a retired one hands it over.
    it(`SIGHUP under keep-alive load that keeps the queue full (CLUSTER_SCHEDULING=${scheduling}): each old worker hands the queue over, zero failed requests, every worker pid changed`, async (t) => {
      const ports = await clusterPorts(2);
      const primary = await startCluster(t, ports, { CLUSTER_SCHEDULING: scheduling, SHUTDOWN_TIMEOUT_MS: '120000' });
      const before = await workersAnswering(`http://127.0.0.1:${ports.port}/`, 2);
      const oldPids = new Set(before.values());

      let restartDone = false;
      const load = runLoad({
        origin: `http://127.0.0.1:${ports.port}`,
        path: '/heavy?n=2000000',
        connections: 200,
        requests: 500,
        until: () => !restartDone,
        maxRequests: 1_000_000,
      });
      await sleep(300);
      const outputBefore = primary.output.length;
      primary.signal('SIGHUP');
      await primary.waitForOutput(/^Rolling restart complete in \d+ ms$/m, 30_000, outputBefore);
      restartDone = true;
      const result = await load;
      t.diagnostic(
        `${result.completed} requests in ${Math.round(result.durationMs)} ms, ${result.failed} failed; by pid: ${JSON.stringify(Object.fromEntries(result.requestsByWorkerPid))}`,
      );

      const restartLog = primary.output.slice(outputBefore);
      const handedOver = [...restartLog.matchAll(/^Stopped gracefully in \d+ ms \(left (\d+) waiting connection\(s\) to the workers still serving\)$/gm)].map((match) => Number(match[1]));
      t.diagnostic(`connections left waiting by the two old workers: ${handedOver.join(', ')}`);
      assert.equal(handedOver.length, 2, `both old workers retired gracefully:\n${restartLog}`);
      assert.ok(handedOver.some((waiting) => waiting > 0), 'connections were waiting when an old worker closed its listener');
      assert.doesNotMatch(restartLog, /Stop forced/);
      assert.equal(result.failed, 0, `failed requests: ${result.errors.join('; ')}`);
      assert.equal(result.nonOk, 0);
      assert.ok(result.completed >= 500, `only ${result.completed} requests`);
      const after = await workersAnswering(`http://127.0.0.1:${ports.port}/`, 2);
      assert.deepEqual([...after.keys()].sort(), ['0', '1']);
      for (const pid of after.values()) assert.ok(!oldPids.has(pid), `pid ${pid} survived the rolling restart`);
      for (const pid of oldPids) assert.equal(isRunning(Number(pid)), false, `old worker ${pid} still running`);
      const served = [...result.requestsByWorkerPid.keys()];
      assert.ok(served.some((pid) => oldPids.has(pid)) && served.some((pid) => !oldPids.has(pid)), 'load was served by old and new workers');
      const primaryMetrics = await httpGet(`http://127.0.0.1:${ports.primaryMetricsPort}/metrics`);
      assert.equal(sampleValue(primaryMetrics.body, 'cluster_worker_restarts_total', { reason: 'rolling_restart' }), 2);
    });
  }

  it('SIGTERM lets /heavy requests in flight finish with 200, exits 0, leaves no process behind', async (t) => {
    const ports = await clusterPorts(2);
    const primary = await startCluster(t, ports, { HEAVY_MAX: '10000000000' });
    const workerPids = [...(await workersAnswering(`http://127.0.0.1:${ports.port}/`, 2)).values()].map(Number);

    const connections = await Promise.all([1, 2].map(() => OpenConnection.open(ports.port)));
    t.after(() => connections.forEach((connection) => connection.destroy()));
    await sleep(150); // handed to the workers while they are idle
    const answers = connections.map((connection) => connection.get('/heavy?n=400000000'));
    await sleep(100);
    const signalledAt = Date.now();
    primary.signal('SIGTERM');

    const results = await Promise.all(answers);
    for (const answer of results) {
      assert.equal(answer.status, 200);
      assert.equal(answer.body, 'The result of the CPU intensive task is 400000000');
    }
    assert.ok(results.every((answer) => answer.receivedAt > signalledAt), 'requests were in flight at SIGTERM');
    assert.deepEqual(await primary.waitForExit(), { code: 0, signal: null });
    assert.match(primary.output, /^All workers stopped; primary exiting$/m);
    for (const pid of workerPids) assert.equal(isRunning(pid), false);
    assert.deepEqual(livingProcessesInGroup(primary.pid), []);
  });
});
