/**
 * The Docker runtime (the core's Runtime interface): the stack `make up` started
 * (stack.ts), loaded from the Compose network by k6 or the lab's runner
 * (container-load.ts), each worker's CPU read from its own metrics port there.
 * What it learns of the stack (the replicas, so WORKERS) it learns once. On Compose and
 * on Swarm it declares the sweep (docker-sweep.ts) and resilience (resilience.ts) capabilities.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Runtime } from '../core/runtime.js';
import type { MachineInfo } from '../model/report-model.js';
import { delta } from '../runner/worker-metrics.js';
import { runIds, testId } from '../shared/ids.js';
import { CONTAINER_APP_PORT, DEFAULT_DOCKER_WORKERS, topology, workerCount } from '../topologies.js';
import { GRAFANA_SERVICE, PROMETHEUS_SERVICE } from './compose.js';
import {
  k6Args, metricsUrlsInNetwork, numbered, numberReplicas, runFromK6, runnerArgs, slotContainers, snapshotsInContainers, spreadsDns, type LoadGenerator,
} from './container-load.js';
import {
  capture, defaultContext, imageAvailable, placementOf, print, runningServices, runQuiet, stackVariables, type DockerContext,
} from './engine.js';
import { IMAGES } from './images.js';
import { readChecked } from '../read-back.js';
import { dockerSweep } from './docker-sweep.js';
import { dockerResilience } from './resilience.js';
import { dockerMachine, readStack, type StackFacts } from './stack-facts.js';
import { dockerDown, dockerLogs, dockerPs, dockerUp, stackUrls } from './stack.js';
import { swarmDown, swarmLogs, swarmPs, swarmUp } from './swarm.js';

/**
 * The Docker runtime: the stack `make up` started (containers sized there), loaded by
 * the lab's own runner in a container on the Compose network, each worker's CPU read
 * from its own metrics port there.
 */
