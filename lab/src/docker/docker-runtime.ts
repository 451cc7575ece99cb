/**
 * The Docker runtime (the core's Runtime interface): start the Compose stack, load one
 * topology's service with the lab's runner on the Compose network, stop it. Every docker command inherits the terminal; a failure
 * is one line saying which command failed.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { Repetition, Runtime } from '../core/runtime.js';
import { machineInfo } from '../machine.js';
import { paths } from '../paths.js';
import { renderTargets } from '../render/prometheus.js';
import type { MachineInfo, RunResult, Scenario, Unmeasured, WarmUpReport } from '../report-model.js';
import { delta, parseSnapshot, type WorkerSnapshot } from '../runner/worker-metrics.js';
import type { K6RunSummary } from '../shared/k6-summary.js';
import { runIds, testId } from '../shared/ids.js';
import {
  CONTAINER_APP_PORT, CONTAINER_METRICS_PORT, DEFAULT_DOCKER_WORKERS, GRAFANA_PORT, MAX_WORKERS, PROMETHEUS_PORT, TOPOLOGIES, topology, workerCount,
  type Mode, type Topology,
} from '../topologies.js';
import { integer, UsageError } from '../lab-options.js';
import { byLabel } from '../runner/stats.js';
import {
  BENCH_PROFILE, composeModel, DEFAULT_APP_CPUS, GRAFANA_SERVICE, K6_RESULTS_DIR, K6_RUN_ARGS, K6_SERVICE,
  PORT_VARIABLES, PROJECT_NAME, PROMETHEUS_SERVICE, REPLICA_SERVICE, RUNNER_SERVICE,
} from './compose.js';
import { IMAGES, NODE_IMAGE } from './images.js';
import { runnerCommand, type RunnerRun } from '../runner/runner-command.js';

/** The oldest Compose v2 the file needs (depends_on … restart). */
export const MIN_COMPOSE_VERSION = '2.17.0';

/** Where the stack lives, which docker client runs it and where the lab's own lines go (tests pass stand-ins). */
export interface DockerContext {
  root: string;
  docker: string;
  /** Where the runner and k6 containers write their JSON (mounted as LAB_RESULTS_DIR): the lab's results folder. */
  resultsDir: string;
  print?: (text: string) => void;
}

/** The Compose project the stack runs as: COMPOSE_PROJECT_NAME, else the file's name (compose.ts). */
const projectName = (): string => process.env['COMPOSE_PROJECT_NAME'] ?? PROJECT_NAME;

export const defaultContext = (): DockerContext => ({ root: paths.root, docker: process.env['LAB_DOCKER'] ?? 'docker', resultsDir: resolve(paths.results) });

/** The environment of every docker command: the caller's, plus the results folder the Compose file mounts. */
function dockerEnv(ctx: DockerContext, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, LAB_RESULTS_DIR: ctx.resultsDir };
}

const print = (ctx: DockerContext, text: string): void => {
  if (ctx.print) ctx.print(text);
  else process.stdout.write(text);
};

export interface StackUrls {
  grafana: string;
  prometheus: string;
  apps: Partial<Record<Mode, string>>;
}

export const targetsFile = (ctx: DockerContext): string => join(ctx.root, 'prometheus', 'targets', 'docker.json');

export function composeArgs(ctx: DockerContext): string[] {
  return ['compose', '--project-directory', ctx.root, '-f', join(ctx.root, 'docker-compose.yml')];
}

/** Runs docker with the terminal attached; rejects with one line on failure. */
function run(ctx: DockerContext, args: string[], what: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(ctx.docker, args, { stdio: 'inherit', env: dockerEnv(ctx, env), cwd: ctx.root });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(new Error(error.code === 'ENOENT' ? `${what}: no \`${ctx.docker}\` command on PATH (is Docker installed?)` : `${what}: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${what} failed (${signal ? `signal ${signal}` : `exit code ${code}`}); see docker's output above`));
    });
  });
}

/** Runs docker quietly and returns its exit code and standard output (null code: it could not run). */
export function capture(ctx: DockerContext, args: string[], timeoutMs = 15_000): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(ctx.docker, args, { stdio: ['ignore', 'pipe', 'ignore'], env: dockerEnv(ctx), cwd: ctx.root });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', () => {
      clearTimeout(timer);
      resolve({ code: null, stdout });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

