/**
 * `lab sweep` on the Docker runtime: what differs from native only (the loop is
 * sweep/run-sweep.ts). The stack `make up` started is loaded from the Compose network,
 * as compare loads it: by the lab's runner in its open-model mode in the `runner`
 * container (runner-cli --rate), or by k6's constant-arrival-rate executor
 * (k6/sweep.ts) when its image exists. CPU per request comes from the workers' own
 * metrics (process_cpu_seconds_total on their metrics ports); the primary, the PM2
 * daemon and nginx have none there: "not measured in Docker", never 0.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Repetition } from '../core/runtime.js';
import { warmToSteady } from '../core/commands.js';
import type { RunResult, Scenario } from '../model/report-model.js';
import type { OpenStepResult } from '../runner/open-model.js';
import type { WorkerDelta } from '../runner/worker-metrics.js';
import { extraRoles } from '../sweep/cpu-roles.js';
import type { ClosedRun } from '../sweep/probe.js';
import type { StepRequest, StepRunner } from '../sweep/run-curve.js';
import { runSweep, type SweepTarget } from '../sweep/run-sweep.js';
import type { SweepOptions } from '../config/sweep-options.js';
import type { SweepReport } from '../model/sweep.js';
import { testId } from '../shared/ids.js';
import { CONTAINER_APP_PORT, topology, workerCount, type Mode, type Topology } from '../topologies.js';
import { K6_RESULTS_DIR, RUNNER_SCRIPT, RUNNER_SERVICE } from './compose.js';
import { metricsUrlsInNetwork, runnerArgs, slotContainers, spreadsDns } from './container-load.js';
import { dockerMachine, dockerRuntime } from './docker-runtime.js';
import { containers, defaultContext, placementOf, imageAvailable, requireEngine, runningServices, runQuiet, stackVariables, type DockerContext } from './engine.js';
import { stackUrls } from './stack.js';
import { k6SweepStep } from './k6-sweep.js';
import { workersCpu } from './workers-cpu.js';
import { IMAGES } from './images.js';

export const RUNNER_GENERATOR = "the lab's runner (open model), in the runner container on the stack's network (no CPU limit)";
export const K6_GENERATOR = "k6's constant-arrival-rate executor, in its container on the stack's network (no CPU limit)";

/** `docker …` arguments (placement.ts: Compose or Swarm) of one open-model step of the lab's runner on the Compose network. */
export function openRunnerArgs(ctx: DockerContext, url: string, request: StepRequest, json: string, metrics: readonly string[], spread = false): string[] {
  return placementOf(ctx).oneOff({
    service: RUNNER_SERVICE, alias: false, user: `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
    command: [
      'node', RUNNER_SCRIPT,
      '--url', url, '--rate', String(request.rate), '--duration-ms', String(Math.round(request.durationMs)),
      '--connections', String(request.connections), '--warm-path', request.warmPath,
      ...(spread ? ['--spread-dns'] : []),
      ...(request.timeoutMs === undefined ? [] : ['--timeout-ms', String(request.timeoutMs)]),
      '--json', `${K6_RESULTS_DIR}/${json}`,
      ...metrics.flatMap((m) => ['--metrics', m]),
    ],
  });
}

/** Reads and removes a JSON file the runner container wrote into results/. */
function takeJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } finally {
    rmSync(file, { force: true });
  }
}

function inNetworkUrl(t: Topology, path: string): string {
  return `http://${t.service ?? t.mode}:${CONTAINER_APP_PORT}${path}`;
}

export function dockerSweepTarget(scenario: Scenario, ctx: DockerContext = defaultContext()): SweepTarget {
  const runtime = placementOf(ctx).runtime;
  let ready: Promise<{ workers: number; running: Set<string>; replicas: string[] }> | undefined;
  const stack = (): Promise<{ workers: number; running: Set<string>; replicas: string[] }> =>
    (ready ??= (async () => {
      await requireEngine(ctx);
      const running = new Set(await runningServices(ctx));
      const replicas = await containers(ctx, 'app-replica');
      if (replicas.length === 0) throw new Error(`the ${runtime === 'swarm' ? 'Swarm' : 'Docker'} stack is not up (no app-replica runs): run \`make up RUNTIME=${runtime}\` first`);
      return { workers: replicas.length, running, replicas };
    })());
  let k6: Promise<boolean> | undefined;
  const useK6 = (): Promise<boolean> => (k6 ??= imageAvailable(ctx, IMAGES.k6));
  let workers = 0;

  const runnerStep = (t: Topology, metrics: readonly string[]): StepRunner => async (request) => {
    mkdirSync(ctx.resultsDir, { recursive: true });
    const json = `sweep-${testId(t.mode, new Date())}-${process.pid}.json`;
    await runQuiet(ctx, openRunnerArgs(ctx, inNetworkUrl(t, scenario.path), request, json, metrics, spreadsDns(t)), `the runner's ${request.rate} req/s step against ${t.mode}`);
    const { result, workers: deltas } = takeJson<{ result: OpenStepResult; workers: WorkerDelta[] }>(join(ctx.resultsDir, json));
    return { result, cpu: metrics.length > 0 ? workersCpu(deltas) : null };
  };

  const closedRun = (t: Topology): ClosedRun => async (requests, concurrency) => {
    mkdirSync(ctx.resultsDir, { recursive: true });
    const json = `probe-${testId(t.mode, new Date())}-${process.pid}.json`;
    await runQuiet(ctx, runnerArgs(ctx, { url: inNetworkUrl(t, scenario.path), requests, concurrency, scenario, json, spreadDns: spreadsDns(t) }), `the capacity probe of ${t.mode}`);
    return takeJson<Repetition>(join(ctx.resultsDir, json)).result as RunResult;
  };

  return {
    runtime,
    machine: async () => {
      return dockerMachine(ctx, (await useK6()) ? K6_GENERATOR : RUNNER_GENERATOR);
    },
    generator: async () => ((await useK6()) ? K6_GENERATOR : RUNNER_GENERATOR),
    workers: (mode: Mode) => workers || workerCount(topology(mode), 1),
    unavailability: async (mode) => {
      const t = topology(mode);
      if (t.service === null) return `${mode} runs natively only (one container cannot hold WORKERS processes on one port): use RUNTIME=native`;
      if (!t.published) return `${mode} has no host port, and the sweep settles each step from this machine (compare and bench run ${mode}, from the stack's network)`;
      const s = await stack();
      workers = s.workers;
      return s.running.has(t.service) ? null : `its service ${t.service} is not running: run \`make up RUNTIME=${runtime}\``;
    },
    start: async (mode) => {
      const s = await stack();
      const t = topology(mode);
      const k6Runs = await useK6();
      // Every serving process to a steady CPU per request, through the lab's runner whichever generator steps.
      await warmToSteady(dockerRuntime(ctx), { mode, workers: workerCount(t, s.workers), url: inNetworkUrl(t, scenario.path) }, scenario);
      const replicas = await slotContainers(ctx, t);
      const metrics = metricsUrlsInNetwork(t, s.workers, replicas);
      return {
        workers: workerCount(t, s.workers),
        url: inNetworkUrl(t, scenario.path),
        // Polled from this machine on the published port: a settle needs no container.
        settleUrl: `${stackUrls(stackVariables(ctx)).apps[mode] ?? ''}/`,
        runStep: k6Runs ? k6SweepStep(ctx, t, scenario, replicas, s.workers) : runnerStep(t, metrics),
        closedRun: closedRun(t),
        cpuNotMeasured: extraRoles(t),
        // The stack stays as `make up` left it: the sweep only loads it.
        stop: () => Promise.resolve(),
      };
    },
    close: () => Promise.resolve(),
  };
}

export function dockerSweep(scenario: Scenario, modes: readonly Mode[] | undefined, sweep: SweepOptions, ctx: DockerContext = defaultContext()): Promise<SweepReport> {
  return runSweep(dockerSweepTarget(scenario, ctx), modes, scenario, sweep);
}