export function dockerRuntime(ctx: DockerContext = defaultContext(), upWorkers = DEFAULT_DOCKER_WORKERS, swarmInit = false): Runtime {
  let ready: Promise<StackFacts> | undefined;
  const stack = (): Promise<StackFacts> => (ready ??= readStack(ctx));
  const nextRunId = runIds();
  let chosen: Promise<LoadGenerator> | undefined;
  const generator = (): Promise<LoadGenerator> =>
    (chosen ??= imageAvailable(ctx, IMAGES.k6).then((k6) => {
      if (!k6) print(ctx, `lab: ${IMAGES.k6} cannot be had: the lab's runner loads the stack from the Compose network\n`);
      return k6 ? 'k6' : 'runner';
    }));
  let machine: Promise<MachineInfo> | undefined;
  const runtime: Runtime = {
    name: placementOf(ctx).runtime,
    // The stack's replicas, whichever method asks first: `up`'s WORKERS sizes only what `up` starts.
    workers: async () => (await stack()).workers,
    machine: () =>
      (machine ??= stack().then(async () => dockerMachine(ctx, (await generator()) === 'k6'
        ? 'k6, in a container on the Compose network (no CPU limit); each worker\'s CPU read inside its container'
        : "the lab's runner, in a container on the Compose network (no CPU limit)"))),
    unavailability: async (mode) => {
      const service = topology(mode).service;
      if (service === null) return `${mode} runs natively only (one container cannot hold WORKERS processes on one port): use RUNTIME=native`;
      const s = await stack();
      return s.running.has(service) ? null : `its service ${service} is not running: run \`make up RUNTIME=${placementOf(ctx).runtime}\``;
    },
    monitoring: async () => {
      const running = new Set(await runningServices(ctx));
      const urls = stackUrls(stackVariables(ctx));
      return { grafana: running.has(GRAFANA_SERVICE) ? urls.grafana : null, prometheus: running.has(PROMETHEUS_SERVICE) ? urls.prometheus : null };
    },
    start: async (mode) => {
      const s = await stack();
      return { mode, workers: workerCount(topology(mode), s.workers), url: stackUrls(stackVariables(ctx)).apps[mode] ?? '' };
    },
    // Warm-up windows go through the lab's runner whichever generator measures: k6 reports no per-window figures.
    load: async (target, requests, scenario) => {
      const t = topology(target.mode);
      const url = `http://${t.service ?? ''}:${CONTAINER_APP_PORT}${scenario.path}`;
      await runQuiet(ctx, runnerArgs(ctx, { url, requests, concurrency: Math.min(scenario.concurrency, requests), scenario, spreadDns: spreadsDns(t) }), `warm-up of ${target.mode}`);
    },
    warmToSteadyState: async (target, scenario) => {
      const s = await stack();
      const t = topology(target.mode);
      const metrics = metricsUrlsInNetwork(t, s.workers, await slotContainers(ctx, t));
      const json = `steady-${nextRunId(target.mode)}-${process.pid}.json`;
      const file = join(ctx.resultsDir, json);
      mkdirSync(dirname(file), { recursive: true });
      const window = scenario.warmupRequests;
      const run = { url: `http://${t.service ?? ''}:${CONTAINER_APP_PORT}${scenario.path}`, requests: window, concurrency: Math.min(scenario.concurrency, window * metrics.length), scenario, json, metrics, spreadDns: spreadsDns(t) };
      try {
        await runQuiet(ctx, [...runnerArgs(ctx, run), '--steady-window', String(window), '--steady-min', String(scenario.steadyMinRequests)], `the steady-state warm-up of ${target.mode}`);
        const report = readChecked('warmUp', file);
        // As measure() numbers them: every replica says worker 0.
        return t.instances === 'one' ? report : { ...report, reference: numbered(report.reference) };
      } finally {
        rmSync(file, { force: true });
      }
    },
    readProcesses: async (target) => {
      const s = await stack();
      const t = topology(target.mode);
      const snapshots = await snapshotsInContainers(ctx, t, s.workers, await slotContainers(ctx, t));
      // As measure() numbers them: every replica says worker 0.
      return t.instances === 'one' ? snapshots : numbered(snapshots);
    },
    ownership: () => {
      const { stack, stackLabel } = placementOf(ctx);
      return { stack, roots: () => [], engine: true, container: async (id) => (await capture(ctx, ['inspect', '--format', `{{index .Config.Labels "${stackLabel}"}}`, id])).stdout.trim() === stack };
    },
    measure: async (target, scenario) => {
      const s = await stack();
      const t = topology(target.mode);
      if ((await generator()) === 'k6') {
        const testid = testId(target.mode, new Date());
        const before = await snapshotsInContainers(ctx, t, s.workers, await slotContainers(ctx, t));
        // Made here, as the caller: a folder Docker creates for a mount belongs to root.
        mkdirSync(ctx.resultsDir, { recursive: true });
        await runQuiet(ctx, k6Args(ctx, target.mode, scenario, testid), `k6 against ${target.mode}`);
        const after = await snapshotsInContainers(ctx, t, s.workers, await slotContainers(ctx, t));
        const file = join(ctx.resultsDir, `k6-${testid}.json`);
        const rep = { result: runFromK6(readChecked('k6Run', file)), workers: delta(before, after) };
        return t.instances === 'one' ? rep : numberReplicas(rep);
      }
      const testid = nextRunId(target.mode);
      const json = `runner-${testid}-${process.pid}.json`;
      const file = join(ctx.resultsDir, json);
      mkdirSync(dirname(file), { recursive: true });
      const metrics = metricsUrlsInNetwork(t, s.workers, await slotContainers(ctx, t));
      const url = `http://${t.service ?? ''}:${CONTAINER_APP_PORT}${scenario.path}`;
      try {
        const run = { url, requests: scenario.requests, concurrency: scenario.concurrency, scenario, json, metrics, spreadDns: spreadsDns(t), export: { mode: target.mode, testid } };
        await runQuiet(ctx, runnerArgs(ctx, run), `the runner against ${target.mode}`);
        const rep = readChecked('repetition', file);
        return t.instances === 'one' ? rep : numberReplicas(rep);
      } finally {
        rmSync(file, { force: true });
      }
    },
    close: () => Promise.resolve(),
    up: () => (ctx.swarmStack === undefined ? dockerUp(upWorkers, ctx) : swarmUp(upWorkers, ctx, { init: swarmInit })),
    down: () => (ctx.swarmStack === undefined ? dockerDown(ctx) : swarmDown(ctx)),
    ps: () => (ctx.swarmStack === undefined ? dockerPs(ctx) : swarmPs(ctx)),
    logs: () => (ctx.swarmStack === undefined ? dockerLogs(false, ctx) : swarmLogs(ctx)),
  };
  return { ...runtime, sweep: dockerSweep(ctx, runtime, stack), resilience: dockerResilience(ctx, runtime, stack) };
}