/** CPUs the engine has (Docker Desktop's VM may have fewer than the host), if it says. */
async function engineCpus(ctx: DockerContext): Promise<number | undefined> {
  const res = await capture(ctx, ['info', '--format', '{{.NCPU}}']);
  const n = Number(res.stdout.trim());
  return res.code === 0 && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Services of the stack with a running container. */
export async function runningServices(ctx: DockerContext): Promise<string[]> {
  const res = await capture(ctx, [...composeArgs(ctx), 'ps', '--status', 'running', '--services']);
  return res.code === 0 ? res.stdout.split('\n').map((s) => s.trim()).filter(Boolean) : [];
}

/** Whether a Docker engine answers `docker info` within timeoutMs. Never throws. */
export function dockerAvailable(timeoutMs = 3000, ctx: DockerContext = defaultContext()): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(ok);
    };
    const child = spawn(ctx.docker, ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore' });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done(false);
    }, timeoutMs);
    child.on('error', () => done(false));
    child.on('exit', (code) => done(code === 0));
  });
}

/** Whether dotted version a is at least b. */
export function versionAtLeast(a: string, b: string): boolean {
  const pa = a.replace(/^v/, '').split(/[.+-]/).map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < pb.length; i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (Number.isNaN(x) || x !== y) return !Number.isNaN(x) && x > y;
  }
  return true;
}

/** `docker compose version --short`, or undefined when Compose v2 does not run. */
export async function composeVersion(ctx: DockerContext = defaultContext()): Promise<string | undefined> {
  const res = await capture(ctx, ['compose', 'version', '--short']);
  const v = res.stdout.trim();
  return res.code === 0 && /^v?\d+\.\d+/.test(v) ? v.replace(/^v/, '') : undefined;
}

export async function requireEngine(ctx: DockerContext): Promise<void> {
  if (!(await dockerAvailable(5000, ctx))) {
    throw new Error('no Docker engine answers `docker info`: start Docker, or use RUNTIME=native');
  }
  const version = await composeVersion(ctx);
  if (version === undefined) throw new Error(`Docker Compose v2 is missing (\`docker compose version\` fails): install the compose plugin ${MIN_COMPOSE_VERSION} or newer (CI: .ci/provision-docker)`);
  if (!versionAtLeast(version, MIN_COMPOSE_VERSION)) throw new Error(`Docker Compose ${version} is older than ${MIN_COMPOSE_VERSION}: install a newer compose plugin (CI: .ci/provision-docker)`);
}

/** Whether an image is present, or can be pulled now. */
export async function imageAvailable(ctx: DockerContext, image: string): Promise<boolean> {
  if ((await capture(ctx, ['image', 'inspect', image])).code === 0) return true;
  return (await capture(ctx, ['pull', '-q', image], 60_000)).code === 0;
}

