/**
 * Starts a topology from local processes, with the ports of lab/src/topologies.ts,
 * and waits until every process serves: the app port answers /readyz and each
 * worker's metrics port answers /metrics.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { paths } from '../paths.js';
import { renderNginxMain, renderNginxServer, type UpstreamOptions } from '../render/nginx.js';
import { ENTRY_FILES, NATIVE_STACK, NGINX_UPSTREAM_PORT, primaryMetricsPort, STACK_ENV, topology, workerCount, type Mode, type Topology } from '../topologies.js';
import { isAlive, logTail, spawnManaged, stopGroups, type ManagedProcess, type SpawnOptions } from './processes.js';
import { locations } from '../config/environment.js';

export interface StartOptions {
  workers: number;
  /** Node binary that runs the app. */
  node: string;
  /** Extra environment for the app processes. */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** The app's cores as `taskset -c` takes them (runner/cpu-split.ts), or undefined: every core. */
  appCores?: string | undefined;
}

export interface RunningTopology {
  topology: Topology;
  workers: number;
  baseUrl: string;
  /** Each serving process's metrics URL, in worker order. */
  metricsUrls: string[];
  processes: ManagedProcess[];
}

const LOCALHOST = '127.0.0.1';

function appEnv(t: Topology, options: StartOptions, extra: Record<string, string>): Record<string, string> {
  return {
    HOST: LOCALHOST,
    LAB_MODE: t.mode,
    [STACK_ENV]: NATIVE_STACK,
    LOG_FORMAT: 'text',
    NODE_ENV: 'production',
    ...options.env,
    ...extra,
  };
}

function pm2RuntimeBin(): string {
  const require = createRequire(join(paths.app, 'package.json'));
  return join(require.resolve('pm2/package.json'), '..', 'bin', 'pm2-runtime');
}

const nginxDir = (): string => join(locations().state, 'nginx');

/**
 * Writes nginx's server block (its upstreams, `down` ones marked); a running nginx
 * reads it again on SIGHUP.
 */
export function writeNginxServerConf(workers: number, upstreams: UpstreamOptions = {}): string {
  const serverConf = join(nginxDir(), 'default.conf');
  writeFileSync(serverConf, renderNginxServer('native', workers, upstreams));
  return serverConf;
}

function nginxProcess(t: Topology, workers: number): SpawnOptions {
  const dir = nginxDir();
  mkdirSync(dir, { recursive: true });
  const serverConf = writeNginxServerConf(workers);
  const mainConf = join(dir, 'nginx.conf');
  writeFileSync(mainConf, renderNginxMain(serverConf, dir));
  return {
    name: 'nginx',
    group: t.mode,
    command: nginxBinary(),
    args: ['-p', dir, '-c', mainConf, '-e', join(dir, 'nginx-error.log')],
    env: {},
    // Graceful quit (SIGQUIT) before its upstreams stop: see stopGroups.
    stopSignal: 'SIGQUIT',
    stopFirst: true,
  };
}

export function nginxBinary(): string {
  return locations().nginx;
}

/** The command line of a topology's entry point, from its row. */
function entryCommand(t: Topology, options: StartOptions): { command: string; args: string[] } {
  if (t.entry === 'pm2') return { command: options.node, args: [pm2RuntimeBin(), 'start', join(paths.app, ENTRY_FILES.pm2)] };
  return { command: options.node, args: [join(paths.app, ENTRY_FILES[t.entry])] };
}

/**
 * The processes a topology is made of, in start order, derived from its row of the
 * topology table (exported for the resilience rounds, which restart one instance).
 */
/** A process started on the given cores only: taskset execs the command, so the pid stays the app's. */
function pinned(spec: SpawnOptions, cores: string | undefined): SpawnOptions {
  return cores === undefined ? spec : { ...spec, command: 'taskset', args: ['-c', cores, spec.command, ...spec.args] };
}

export function plan(t: Topology, options: StartOptions): SpawnOptions[] {
  return unpinnedPlan(t, options).map((spec) => pinned(spec, options.appCores));
}

