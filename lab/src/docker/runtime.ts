/**
 * The Docker runtime of the lab's CLI: start the Compose stack, run k6 against one
 * topology's service, stop it. Every docker command inherits the terminal; a failure
 * is one line saying which command failed.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { paths } from '../paths.js';
import { renderTargets } from '../render/prometheus.js';
import type { Scenario } from '../results.js';
import { CONTAINER_APP_PORT, GRAFANA_PORT, MAX_WORKERS, PROMETHEUS_PORT, TOPOLOGIES, topology, type Mode } from '../topologies.js';
import { UsageError } from '../options.js';
import { median } from '../runner/stats.js';
import { scenarioFor } from '../scenario.js';
import {
  BENCH_PROFILE, composeModel, DEFAULT_APP_CPUS, GRAFANA_SERVICE, K6_RESULTS_DIR, K6_RUN_ARGS, K6_SERVICE,
  PORT_VARIABLES, PROMETHEUS_SERVICE, REPLICA_SERVICE, RUNNER_SCRIPT, RUNNER_SERVICE,
} from './compose.js';
import { IMAGES } from './images.js';

/** The oldest Compose v2 the file needs (depends_on … restart). */
export const MIN_COMPOSE_VERSION = '2.17.0';

/** Where the stack lives, which docker client runs it and where the lab's own lines go (tests pass stand-ins). */
export interface DockerContext {
  root: string;
  docker: string;
  print?: (text: string) => void;
}

export const defaultContext = (): DockerContext => ({ root: paths.root, docker: process.env['LAB_DOCKER'] ?? 'docker' });

const print = (ctx: DockerContext, text: string): void => {
  if (ctx.print) ctx.print(text);
  else process.stdout.write(text);
};

export type ScenarioOverrides = Partial<Pick<Scenario, 'requests' | 'concurrency' | 'path'>>;

export interface StackUrls {
  grafana: string;
  prometheus: string;
  apps: Partial<Record<Mode, string>>;
}

/** The fields of k6/bench.ts's JSON summary the lab reads back. */
export interface K6Summary {
  testid: string;
  mode: string;
  target: string;
  completed: number;
  errors: { total: number };
  totalTimeMs: number;
  rps: number;
  latencyMs: { mean: number; p50: number; p90: number; p95: number; p99: number; max: number };
}

export const targetsFile = (ctx: DockerContext): string => join(ctx.root, 'prometheus', 'targets', 'docker.json');

function composeArgs(ctx: DockerContext): string[] {
  return ['compose', '--project-directory', ctx.root, '-f', join(ctx.root, 'docker-compose.yml')];
}

