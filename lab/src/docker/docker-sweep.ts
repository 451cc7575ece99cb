/**
 * The Docker runtime's sweep capability (core/runtime.ts, SweepCapability; the loop is
 * commands/sweep.ts). The stack `make up` started is loaded from the Compose network,
 * as compare loads it: by the lab's runner in its open-model mode in the `runner`
 * container (runner-cli --rate), or by k6's constant-arrival-rate executor
 * (k6/sweep.ts) when its image exists. CPU per request comes from the workers' own
 * metrics (process_cpu_seconds_total on their metrics ports); the primary, the PM2
 * daemon and nginx have none there: "not measured in Docker", never 0.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Repetition, Runtime, SweepCapability } from '../core/runtime.js';
import { warmToSteady } from '../core/warm-up.js';
import type { RunResult, Scenario } from '../model/report-model.js';
import type { OpenStepResult } from '../runner/open-model.js';
import type { WorkerDelta } from '../runner/worker-metrics.js';
import { extraRoles } from '../sweep/cpu-roles.js';
import type { ClosedRun } from '../sweep/probe.js';
import type { StepRequest, StepRunner } from '../sweep/run-curve.js';
import { testId } from '../shared/ids.js';
import { CONTAINER_APP_PORT, topology, workerCount, type Topology } from '../topologies.js';
import { K6_RESULTS_DIR, RUNNER_SCRIPT, RUNNER_SERVICE } from './compose.js';
import { metricsUrlsInNetwork, runnerArgs, slotContainers, spreadsDns } from './container-load.js';
import { dockerMachine, type StackFacts } from './stack-facts.js';
import { imageAvailable, placementOf, runQuiet, stackVariables, type DockerContext } from './engine.js';
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

/**
 * The stack `make up` started, loaded from the Compose network; `stack` is the
 * runtime's one reading of it, `runtime` warms each topology before its curve.
 */
export function dockerSweep(ctx: DockerContext, runtime: Runtime, stack: () => Promise<StackFacts>): SweepCapability {
  let k6: Promise<boolean> | undefined;
  const useK6 = (): Promise<boolean> => (k6 ??= imageAvailable(ctx, IMAGES.k6));
  const generator = async (): Promise<string> => ((await useK6()) ? K6_GENERATOR : RUNNER_GENERATOR);

  const runnerStep = (t: Topology, scenario: Scenario, metrics: readonly string[]): StepRunner => async (request) => {
    mkdirSync(ctx.resultsDir, { recursive: true });
    const json = `sweep-${testId(t.mode, new Date())}-${process.pid}.json`;
    await runQuiet(ctx, openRunnerArgs(ctx, inNetworkUrl(t, scenario.path), request, json, metrics, spreadsDns(t)), `the runner's ${request.rate} req/s step against ${t.mode}`);
    const { result, workers: deltas } = takeJson<{ result: OpenStepResult; workers: WorkerDelta[] }>(join(ctx.resultsDir, json));
    return { result, cpu: metrics.length > 0 ? workersCpu(deltas) : null };
  };

  const closedRun = (t: Topology, scenario: Scenario): ClosedRun => async (requests, concurrency) => {
    mkdirSync(ctx.resultsDir, { recursive: true });
    const json = `probe-${testId(t.mode, new Date())}-${process.pid}.json`;
    await runQuiet(ctx, runnerArgs(ctx, { url: inNetworkUrl(t, scenario.path), requests, concurrency, scenario, json, spreadDns: spreadsDns(t) }), `the capacity probe of ${t.mode}`);
    return takeJson<Repetition>(join(ctx.resultsDir, json)).result as RunResult;
  };

  return {
    machine: async () => dockerMachine(ctx, await generator()),
    generator,
    // A step is settled from this machine, through the topology's host port.
    unavailability: async (mode) => (topology(mode).published ? runtime.unavailability(mode) : `${mode} has no host port, and the sweep settles each step from this machine (compare and bench run ${mode}, from the stack's network)`),
    start: async (mode, scenario) => {
      const s = await stack();
      const t = topology(mode);
      const k6Runs = await useK6();
      // Every serving process to a steady CPU per request, through the lab's runner whichever generator steps.
      await warmToSteady(runtime, { mode, workers: workerCount(t, s.workers), url: inNetworkUrl(t, scenario.path) }, scenario);
      const replicas = await slotContainers(ctx, t);
      const metrics = metricsUrlsInNetwork(t, s.workers, replicas);
      return {
        workers: workerCount(t, s.workers),
        url: inNetworkUrl(t, scenario.path),
        // Polled from this machine on the published port: a settle needs no container.
        settleUrl: `${stackUrls(stackVariables(ctx)).apps[mode] ?? ''}/`,
        runStep: k6Runs ? k6SweepStep(ctx, t, scenario, replicas, s.workers) : runnerStep(t, scenario, metrics),
        closedRun: closedRun(t, scenario),
        cpuNotMeasured: extraRoles(t),
        // The stack stays as `make up` left it: the sweep only loads it.
        stop: () => Promise.resolve(),
      };
    },
  };
}
