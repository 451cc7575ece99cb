/**
 * The Compose stack: its variables (WORKERS, APP_CPUS, the host ports), its URLs, and
 * up, down, ps and logs. `up` writes Prometheus' targets, checks the engine and the
 * ports, starts every service and prints where each one answers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { appCpus, hostPort } from '../config/docker-options.js';
import type { Env } from '../config/environment.js';
import { integer, UsageError } from '../config/values.js';
import { renderTargets } from '../render/prometheus.js';
import { CONTAINER_APP_PORT, GRAFANA_PORT, MAX_WORKERS, PROMETHEUS_PORT, TOPOLOGIES, type Mode } from '../topologies.js';
import { BENCH_PROFILE, composeModel, GRAFANA_SERVICE, PORT_VARIABLES, PROMETHEUS_SERVICE } from './compose.js';
import {
  composeArgs, cpuLimits, defaultContext, engineCpus, imageAvailable, print, requireEngine, run, runningServices, stackVariables, type DockerContext,
} from './engine.js';
import { IMAGES } from './images.js';

export { appCpus };

export interface StackUrls {
  grafana: string;
  prometheus: string;
  apps: Partial<Record<Mode, string>>;
}

export const targetsFile = (ctx: DockerContext): string => join(ctx.root, 'prometheus', 'targets', 'docker.json');

/** Host port of each published service: its variable, or the topology table's default. */
export function hostPorts(env: Env): { service: string; variable: string; port: number }[] {
  const model = composeModel();
  return Object.entries(PORT_VARIABLES).map(([service, variable]) => {
    const fallback = Number(/:-(\d+)\}/.exec(model.services[service]?.ports?.[0] ?? '')?.[1]);
    // The lab's one integer rule (config/values.ts): a bad value is one line naming the variable.
    return { service, variable, port: hostPort(env, variable) ?? fallback };
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
  for (const { service, variable, port } of hostPorts(stackVariables(ctx))) {
    if (!services.includes(service) || running.has(service)) continue;
    if (!(await portFree(port))) throw new UsageError(`host port ${port} (${service}) is in use: free it, or move it with ${variable}=<port>`);
  }
}

/** WORKERS by the lab's one rule (an integer from 1 to MAX_WORKERS): `up`'s own argument is checked as the variable would be. */
function validWorkers(workers: number): number {
  return integer({ WORKERS: String(workers) }, 'WORKERS', 1, MAX_WORKERS) ?? workers;
}

/** The variables the Compose file reads, for WORKERS workers: nginx's replicas split APP_CPUS. */
export function stackEnv(workers: number, env: Env, engineCpuCount?: number): Record<string, string> {
  // A CPU limit above the engine's CPUs is refused by Docker: cap it there.
  const cpus = engineCpuCount === undefined ? appCpus(env) : Math.min(appCpus(env), engineCpuCount);
  const replicaCpus = Math.max(0.01, Math.floor((cpus / validWorkers(workers)) * 1000) / 1000);
  return { WORKERS: String(workers), APP_CPUS: String(cpus), REPLICA_CPUS: String(replicaCpus) };
}

export function stackUrls(env: Env): StackUrls {
  const port = new Map(hostPorts(env).map((p) => [p.service, p.port]));
  const apps: Partial<Record<Mode, string>> = {};
  for (const t of TOPOLOGIES) if (t.service !== null && t.published) apps[t.mode] = `http://localhost:${port.get(t.service) ?? t.port}`;
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
  const vars = stackVariables(ctx);
  stackEnv(workers, vars); // bad WORKERS or APP_CPUS: one line, before anything is written
  mkdirSync(join(ctx.root, 'prometheus', 'targets'), { recursive: true });
  writeFileSync(targetsFile(ctx), renderTargets('docker', workers));
  await requireEngine(ctx);
  const env = stackEnv(workers, vars, await engineCpus(ctx));
  if (Number(env['APP_CPUS']) < appCpus(vars)) print(ctx, `lab: APP_CPUS=${appCpus(vars)} capped at the ${env['APP_CPUS']} CPUs the Docker engine has\n`);
  const services = await stackServices(ctx);
  const withGrafana = services.includes(GRAFANA_SERVICE);
  await requirePortsFree(ctx, services);
  await run(ctx, [...composeArgs(ctx), 'up', '-d', '--build', '--wait', '--remove-orphans', ...services], 'docker compose up', env);
  await printCpuLimits(ctx);
  const urls = stackUrls(vars);
  const lines = [
    '',
    `Docker stack up (WORKERS=${env['WORKERS']}, APP_CPUS=${env['APP_CPUS']} per app container, ${env['REPLICA_CPUS']} per replica (nginx's and replicas'))`,
    withGrafana
      ? `  Grafana       ${urls.grafana}   (dashboard "Node.js clustering lab"; anonymous viewer, admin password GRAFANA_ADMIN_PASSWORD or admin, set when its volume is first created)`
      : `  Grafana       not run (${IMAGES.grafana} cannot be had)`,
    `  Prometheus    ${urls.prometheus}`,
    ...TOPOLOGIES.filter((t) => t.service !== null).map((t) => `  ${t.mode.padEnd(14)}${urls.apps[t.mode] ?? `${t.service ?? ''}:${CONTAINER_APP_PORT} on the stack's network only`}   ${t.title}`),
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

async function printCpuLimits(ctx: DockerContext): Promise<void> {
  const limits = [...(await cpuLimits(ctx))].sort(([a], [b]) => a.localeCompare(b));
  print(ctx, `CPU limit per container: ${limits.map(([name, cpus]) => `${name} ${cpus}`).join(', ')}\n`);
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
