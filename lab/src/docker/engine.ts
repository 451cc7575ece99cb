/**
 * The Docker engine and its processes: which client runs where, the three ways the
 * lab runs docker (terminal attached, captured, quiet with the output's tail on
 * failure), and what the engine answers (is it there, which Compose, which images,
 * which containers). A failure is one line saying which command failed.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { inheritedEnv, locations, type Env } from '../config/environment.js';
import { paths } from '../paths.js';
import { PROJECT_NAME } from './compose.js';
import { composePlacement, swarmPlacement, type Placement } from './placement.js';

/** The oldest Compose v2 the file needs (depends_on … restart). */
export const MIN_COMPOSE_VERSION = '2.17.0';

/** Where the stack lives, which docker client runs it and where the lab's own lines go (tests pass stand-ins). */
export interface DockerContext {
  root: string;
  docker: string;
  /** Where the runner and k6 containers write their JSON (mounted as LAB_RESULTS_DIR): the lab's results folder. */
  resultsDir: string;
  print?: (text: string) => void;
  /** The variables the stack reads (host ports, APP_CPUS); absent: this process's environment at the time of use. */
  env?: Env;
  /** RUNTIME=swarm: the Swarm stack the runtime runs as (placement.ts); absent: the Compose project. */
  swarmStack?: string;
}

/** The Compose project the stack runs as: COMPOSE_PROJECT_NAME, else the file's name (compose.ts). */
export const projectName = (): string => locations().composeProject ?? PROJECT_NAME;

export const defaultContext = (): DockerContext => ({ root: paths.root, docker: locations().docker, resultsDir: resolve(locations().results) });

/** Where the context's stack runs: its Swarm stack, else the Compose project. */
export const placementOf = (ctx: DockerContext): Placement =>
  ctx.swarmStack === undefined ? composePlacement(ctx, projectName()) : swarmPlacement(ctx, ctx.swarmStack);

/** The variables the stack reads, as the context gives them. */
export const stackVariables = (ctx: DockerContext): Env => ctx.env ?? inheritedEnv();

/** The environment of every docker command: the caller's, plus `extra`, plus the results folder the Compose file mounts. */
function dockerEnv(ctx: DockerContext, extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  return { ...inheritedEnv(ctx.env), ...extra, LAB_RESULTS_DIR: ctx.resultsDir };
}

export const print = (ctx: DockerContext, text: string): void => {
  if (ctx.print) ctx.print(text);
  else process.stdout.write(text);
};

export function composeArgs(ctx: DockerContext): string[] {
  return ['compose', '--project-directory', ctx.root, '-f', join(ctx.root, 'docker-compose.yml')];
}

/** Runs docker with the terminal attached; rejects with one line on failure. `extra`: variables added to its environment. */
export function run(ctx: DockerContext, args: string[], what: string, extra: Readonly<Record<string, string>> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(ctx.docker, args, { stdio: 'inherit', env: dockerEnv(ctx, extra), cwd: ctx.root });
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

/** CPUs the engine has (Docker Desktop's VM may have fewer than the host), if it says. */
export async function engineCpus(ctx: DockerContext): Promise<number | undefined> {
  const res = await capture(ctx, ['info', '--format', '{{.NCPU}}']);
  const n = Number(res.stdout.trim());
  return res.code === 0 && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Services of the stack with a running container. */
export async function runningServices(ctx: DockerContext): Promise<string[]> {
  return placementOf(ctx).runningServices();
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

/** Running app containers of a service, by container name, in replica order. */
export async function containers(ctx: DockerContext, service: string): Promise<string[]> {
  return placementOf(ctx).containers(service);
}

/** The CPU limit each running app container has (docker inspect), as the lab reports it. */
export async function cpuLimits(ctx: DockerContext = defaultContext()): Promise<Map<string, number>> {
  const limits = new Map<string, number>();
  const list = await placementOf(ctx).containerIds();
  if (list.length === 0) return limits;
  const res = await capture(ctx, ['inspect', '--format', '{{.Name}} {{.HostConfig.NanoCpus}}', ...list]);
  for (const line of res.stdout.split('\n')) {
    const [name, nano] = line.trim().split(' ');
    if (name && nano && Number(nano) > 0) limits.set(name.replace(/^\//, ''), Number(nano) / 1e9);
  }
  return limits;
}
