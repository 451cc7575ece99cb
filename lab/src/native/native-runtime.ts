/**
 * The native runtime (the core's Runtime interface) from local processes, with the
 * real nginx and Prometheus binaries. It declares every capability: sweep (sweep.ts),
 * resilience (resilience.ts) and scale (scale.ts) share its start, stop and RunScope.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_INTERRUPTED, EXIT_TERMINATED } from '../exit-codes.js';
import { machineInfo } from '../machine.js';
import type { LabOptions } from '../config/lab-options.js';
import { blockedRequirement, type SetupResult } from '../setup/ensure.js';
import { requirementLine } from '../setup/plan.js';
import { paths } from '../paths.js';
import type { MachineInfo, RunResult, Scenario } from '../model/report-model.js';
import { runLoad, warmUp } from '../runner/index.js';
import { scenarioRunOptions } from '../runner/run-options.js';
import { progressReporter } from '../runner/progress.js';
import { scenarioFor } from '../scenario-file.js';
import type { Repetition, Runtime, Target } from '../core/runtime.js';
import { GRAFANA_PORT, MODES, NATIVE_STACK, RUNNER_METRICS_PORT, topology, workerCount, type Mode } from '../topologies.js';
import { ClientMetrics, ClientMetricsServer, FINAL_SCRAPE_MS, type RunLabels } from '../runner/client-metrics.js';
import type { RequestObserver } from '../runner/run-options.js';
import { runIds } from '../shared/ids.js';
import { appRuntime, type AppRuntime } from './node-binary.js';
import { isAlive, logDir, readRegistry, stopGroups } from './processes.js';
import { PROMETHEUS_URL, prometheusBinary, prometheusReady, runningPrometheusVersion, startPrometheus, waitForFirstScrapes } from './prometheus.js';
import { baseUrl, isServing, nginxBinary, startTopology, topologyHandle, type RunningTopology } from './topology-runner.js';
import { delta, snapshotAll } from '../runner/worker-metrics.js';
import { coreList, cpuSplit, describeCpuSplit } from '../runner/cpu-split.js';
import { steadyPlan, warmToSteadyState, type WarmUpReport } from '../steady/steady-state.js';
import { nativeResilience } from './resilience.js';
import { nativeScale } from './scale.js';
import { nativeSweep } from './sweep.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** The lab's options once the set-up step ran: the app's Node resolved, and what is still missing. */
export interface NativeOptions extends LabOptions {
  node: string;
  setup: SetupResult;
}

/** Why replicas never run natively, in one line. */
export const REPLICAS_NATIVELY = 'replicas are WORKERS one-process containers behind one DNS name: RUNTIME=docker or RUNTIME=swarm runs them (natively, nginx and reuseport spread WORKERS processes)';

/** Why a mode cannot run on this machine (one line with the command that enables it), or null: its row's rules. */
export function unavailability(mode: Mode, app: AppRuntime, setup: SetupResult): string | null {
  const t = topology(mode);
  if (t.requires === 'container-replicas') return REPLICAS_NATIVELY;
  if (t.requires === 'reuse-port' && app.reusePortUnavailable !== null) {
    const node24 = blockedRequirement(setup, 'Node 24');
    return node24 ? `the app's Node ${app.version} lacks listen({ reusePort }), and ${requirementLine(node24)}` : app.reusePortUnavailable;
  }
  if (t.proxy === 'nginx' && !existsSync(nginxBinary())) {
    const nginx = blockedRequirement(setup, 'nginx');
    return nginx ? requirementLine(nginx) : `nginx is not installed (${nginxBinary()} missing): set NGINX=/path/to/nginx`;
  }
  return null;
}

export function requireBuiltApp(): void {
  if (!existsSync(join(paths.appDist, 'server.js'))) {
    throw new Error('the app is not built (app/dist/server.js missing): run `npm run build` (make does it for you)');
  }
}

/**
 * What one command started, stopped when it ends and when it is interrupted
 * (Ctrl-C, SIGTERM, the terminal closing), so no process is left behind. A group
 * is owned before its processes are spawned, so an interruption during a start
 * stops it too; repeated signals only say that the stop is under way.
 */