function unpinnedPlan(t: Topology, options: StartOptions): SpawnOptions[] {
  const n = workerCount(t, options.workers);
  const entry = (name: string, extra: Record<string, string>): SpawnOptions => ({
    name,
    group: t.mode,
    ...entryCommand(t, options),
    env: appEnv(t, options, { ...t.env, ...extra }),
  });
  if (t.instances === 'per-worker') {
    const instances = Array.from({ length: n }, (_, i) =>
      entry(t.proxy === null ? `${t.mode}-${i}` : `${t.mode}-app-${i}`, {
        PORT: String(t.proxy === null ? t.port : NGINX_UPSTREAM_PORT + i),
        METRICS_PORT: String(t.metricsPort + i),
        WORKER_INDEX: String(i),
      }),
    );
    return t.proxy === 'nginx' ? [...instances, nginxProcess(t, n)] : instances;
  }
  return [
    entry(t.mode, {
      PORT: String(t.port),
      METRICS_PORT: String(t.metricsPort),
      ...(t.multiProcess ? { WORKERS: String(n) } : {}),
      ...(t.hasPrimary ? { PRIMARY_METRICS_PORT: String(primaryMetricsPort(t, n)) } : {}),
      ...(t.entry === 'pm2' ? { PM2_HOME: join(locations().state, 'pm2') } : {}),
    }),
  ];
}

/** A topology's base URL on this machine, e.g. http://127.0.0.1:3002. */
export function baseUrl(t: Topology): string {
  return `http://${LOCALHOST}:${t.port}`;
}

/** The handle on a topology's processes, whoever started them. */
export function topologyHandle(t: Topology, workers: number, processes: ManagedProcess[]): RunningTopology {
  return { topology: t, workers: workerCount(t, workers), baseUrl: baseUrl(t), metricsUrls: metricsUrls(t, workers), processes };
}

export function metricsUrls(t: Topology, workers: number): string[] {
  return Array.from({ length: workerCount(t, workers) }, (_, i) => `http://${LOCALHOST}:${t.metricsPort + i}/metrics`);
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await request(url, { headersTimeout: 1000, bodyTimeout: 1000 });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}

/** Whether a topology already serves on its ports (e.g. started by `lab up`). */
export async function isServing(t: Topology, workers: number): Promise<boolean> {
  const urls = [`${baseUrl(t)}/readyz`, ...metricsUrls(t, workers)];
  const results = await Promise.all(urls.map(answers));
  return results.every(Boolean);
}

/**
 * Ready when every serving process answers, then the front. Behind nginx the upstreams
 * are waited for first: a /readyz through nginx before they listen gets "connection
 * refused" from each, and nginx (max_fails=1, fail_timeout=10s) would hold them out of
 * rotation in that worker for 10 s.
 */
async function waitReady(t: Topology, running: RunningTopology, timeoutMs: number): Promise<void> {
  const upstreams = t.proxy === null ? [] : running.metricsUrls.map((_, i) => `http://127.0.0.1:${NGINX_UPSTREAM_PORT + i}/readyz`);
  const deadline = Date.now() + timeoutMs;
  await waitAll(t, running, [...upstreams, ...running.metricsUrls], deadline, timeoutMs);
  await waitAll(t, running, [`${running.baseUrl}/readyz`], deadline, timeoutMs);
}

async function waitAll(t: Topology, running: RunningTopology, urls: readonly string[], deadline: number, timeoutMs: number): Promise<void> {
  const pending = new Set(urls);
  while (pending.size > 0) {
    const dead = running.processes.find((p) => !isAlive(p));
    if (dead) throw new Error(`${t.mode}: ${dead.name} exited during start; its log (${dead.log}) ends with:\n${logTail(dead)}`);
    if (Date.now() > deadline) {
      throw new Error(`${t.mode}: not ready after ${timeoutMs} ms; still waiting for ${[...pending].join(', ')}`);
    }
    for (const url of [...pending]) if (await answers(url)) pending.delete(url);
    if (pending.size > 0) await sleep(100);
  }
}

export async function startTopology(mode: Mode, options: StartOptions): Promise<RunningTopology> {
  const t = topology(mode);
  const processes: ManagedProcess[] = [];
  const running = topologyHandle(t, options.workers, processes);
  try {
    for (const spec of plan(t, options)) processes.push(spawnManaged({ ...spec, workers: options.workers, node: options.node }));
    await waitReady(t, running, options.readyTimeoutMs ?? 30_000);
    return running;
  } catch (error) {
    await stopGroups([mode]);
    throw error;
  }
}

export async function stopTopology(mode: Mode): Promise<void> {
  await stopGroups([mode]);
}