/** Runs docker with the terminal attached; rejects with one line on failure. */
function run(ctx: DockerContext, args: string[], what: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(ctx.docker, args, { stdio: 'inherit', env, cwd: ctx.root });
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
function capture(ctx: DockerContext, args: string[], timeoutMs = 15_000): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(ctx.docker, args, { stdio: ['ignore', 'pipe', 'ignore'], cwd: ctx.root });
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
async function runningServices(ctx: DockerContext): Promise<string[]> {
  const res = await capture(ctx, [...composeArgs(ctx), 'ps', '--status', 'running', '--services']);
  return res.code === 0 ? res.stdout.split('\n').map((s) => s.trim()).filter(Boolean) : [];
}

/**
 * k6 runs with --no-deps (a `run` with its dependencies would recreate any app
 * container whose WORKERS or CPU limit differs from the defaults), so the stack
 * must already be up.
 */
async function requireStackUp(ctx: DockerContext, services: string[]): Promise<void> {
  const running = new Set(await runningServices(ctx));
  const missing = services.filter((s) => !running.has(s));
  if (missing.length > 0) throw new Error(`the Docker stack is not up (not running: ${missing.join(', ')}): run \`make up\` first`);
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

async function requireEngine(ctx: DockerContext): Promise<void> {
  if (!(await dockerAvailable(5000, ctx))) {
    throw new Error('no Docker engine answers `docker info`: start Docker, or use RUNTIME=native');
  }
  const version = await composeVersion(ctx);
  if (version === undefined) throw new Error(`Docker Compose v2 is missing (\`docker compose version\` fails): install the compose plugin ${MIN_COMPOSE_VERSION} or newer (CI: .ci/provision-docker)`);
  if (!versionAtLeast(version, MIN_COMPOSE_VERSION)) throw new Error(`Docker Compose ${version} is older than ${MIN_COMPOSE_VERSION}: install a newer compose plugin (CI: .ci/provision-docker)`);
}

/** Whether an image is present, or can be pulled now. */
async function imageAvailable(ctx: DockerContext, image: string): Promise<boolean> {
  if ((await capture(ctx, ['image', 'inspect', image])).code === 0) return true;
  return (await capture(ctx, ['pull', '-q', image], 60_000)).code === 0;
}

/** Host port of each published service: its variable, or the topology table's default. */
export function hostPorts(env: NodeJS.ProcessEnv = process.env): { service: string; variable: string; port: number }[] {
  const model = composeModel();
  return Object.entries(PORT_VARIABLES).map(([service, variable]) => {
    const raw = env[variable];
    const fallback = Number(/:-(\d+)\}/.exec(model.services[service]?.ports?.[0] ?? '')?.[1]);
    if (raw === undefined || raw.trim() === '') return { service, variable, port: fallback };
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`${variable}=${raw} is not accepted: expected a port from 1 to 65535`);
    return { service, variable, port };
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

function validWorkers(workers: number): number {
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
    throw new UsageError(`WORKERS=${workers} is not accepted: expected an integer from 1 to ${MAX_WORKERS}`);
  }
  return workers;
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

/** The test id of one k6 run: mode, time, repetition. */
export function testId(mode: Mode, when: Date, repetition?: number): string {
  const stamp = when.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[:]/g, '-');
  return `${mode}-${stamp}${repetition === undefined ? '' : `-r${repetition}`}`;
}

function serviceOf(mode: Mode): string {
  const service = topology(mode).service;
  if (service === null) throw new UsageError(`MODE=${mode} runs natively only (it has no Docker service): use RUNTIME=native`);
  return service;
}

/** `docker compose … run` arguments of one k6 run against a mode's service. */
export function benchArgs(ctx: DockerContext, mode: Mode, overrides: ScenarioOverrides, testid: string): string[] {
  const service = serviceOf(mode);
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  // Always the caller's uid:gid (0:0 under root): k6's image user cannot write results/ otherwise.
  const user = ['--user', `${uid ?? 0}:${gid ?? 0}`];
  const env = {
    BASE_URL: `http://${service}:${CONTAINER_APP_PORT}`,
    LAB_MODE: mode,
    TESTID: testid,
    REQUESTS: overrides.requests === undefined ? '' : String(overrides.requests),
    CONCURRENCY: overrides.concurrency === undefined ? '' : String(overrides.concurrency),
    TARGET_PATH: overrides.path ?? '',
  };
  return [
    ...composeArgs(ctx),
    '--profile',
    BENCH_PROFILE,
    'run',
    '--rm',
    '--no-deps',
    ...user,
    ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    K6_SERVICE,
    ...K6_RUN_ARGS,
  ];
}

export function readK6Summary(ctx: DockerContext, testid: string): K6Summary | undefined {
  try {
    return JSON.parse(readFileSync(join(ctx.root, 'results', `k6-${testid}.json`), 'utf8')) as K6Summary;
  } catch {
    return undefined;
  }
}

/** The load generator: k6 where its image exists, else the lab's runner on the Compose network. */
export type LoadGenerator = 'k6' | 'runner';

export async function loadGenerator(ctx: DockerContext): Promise<LoadGenerator> {
  if (await imageAvailable(ctx, IMAGES.k6)) return 'k6';
  print(ctx, `lab: ${IMAGES.k6} cannot be pulled: k6 is not run, the lab's runner loads the stack from the Compose network\n`);
  return 'runner';
}

/** `docker compose … run` arguments of one run of the lab's runner against a mode's service. */
export function runnerArgs(ctx: DockerContext, mode: Mode, overrides: ScenarioOverrides, testid: string): string[] {
  const scenario = scenarioFor({ requests: overrides.requests, concurrency: overrides.concurrency, path: overrides.path });
  const url = `http://${serviceOf(mode)}:${CONTAINER_APP_PORT}${scenario.path}`;
  return [
    ...composeArgs(ctx), '--profile', BENCH_PROFILE, 'run', '--rm', '--no-deps',
    '--user', `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
    RUNNER_SERVICE, 'node', RUNNER_SCRIPT,
    '--url', url, '-n', String(scenario.requests), '-c', String(scenario.concurrency),
    '--timeout-ms', String(scenario.timeoutMs), '--warmup', String(scenario.warmupRequests),
    ...(scenario.keepAlive ? [] : ['--no-keepalive']),
    '--json', `${K6_RESULTS_DIR}/k6-${testid}.json`,
  ];
}

async function benchOnce(ctx: DockerContext, mode: Mode, overrides: ScenarioOverrides, testid: string, generator: LoadGenerator): Promise<K6Summary> {
  print(ctx, `\n=== ${generator} against ${mode} (${topology(mode).title}), testid ${testid}\n`);
  const args = generator === 'k6' ? benchArgs(ctx, mode, overrides, testid) : runnerArgs(ctx, mode, overrides, testid);
  await run(ctx, args, `${generator} run against ${mode}`);
  const summary = readK6Summary(ctx, testid);
  if (!summary) throw new Error(`${generator} wrote no summary to results/k6-${testid}.json (is results/ writable by uid ${process.getuid?.() ?? 0}?)`);
  return summary;
}

/** DURATION (seconds, 1..3600): `bench` repeats the scenario back to back that long, for watching the dashboard. */
export function sustainedSeconds(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env['DURATION'];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 3600) throw new UsageError(`DURATION=${raw} is not accepted: expected whole seconds from 1 to 3600`);
  return n;
}

function checkRepeat(repeat: number): void {
  if (!Number.isInteger(repeat) || repeat < 1) throw new UsageError(`REPEAT=${repeat} is not accepted: expected a positive integer`);
}

/**
 * Runs k6 (`docker compose --profile bench run --rm k6 run …`) REPEAT times against
 * a mode's service; the stack must be up. k6 prints the seed-style block of each run,
 * writes results/k6-<testid>.json and streams its metrics to Prometheus.
 */
export async function dockerBench(mode: Mode, overrides: ScenarioOverrides, repeat: number, ctx: DockerContext = defaultContext()): Promise<void> {
  checkRepeat(repeat);
  sustainedSeconds(); // a bad DURATION: one line, before docker is asked
  benchArgs(ctx, mode, overrides, 'check'); // a mode without a service fails before docker is asked
  await requireEngine(ctx);
  await requireStackUp(ctx, [serviceOf(mode), PROMETHEUS_SERVICE]);
  const duration = sustainedSeconds();
  const generator = await loadGenerator(ctx);
  const start = new Date();
  const rps: number[] = [];
  // DURATION: runs back to back until it has passed (each its own testid), else REPEAT runs.
  const more = (r: number): boolean => (duration === undefined ? r <= repeat : r === 1 || Date.now() - start.getTime() < duration * 1000);
  const numbered = duration !== undefined || repeat > 1;
  for (let r = 1; more(r); r++) {
    const summary = await benchOnce(ctx, mode, overrides, testId(mode, start, numbered ? r : undefined), generator);
    rps.push(summary.rps);
  }
  if (rps.length > 1) {
    print(ctx, `\n${mode}: median ${Math.round(median(rps))} req/s over ${rps.length} runs (${rps.map((v) => Math.round(v)).join(', ')})\n`);
  }
}

/** Every mode with a Docker service, repetitions interleaved so drift hits them all alike. */
export async function dockerCompare(overrides: ScenarioOverrides, repeat: number, ctx: DockerContext = defaultContext()): Promise<void> {
  checkRepeat(repeat);
  await requireEngine(ctx);
  const modes = TOPOLOGIES.filter((t) => t.service !== null).map((t) => t.mode);
  await requireStackUp(ctx, [...modes.map(serviceOf), PROMETHEUS_SERVICE]);
  const generator = await loadGenerator(ctx);
  const start = new Date();
  const runs = new Map<Mode, K6Summary[]>(modes.map((m) => [m, []]));
  for (let r = 1; r <= repeat; r++) {
    for (const mode of modes) {
      const summary = await benchOnce(ctx, mode, overrides, testId(mode, start, r), generator);
      runs.get(mode)?.push(summary);
    }
  }
  const limits = new Map([...(await cpuLimits(ctx))].map(([name, cpus]) => [name.replace(/^.*?-(app-[a-z0-9-]+|nginx)-\d+$/, '$1'), cpus]));
  const rows = modes.map((mode) => {
    const list = runs.get(mode) ?? [];
    const rps = list.map((s) => s.rps);
    const p99 = median(list.map((s) => s.latencyMs.p99));
    const errors = list.reduce((sum, s) => sum + s.errors.total, 0);
    return `  ${mode.padEnd(14)}${String(Math.round(median(rps))).padStart(8)} req/s   p99 ${String(Math.round(p99)).padStart(6)} ms   errors ${errors}   CPU limit ${limits.get(mode === 'nginx' ? REPLICA_SERVICE : serviceOf(mode)) ?? '?'}${mode === 'nginx' ? ' per replica' : ''}   ${topology(mode).title}`;
  });
  print(ctx, `\nDocker comparison (${generator}), median of ${repeat} run(s) each (Grafana: ${stackUrls().grafana}):\n${rows.join('\n')}\n`);
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