export class RunScope {
  private readonly owned = new Set<string>();
  private stopping = false;
  private readonly handler = (signal: NodeJS.Signals): void => {
    if (this.stopping) {
      log(`${signal}: already stopping, please wait…`);
      return;
    }
    this.stopping = true;
    log(`\n${signal}: stopping what this run started…`);
    void this.stopOwned().finally(() => process.exit(signal === 'SIGINT' ? EXIT_INTERRUPTED : EXIT_TERMINATED));
  };

  constructor() {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, this.handler);
  }

  own(group: string): void {
    if (this.stopping) throw new Error('interrupted');
    this.owned.add(group);
  }

  /** Leave a group running after the command (lab up). */
  release(group: string): void {
    this.owned.delete(group);
  }

  /** Stops every owned group, again until none is left (a start may have been under way). */
  private async stopOwned(): Promise<void> {
    for (let groups = [...this.owned]; groups.length > 0; groups = [...this.owned]) {
      for (const g of groups) this.owned.delete(g);
      await stopGroups(groups);
    }
  }

  async close(): Promise<void> {
    if (this.stopping) return new Promise(() => undefined); // the signal handler exits
    await this.stopOwned();
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(signal, this.handler);
  }
}

interface Started {
  running: RunningTopology;
  /** False when it was already serving (lab up) and is left running. */
  ownedByThisRun: boolean;
}

/** Uses the topology `lab up` started when it serves with the same WORKERS and NODE; else (re)starts it. */
export async function ensureRunning(mode: Mode, options: NativeOptions, scope: RunScope): Promise<Started> {
  const t = topology(mode);
  const recorded = readRegistry().filter((p) => p.group === mode);
  if (recorded.length > 0) {
    const same = recorded.every((p) => p.workers === options.workers && p.node === options.node);
    if (same && (await isServing(t, options.workers))) {
      log(`${mode}: using the running topology on port ${t.port} (started by lab up)`);
      return { running: topologyHandle(t, options.workers, recorded), ownedByThisRun: false };
    }
    log(`${mode}: the running topology ${same ? 'does not answer' : 'was started with other WORKERS or NODE'}: restarting it`);
    await stopGroups([mode]);
  }
  log(`${mode}: starting ${workerCount(t, options.workers)} process(es) on port ${t.port}…`);
  scope.own(mode);
  const split = cpuSplit(availableParallelism());
  const running = await startTopology(mode, { workers: options.workers, node: options.node, appCores: split === null ? undefined : coreList(split.app) });
  return { running, ownedByThisRun: true };
}

async function measure(running: RunningTopology, scenario: Scenario, client?: ExportedRun): Promise<Repetition> {
  const observer = client?.observer;
  await client?.ready; // Prometheus has read the run at zero before its first request
  const before = await snapshotAll(running.metricsUrls);
  const progress = progressReporter(running.topology.mode, scenario.requests);
  let result: RunResult;
  try {
    result = await runLoad({ ...scenarioRunOptions(running.baseUrl, scenario), onProgress: progress.update, ...(observer ? { observer } : {}) });
  } finally {
    if (client) client.metrics.end(client.run);
  }
  progress.done();
  const after = await snapshotAll(running.metricsUrls);
  return { result, workers: delta(before, after) };
}

/**
 * The steady-state warm-up of a topology outside compare and bench (sweep, scale): every
 * serving process until its CPU per request is stable (steady/steady-state.ts).
 */
export async function warm(running: RunningTopology, scenario: Scenario): Promise<WarmUpReport | null> {
  if (scenario.warmupRequests <= 0) return null;
  const report = await warmToSteadyState(
    { load: (n) => load(running, n, scenario), read: () => snapshotAll(running.metricsUrls), processes: running.metricsUrls.length },
    steadyPlan(scenario),
  );
  log(`${running.topology.mode}: warm-up ${report.text}`);
  return report;
}

/** Requests whose results are discarded (a warm-up window) at the scenario's concurrency. */
export async function load(running: RunningTopology, requests: number, scenario: Scenario): Promise<void> {
  await warmUp(new URL(scenario.path, running.baseUrl).href, requests, Math.min(scenario.concurrency, requests));
}

