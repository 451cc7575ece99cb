/**
 * Load generated in containers on the Compose network: the arguments of one run of
 * the lab's runner or of k6, where each serving process's metrics are reached from
 * there, and what comes back (k6's summary as the report's run, each worker's
 * metrics read inside its container), checked before use (read-back.ts).
 */
import type { Repetition } from '../core/runtime.js';
import type { RunResult, Scenario, Unmeasured } from '../model/report-model.js';
import { parseSnapshot, type WorkerSnapshot } from '../runner/worker-metrics.js';
import type { K6RunSummary } from '../shared/k6-summary.js';
import { CONTAINER_APP_PORT, CONTAINER_METRICS_PORT, topology, workerCount, type Mode, type Topology } from '../topologies.js';
import { runnerCommand, type RunnerRun } from '../runner/runner-command.js';
import { K6_RESULTS_DIR, K6_RUN_ARGS, K6_SERVICE, RUNNER_SERVICE, slotService } from './compose.js';
import { containers, placementOf, runQuiet, type DockerContext } from './engine.js';
import { parseChecked } from '../read-back.js';

/** The load generator: k6 where its image exists, else the lab's runner on the Compose network. */
export type LoadGenerator = 'k6' | 'runner';

export type { RunnerRun };

/** The caller's uid:gid (0:0 under root), so results/ stays the caller's. */
const callerUser = (): string => `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;

/** `docker …` arguments of one run of the lab's runner on the stack's network (placement.ts: Compose or Swarm). */
export function runnerArgs(ctx: DockerContext, run: RunnerRun): string[] {
  return placementOf(ctx).oneOff({
    service: RUNNER_SERVICE,
    // The service's name on the network, so Prometheus' lab-runner job (target runner:PORT) reaches this run.
    alias: run.export !== undefined,
    user: callerUser(),
    command: runnerCommand(run, K6_RESULTS_DIR),
  });
}

/** Whether the load spreads its connections over the addresses of the topology's name (replicas: DNS round-robin, no balancer). */
export const spreadsDns = (t: Topology): boolean => t.requires === 'container-replicas';

/** A topology's replica containers (nginx's replicas, replicas'), in replica order; none where one container holds every slot. */
export async function slotContainers(ctx: DockerContext, t: Topology): Promise<string[]> {
  return t.instances === 'one' ? [] : containers(ctx, slotService(t));
}

/** Each serving process's /metrics as the Compose network reaches it: a service's ports, or each replica's container. */
export function metricsUrlsInNetwork(t: Topology, workers: number, replicas: readonly string[]): string[] {
  if (t.instances === 'per-worker') return replicas.map((name) => `http://${name}:${CONTAINER_METRICS_PORT}/metrics`);
  return Array.from({ length: workerCount(t, workers) }, (_, i) => `http://${t.service ?? t.mode}:${CONTAINER_METRICS_PORT + i}/metrics`);
}

/** Worker labels by position (0, 1, …): behind a proxy every replica says worker 0. */
export function numbered<T extends { worker: string }>(items: readonly T[]): T[] {
  return items.map((item, i) => ({ ...item, worker: String(i) }));
}

/**
 * Behind a proxy every replica is worker 0 (one container image, one environment): the
 * replicas are numbered in container order and each one's requests are its own count.
 */
export function numberReplicas(rep: Repetition): Repetition {
  const workers = numbered(rep.workers);
  const perWorker = Object.fromEntries(workers.map((w) => [w.worker, w.handlerCount]));
  return { workers, result: { ...rep.result, perWorker } };
}

/** `docker …` arguments of one k6 run against a service (k6/bench.ts; it warms up in its setup). */
export function k6Args(ctx: DockerContext, mode: Mode, scenario: Scenario, testid: string): string[] {
  const env = {
    BASE_URL: `http://${topology(mode).service ?? mode}:${CONTAINER_APP_PORT}`,
    LAB_MODE: mode,
    TESTID: testid,
    REQUESTS: String(scenario.requests),
    CONCURRENCY: String(scenario.concurrency),
    TARGET_PATH: scenario.path,
  };
  return placementOf(ctx).oneOff({ service: K6_SERVICE, alias: false, user: callerUser(), env, command: [...K6_RUN_ARGS] });
}

/** What k6 cannot measure: its connections' shares, each request's time, the full percentile curve, its own CPU. */
export const K6_UNMEASURED: readonly Unmeasured[] = ['connections', 'timeline', 'percentileCurve', 'generatorCpu'];

/** A k6 summary as the report's run: what k6 cannot measure is listed (and reported as such), its fields left empty. */
export function runFromK6(s: K6RunSummary): RunResult {
  return {
    generator: 'k6',
    unmeasured: [...K6_UNMEASURED],
    target: s.target,
    requests: s.requests,
    concurrency: s.concurrency,
    keepAlive: s.keepAlive,
    timeoutMs: s.timeoutMs,
    completed: s.completed,
    errors: s.errors,
    totalTimeMs: s.totalTimeMs,
    rps: s.rps,
    latencyMs: s.latencyMs,
    percentileCurve: [],
    perWorker: s.perWorker,
    runnerCpuSeconds: 0,
    connections: [],
    fairness: { jain: 0, maxOverMedian: 0 },
    firstVsLater: s.firstVsLater,
    timeline: [],
  };
}

/** Prints each URL's body as a JSON array: run with the container's own node (docker exec). */
const FETCH_ALL = 'Promise.all(process.argv.slice(1).map((u)=>fetch(u).then((r)=>r.text()))).then((t)=>console.log(JSON.stringify(t)))';

/** Each worker's metrics read inside its container (k6 reads none): a service's ports, or each replica's. */
export async function snapshotsInContainers(ctx: DockerContext, t: Topology, workers: number, replicas: readonly string[]): Promise<WorkerSnapshot[]> {
  const byContainer = t.instances === 'per-worker'
    ? replicas.map((name) => [name, [`http://127.0.0.1:${CONTAINER_METRICS_PORT}/metrics`]] as const)
    : [[(await containers(ctx, t.service ?? t.mode))[0] ?? '', Array.from({ length: workerCount(t, workers) }, (_, i) => `http://127.0.0.1:${CONTAINER_METRICS_PORT + i}/metrics`)] as const];
  const texts = await Promise.all(byContainer.map(async ([container, urls]) => {
    const what = `reading the metrics in ${container}`;
    return parseChecked('texts', await runQuiet(ctx, ['exec', container, 'node', '-e', FETCH_ALL, ...urls], what), what);
  }));
  return texts.flat().map(parseSnapshot);
}