/** Host port of each published service: its variable, or the topology table's default. */
export function hostPorts(env: NodeJS.ProcessEnv = process.env): { service: string; variable: string; port: number }[] {
  const model = composeModel();
  return Object.entries(PORT_VARIABLES).map(([service, variable]) => {
    const fallback = Number(/:-(\d+)\}/.exec(model.services[service]?.ports?.[0] ?? '')?.[1]);
    // The lab's one integer rule (lab-options.ts): a bad value is one line naming the variable.
    return { service, variable, port: integer(env, variable, 1, 65535) ?? fallback };
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Pre-flight: a host port taken by something other than this stack is one line naming it and its variable. */
async function requirePortsFree(ctx: DockerContext, services: string[]): Promise<void> {
  const running = new Set(await runningServices(ctx));
  for (const { service, variable, port } of hostPorts()) {
    if (!services.includes(service) || running.has(service)) continue;
    if (!(await portFree(port))) throw new UsageError(`host port ${port} (${service}) is in use: free it, or move it with ${variable}=<port>`);
  }
}

/** WORKERS by the lab's one rule (lab-options.ts: an integer from 1 to MAX_WORKERS). */
function validWorkers(workers: number): number {
  return integer({ WORKERS: String(workers) }, 'WORKERS', 1, MAX_WORKERS) ?? workers;
}

/** APP_CPUS from the environment: the CPU limit of every app container. */
export function appCpus(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['APP_CPUS'];
  if (raw === undefined || raw.trim() === '') return DEFAULT_APP_CPUS;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`APP_CPUS=${raw} is not accepted: expected a positive number of CPUs, e.g. 2 or 1.5`);
  return n;
}

/** The variables the Compose file reads, for WORKERS workers: nginx's replicas split APP_CPUS. */
export function stackEnv(workers: number, env: NodeJS.ProcessEnv = process.env, engineCpuCount?: number): Record<string, string> {
  // A CPU limit above the engine's CPUs is refused by Docker: cap it there.
  const cpus = engineCpuCount === undefined ? appCpus(env) : Math.min(appCpus(env), engineCpuCount);
  const replicaCpus = Math.max(0.01, Math.floor((cpus / validWorkers(workers)) * 1000) / 1000);
  return { WORKERS: String(workers), APP_CPUS: String(cpus), REPLICA_CPUS: String(replicaCpus) };
}

export function stackUrls(env: NodeJS.ProcessEnv = process.env): StackUrls {
  const port = new Map(hostPorts(env).map((p) => [p.service, p.port]));
  const apps: Partial<Record<Mode, string>> = {};
  for (const t of TOPOLOGIES) if (t.service !== null) apps[t.mode] = `http://localhost:${port.get(t.service) ?? t.port}`;
  return {
    grafana: `http://localhost:${port.get(GRAFANA_SERVICE) ?? GRAFANA_PORT}`,
    prometheus: `http://localhost:${port.get(PROMETHEUS_SERVICE) ?? PROMETHEUS_PORT}`,
    apps,
  };
}

/**
 * Writes Prometheus' targets for WORKERS (prometheus/targets/docker.json), then
 * builds and starts the stack, waits until every service is healthy and prints
 * the URLs (stackUrls() gives them as data).
 */
export async function dockerUp(workers: number, ctx: DockerContext = defaultContext()): Promise<void> {
  stackEnv(workers); // bad WORKERS or APP_CPUS: one line, before anything is written
  mkdirSync(join(ctx.root, 'prometheus', 'targets'), { recursive: true });
  writeFileSync(targetsFile(ctx), renderTargets('docker', workers));
  await requireEngine(ctx);
  const env = stackEnv(workers, process.env, await engineCpus(ctx));
  if (Number(env['APP_CPUS']) < appCpus()) print(ctx, `lab: APP_CPUS=${appCpus()} capped at the ${env['APP_CPUS']} CPUs the Docker engine has\n`);
  const services = await stackServices(ctx);
  const withGrafana = services.includes(GRAFANA_SERVICE);
  await requirePortsFree(ctx, services);
  await run(ctx, [...composeArgs(ctx), 'up', '-d', '--build', '--wait', '--remove-orphans', ...services], 'docker compose up', { ...process.env, ...env });
  await printCpuLimits(ctx);
  const urls = stackUrls();
  const lines = [
    '',
    `Docker stack up (WORKERS=${env['WORKERS']}, APP_CPUS=${env['APP_CPUS']} per app container, ${env['REPLICA_CPUS']} per nginx replica)`,
    withGrafana
      ? `  Grafana       ${urls.grafana}   (dashboard "Node.js clustering lab"; anonymous viewer, admin password GRAFANA_ADMIN_PASSWORD or admin, set when its volume is first created)`
      : `  Grafana       not run (${IMAGES.grafana} cannot be had)`,
    `  Prometheus    ${urls.prometheus}`,
    ...TOPOLOGIES.filter((t) => t.service !== null).map((t) => `  ${t.mode.padEnd(14)}${urls.apps[t.mode]}   ${t.title}`),
    '',
  ];
  print(ctx, `${lines.join('\n')}\n`);
}

/**
 * Every service `up` starts: all of them but the bench profile's, less Grafana when its
 * image can neither be found nor pulled (said in one line: Grafana is then not run).
 */
async function stackServices(ctx: DockerContext): Promise<string[]> {
  const model = composeModel();
  const all = Object.entries(model.services).filter(([, s]) => s.profiles === undefined).map(([name]) => name);
  if (await imageAvailable(ctx, IMAGES.grafana)) return all;
  print(ctx, `lab: ${IMAGES.grafana} cannot be pulled: Grafana is left out (not run)\n`);
  return all.filter((s) => s !== GRAFANA_SERVICE);
}

/** The CPU limit each running app container has (docker inspect), as the lab reports it. */
export async function cpuLimits(ctx: DockerContext = defaultContext()): Promise<Map<string, number>> {
  const ids = await capture(ctx, [...composeArgs(ctx), 'ps', '-q']);
  const limits = new Map<string, number>();
  const list = ids.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) return limits;
  const res = await capture(ctx, ['inspect', '--format', '{{.Name}} {{.HostConfig.NanoCpus}}', ...list]);
  for (const line of res.stdout.split('\n')) {
    const [name, nano] = line.trim().split(' ');
    if (name && nano && Number(nano) > 0) limits.set(name.replace(/^\//, ''), Number(nano) / 1e9);
  }
  return limits;
}

async function printCpuLimits(ctx: DockerContext): Promise<void> {
  const limits = [...(await cpuLimits(ctx))].sort(([a], [b]) => a.localeCompare(b));
  print(ctx, `CPU limit per container: ${limits.map(([name, cpus]) => `${name} ${cpus}`).join(', ')}\n`);
}

function serviceOf(mode: Mode): string | null {
  return topology(mode).service;
}

/** Runs docker quietly; resolves with its output, rejects with one line and the output's tail. */
export function runQuiet(ctx: DockerContext, args: string[], what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(ctx.docker, args, { stdio: ['ignore', 'pipe', 'pipe'], env: dockerEnv(ctx), cwd: ctx.root });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (error) => reject(new Error(`${what}: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${what} failed (exit code ${code}); its output ends with:\n${out.trim().split('\n').slice(-15).join('\n')}`));
    });
  });
}