export function contextFor(options: NativeOptions, probed?: AppRuntime): { scenario: Scenario; machine: MachineInfo; app: AppRuntime } {
  const scenario = scenarioFor(options);
  const app = probed ?? appRuntime(options.node);
  const cores = availableParallelism();
  pinGenerator(cores);
  return { scenario, machine: machineInfo(app.version, { cpuLimit: null, generator: `the lab's runner, on this machine: ${describeCpuSplit(cores)}` }), app };
}

let pinnedGenerator = false;

/** From 4 cores on, the lab's process (the runner) keeps to the generator's cores (runner/cpu-split.ts); the app starts on the rest. */
function pinGenerator(cores: number): void {
  const split = cpuSplit(cores);
  if (split === null || pinnedGenerator) return;
  pinnedGenerator = true;
  const res = spawnSync('taskset', ['-p', '-c', coreList(split.generator), String(process.pid)], { stdio: 'ignore' });
  if (res.status !== 0) log(`lab: could not keep the load generator to cores ${coreList(split.generator)} (taskset from util-linux): it shares every core with the app`);
}

/** A measured run's client-side metrics, and the scrape that has read it at zero. */
interface ExportedRun {
  metrics: ClientMetrics;
  run: RunLabels;
  observer: RequestObserver;
  ready: Promise<boolean>;
}

/**
 * The runner's client-side metrics for one command: served on RUNNER_METRICS_PORT from
 * the first measured run until the command ends (Prometheus' lab-runner job scrapes it),
 * each run labelled by its mode and a testid of its own.
 */
function clientExport(): { run: (mode: Mode) => Promise<ExportedRun | undefined>; close: () => Promise<void> } {
  let exported: Promise<ClientMetricsServer | undefined> | undefined;
  const nextRunId = runIds();
  return {
    run: async (mode) => {
      // Only while the lab's Prometheus runs (make up): otherwise nothing would read it.
      exported ??= (async () => {
        if (!(await prometheusReady())) return undefined;
        const s = new ClientMetricsServer(new ClientMetrics());
        const why = await s.listen(RUNNER_METRICS_PORT, '127.0.0.1');
        if (why === null) return s;
        log(`lab: the runner's metrics are not exported for Prometheus (${why}); the run itself is unaffected`);
        return undefined;
      })();
      const server = await exported;
      const testid = nextRunId(mode);
      if (server === undefined) return undefined;
      const run = { mode, testid };
      const observer = server.metrics.start(run);
      return { metrics: server.metrics, run, observer, ready: server.nextScrape(FINAL_SCRAPE_MS) };
    },
    close: async () => {
      const server = await exported;
      await server?.close();
    },
  };
}

/**
 * The native runtime: local processes with the real nginx and Prometheus binaries.
 * `options`: the lab's options once the command's set-up step ran; down, ps and logs
 * take none (they read the process registry alone).
 */