/** `docker compose … run` arguments of one run of the lab's runner on the Compose network. */
export function runnerArgs(ctx: DockerContext, run: RunnerRun): string[] {
  return [
    ...composeArgs(ctx), '--profile', BENCH_PROFILE, 'run', '--rm', '--no-deps',
    // The service's name on the network, so Prometheus' lab-runner job (target runner:PORT) reaches this run.
    ...(run.export === undefined ? [] : ['--use-aliases']),
    // The caller's uid:gid (0:0 under root), so results/ stays the caller's.
    '--user', `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
    RUNNER_SERVICE, ...runnerCommand(run, K6_RESULTS_DIR),
  ];
}

/** Running app containers of a service, by container name, in replica order. */
export async function containers(ctx: DockerContext, service: string): Promise<string[]> {
  const res = await capture(ctx, [...composeArgs(ctx), 'ps', '--status', 'running', '--format', '{{.Name}}', service]);
  return res.stdout.split('\n').map((l) => l.trim()).filter(Boolean).sort(byLabel);
}

/** Each serving process's /metrics as the Compose network reaches it: a service's ports, or each replica's container. */
export function metricsUrlsInNetwork(t: Topology, workers: number, replicas: readonly string[]): string[] {
  if (t.proxy !== null) return replicas.map((name) => `http://${name}:${CONTAINER_METRICS_PORT}/metrics`);
  return Array.from({ length: workerCount(t, workers) }, (_, i) => `http://${t.service ?? t.mode}:${CONTAINER_METRICS_PORT + i}/metrics`);
}

/** Worker labels by position (0, 1, …): behind a proxy every replica says worker 0. */
function numbered<T extends { worker: string }>(items: readonly T[]): T[] {
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

/** The load generator: k6 where its image exists, else the lab's runner on the Compose network. */
export type LoadGenerator = 'k6' | 'runner';

/** `docker compose … run` arguments of one k6 run against a service (k6/bench.ts; it warms up in its setup). */
export function k6Args(ctx: DockerContext, mode: Mode, scenario: Scenario, testid: string): string[] {
  const env = {
    BASE_URL: `http://${serviceOf(mode) ?? mode}:${CONTAINER_APP_PORT}`,
    LAB_MODE: mode,
    TESTID: testid,
    REQUESTS: String(scenario.requests),
    CONCURRENCY: String(scenario.concurrency),
    TARGET_PATH: scenario.path,
  };
  return [
    ...composeArgs(ctx), '--profile', BENCH_PROFILE, 'run', '--rm', '--no-deps',
    '--user', `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
    ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    K6_SERVICE, ...K6_RUN_ARGS,
  ];
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
  const byContainer = t.proxy !== null
    ? replicas.map((name) => [name, [`http://127.0.0.1:${CONTAINER_METRICS_PORT}/metrics`]] as const)
    : [[(await containers(ctx, t.service ?? t.mode))[0] ?? '', Array.from({ length: workerCount(t, workers) }, (_, i) => `http://127.0.0.1:${CONTAINER_METRICS_PORT + i}/metrics`)] as const];
  const texts = await Promise.all(byContainer.map(async ([container, urls]) =>
    JSON.parse(await runQuiet(ctx, ['exec', container, 'node', '-e', FETCH_ALL, ...urls], `reading the metrics in ${container}`)) as string[]));
  return texts.flat().map(parseSnapshot);
}

/** The machine facts of a Docker run: the app containers' CPU limit (docker inspect) and who loads them. */
export async function dockerMachine(ctx: DockerContext, generator: string): Promise<MachineInfo> {
  const limits = [...(await cpuLimits(ctx))].filter(([name]) => /-app-(?!replica)/.test(name)).map(([, cpus]) => cpus);
  const cpuLimit = limits.length > 0 ? Math.max(...limits) : appCpus();
  return machineInfo(NODE_IMAGE.replace(/^node:([\d.]+).*$/, '$1'), { cpuLimit, generator });
}

/**
 * The Docker runtime: the stack `make up` started (containers sized there), loaded by
 * the lab's own runner in a container on the Compose network, each worker's CPU read
 * from its own metrics port there.
 */
export function dockerRuntime(ctx: DockerContext = defaultContext(), upWorkers = DEFAULT_DOCKER_WORKERS): Runtime {
  let ready: Promise<{ workers: number; running: Set<string>; replicas: string[] }> | undefined;
  const stack = (): Promise<{ workers: number; running: Set<string>; replicas: string[] }> =>
    (ready ??= (async () => {
      await requireEngine(ctx);
      const running = new Set(await runningServices(ctx));
      const replicas = await containers(ctx, REPLICA_SERVICE);
      if (replicas.length === 0) throw new Error('the Docker stack is not up (no app-replica runs): run `make up RUNTIME=docker` first');
      return { workers: replicas.length, running, replicas };
    })());
  let workers = upWorkers;
  const nextRunId = runIds();
  let chosen: Promise<LoadGenerator> | undefined;
  const generator = (): Promise<LoadGenerator> =>
    (chosen ??= imageAvailable(ctx, IMAGES.k6).then((k6) => {
      if (!k6) print(ctx, `lab: ${IMAGES.k6} cannot be had: the lab's runner loads the stack from the Compose network\n`);
      return k6 ? 'k6' : 'runner';
    }));
  return {
    name: 'docker',
    workers: () => workers,
    machine: async () => {
      const s = await stack();
      workers = s.workers;
      return dockerMachine(ctx, (await generator()) === 'k6'
          ? 'k6, in a container on the Compose network (no CPU limit); each worker\'s CPU read inside its container'
          : "the lab's runner, in a container on the Compose network (no CPU limit)");
    },
    unavailability: async (mode) => {
      const service = serviceOf(mode);
      if (service === null) return `${mode} runs natively only (one container cannot hold WORKERS processes on one port): use RUNTIME=native`;
      const s = await stack();
      workers = s.workers;
      return s.running.has(service) ? null : `its service ${service} is not running: run \`make up RUNTIME=docker\``;
    },
    monitoring: async () => {
      const running = new Set(await runningServices(ctx));
      const urls = stackUrls();
      return { grafana: running.has(GRAFANA_SERVICE) ? urls.grafana : null, prometheus: running.has(PROMETHEUS_SERVICE) ? urls.prometheus : null };
    },
    start: async (mode) => {
      const s = await stack();
      return { mode, workers: workerCount(topology(mode), s.workers), url: stackUrls().apps[mode] ?? '' };
    },
    // Warm-up windows go through the lab's runner whichever generator measures: k6 reports no per-window figures.
    load: async (target, requests, scenario) => {
      const url = `http://${serviceOf(target.mode) ?? ''}:${CONTAINER_APP_PORT}${scenario.path}`;
      await runQuiet(ctx, runnerArgs(ctx, { url, requests, concurrency: Math.min(scenario.concurrency, requests), scenario }), `warm-up of ${target.mode}`);
    },
    warmToSteadyState: async (target, scenario) => {
      const s = await stack();
      const t = topology(target.mode);
      const metrics = metricsUrlsInNetwork(t, s.workers, s.replicas);
      const json = `steady-${nextRunId(target.mode)}-${process.pid}.json`;
      const file = join(ctx.resultsDir, json);
      mkdirSync(dirname(file), { recursive: true });
      const window = scenario.warmupRequests;
      const run = { url: `http://${t.service ?? ''}:${CONTAINER_APP_PORT}${scenario.path}`, requests: window, concurrency: Math.min(scenario.concurrency, window * metrics.length), scenario, json, metrics };
      try {
        await runQuiet(ctx, [...runnerArgs(ctx, run), '--steady-window', String(window), '--steady-min', String(scenario.steadyMinRequests)], `the steady-state warm-up of ${target.mode}`);
        const report = JSON.parse(readFileSync(file, 'utf8')) as WarmUpReport;
        // As measure() numbers them: behind a proxy every replica says worker 0.
        return t.proxy === null ? report : { ...report, reference: numbered(report.reference) };
      } finally {
        rmSync(file, { force: true });
      }
    },
    readProcesses: async (target) => {
      const s = await stack();
      const t = topology(target.mode);
      const snapshots = await snapshotsInContainers(ctx, t, s.workers, s.replicas);
      // As measure() numbers them: behind a proxy every replica says worker 0.
      return t.proxy === null ? snapshots : numbered(snapshots);
    },
    ownership: () => ({ stack: projectName(), roots: () => [], engine: true, container: async (id) => (await capture(ctx, ['inspect', '--format', '{{index .Config.Labels "com.docker.compose.project"}}', id])).stdout.trim() === projectName() }),
    measure: async (target, scenario) => {
      const s = await stack();
      const t = topology(target.mode);
      if ((await generator()) === 'k6') {
        const testid = testId(target.mode, new Date());
        const before = await snapshotsInContainers(ctx, t, s.workers, s.replicas);
        // Made here, as the caller: a folder Docker creates for a mount belongs to root.
        mkdirSync(ctx.resultsDir, { recursive: true });
        await runQuiet(ctx, k6Args(ctx, target.mode, scenario, testid), `k6 against ${target.mode}`);
        const after = await snapshotsInContainers(ctx, t, s.workers, s.replicas);
        const file = join(ctx.resultsDir, `k6-${testid}.json`);
        const rep = { result: runFromK6(JSON.parse(readFileSync(file, 'utf8')) as K6RunSummary), workers: delta(before, after) };
        return t.proxy === null ? rep : numberReplicas(rep);
      }
      const testid = nextRunId(target.mode);
      const json = `runner-${testid}-${process.pid}.json`;
      const file = join(ctx.resultsDir, json);
      mkdirSync(dirname(file), { recursive: true });
      const metrics = metricsUrlsInNetwork(t, s.workers, s.replicas);
      const url = `http://${t.service ?? ''}:${CONTAINER_APP_PORT}${scenario.path}`;
      try {
        const run = { url, requests: scenario.requests, concurrency: scenario.concurrency, scenario, json, metrics, export: { mode: target.mode, testid } };
        await runQuiet(ctx, runnerArgs(ctx, run), `the runner against ${target.mode}`);
        const rep = JSON.parse(readFileSync(file, 'utf8')) as Repetition;
        return t.proxy === null ? rep : numberReplicas(rep);
      } finally {
        rmSync(file, { force: true });
      }
    },
    close: () => Promise.resolve(),
    up: () => dockerUp(upWorkers, ctx),
    down: () => dockerDown(ctx),
    ps: () => dockerPs(ctx),
    logs: () => dockerLogs(false, ctx),
  };
}

/** Stops and removes the stack's containers and network; the data volumes stay. */
export async function dockerDown(ctx: DockerContext = defaultContext()): Promise<void> {
  await run(ctx, [...composeArgs(ctx), '--profile', BENCH_PROFILE, 'down', '--remove-orphans'], 'docker compose down');
}

export async function dockerLogs(follow = false, ctx: DockerContext = defaultContext()): Promise<void> {
  await run(ctx, [...composeArgs(ctx), 'logs', '--tail', '200', ...(follow ? ['--follow'] : [])], 'docker compose logs');
}

export async function dockerPs(ctx: DockerContext = defaultContext()): Promise<void> {
  await run(ctx, [...composeArgs(ctx), 'ps'], 'docker compose ps');
}