export function nativeRuntime(options?: NativeOptions): Runtime {
  const opts = (): NativeOptions => {
    if (options === undefined) throw new Error('this command runs the native runtime without the lab\'s options: only down, ps and logs do');
    return options;
  };
  let scope: RunScope | undefined;
  const scopeNow = (): RunScope => (scope ??= new RunScope());
  const running = new Map<Mode, RunningTopology>();
  // Learned once: the app's Node (a child probes the binary) and the machine facts (scenario.json read).
  let app: AppRuntime | undefined;
  const appNow = (): AppRuntime => (app ??= appRuntime(opts().node));
  let machine: MachineInfo | undefined;
  const machineNow = (): Promise<MachineInfo> => {
    requireBuiltApp();
    return Promise.resolve((machine ??= contextFor(opts(), appNow()).machine));
  };
  const client = clientExport();
  const handle = (target: Target): RunningTopology => {
    const r = running.get(target.mode);
    if (!r) throw new Error(`${target.mode} was not started by this runtime`);
    return r;
  };
  const runtime: Runtime = {
    name: 'native',
    workers: () => Promise.resolve(opts().workers),
    machine: machineNow,
    unavailability: (mode) => Promise.resolve(unavailability(mode, appNow(), opts().setup)),
    start: async (mode) => {
      const { running: r } = await ensureRunning(mode, opts(), scopeNow());
      running.set(mode, r);
      return { mode, workers: r.workers, url: r.baseUrl };
    },
    load: (target, requests, scenario) => load(handle(target), requests, scenario),
    readProcesses: (target) => snapshotAll(handle(target).metricsUrls),
    ownership: () => ({ stack: NATIVE_STACK, roots: () => readRegistry().map((p) => p.pid) }),
    monitoring: async () => ({ grafana: null, prometheus: (await prometheusReady()) ? PROMETHEUS_URL : null }),
    measure: async (target, scenario) => measure(handle(target), scenario, await client.run(target.mode)),
    close: async () => {
      await (scope?.close() ?? Promise.resolve());
      await client.close();
    },
    up: (modes) => nativeUp({ ...opts(), modes: modes === undefined ? undefined : [...modes] }),
    down: nativeDown,
    ps: () => Promise.resolve(nativePs()),
    logs: () => {
      process.stdout.write(`native logs are in ${logDir()}\n`);
      for (const p of readRegistry()) process.stdout.write(`  ${p.name}: ${p.log}\n`);
      return Promise.resolve();
    },
  };
  return { ...runtime, sweep: nativeSweep(runtime, opts, scopeNow), resilience: nativeResilience(runtime, opts, scopeNow), scale: nativeScale(opts, scopeNow) };
}

export async function nativeUp(options: NativeOptions): Promise<void> {
  requireBuiltApp();
  if (!existsSync(prometheusBinary())) {
    const prometheus = blockedRequirement(options.setup, 'prometheus');
    throw new Error(prometheus ? requirementLine(prometheus) : `prometheus is not installed (${prometheusBinary()} missing): set PROMETHEUS=/path/to/prometheus`);
  }
  const app = appRuntime(options.node);
  const modes = options.modes ?? [...MODES];
  const scope = new RunScope();
  try {
    const urls: string[] = [];
    for (const mode of modes) {
      const t = topology(mode);
      const reason = unavailability(mode, app, options.setup);
      if (reason) {
        urls.push(`${mode.padEnd(13)} unavailable: ${reason}`);
        continue;
      }
      await ensureRunning(mode, options, scope);
      urls.push(`${mode.padEnd(13)} ${baseUrl(t)}/heavy   metrics ${t.metricsPort}..${t.metricsPort + workerCount(t, options.workers) - 1}`);
    }
    const prometheus = readRegistry().filter((p) => p.group === 'prometheus');
    if (!prometheus.every((p) => isAlive(p) && p.workers === options.workers) || prometheus.length === 0) {
      await stopGroups(['prometheus']);
      scope.own('prometheus');
      await startPrometheus(options.workers);
    }
    const running = readRegistry().find((p) => p.group === 'prometheus' && p.name === 'prometheus');
    const unscraped = await waitForFirstScrapes();
    if (unscraped !== 0) log(`lab: Prometheus has not scraped ${unscraped < 0 ? 'any' : unscraped} target(s) yet: the first seconds of a run may be missing from the dashboard`);
    for (const line of urls) log(line);
    log(`${'prometheus'.padEnd(13)} ${PROMETHEUS_URL} (targets: ${PROMETHEUS_URL}/api/v1/targets) Prometheus ${await runningPrometheusVersion()}${running ? ` (${running.command.split(' --')[0] ?? ''})` : ''}`);
    log(`Grafana (port ${GRAFANA_PORT}) runs with RUNTIME=docker only. Stop everything with: make down`);
    for (const group of [...modes, 'prometheus']) scope.release(group);
  } finally {
    await scope.close();
  }
}

export async function nativeDown(): Promise<void> {
  const stopped = await stopGroups();
  log(stopped.length === 0 ? 'nothing was running' : `stopped ${stopped.map((p) => p.name).join(', ')}`);
}

export function nativePs(): void {
  const entries = readRegistry();
  if (entries.length === 0) {
    log('nothing is running (native runtime)');
    return;
  }
  for (const p of entries) process.stdout.write(`${p.group.padEnd(13)} ${p.name.padEnd(14)} pid ${String(p.pid).padEnd(8)} ${p.log}\n`);
}

