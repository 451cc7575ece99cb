/**
 * What the Docker end-to-end tests share: whether an engine is there to test (and
 * whether CI requires one), host ports shifted off the native lab's, and the lab's CLI
 * run as `make <command>` runs it, against the stack on those ports.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { composeVersion, dockerAvailable, MIN_COMPOSE_VERSION, versionAtLeast } from '../../src/docker/engine.js';
import { paths } from '../../src/paths.js';

/** Whether a Docker engine with a recent enough Compose answers; LAB_REQUIRE_DOCKER=1 (CI) makes "none" a failure. */
export interface DockerEngine {
  usable: boolean;
  required: boolean;
  /** The skip reason where no usable engine answers, else false. */
  notRun: string | false;
}

export async function dockerEngine(): Promise<DockerEngine> {
  const engine = (await dockerAvailable(5000)) ? await composeVersion() : undefined;
  const usable = engine !== undefined && versionAtLeast(engine, MIN_COMPOSE_VERSION);
  return {
    usable,
    required: process.env['LAB_REQUIRE_DOCKER'] === '1',
    notRun: usable ? false : `not run: no Docker engine with Compose >= ${MIN_COMPOSE_VERSION} answers (CI provisions one: .ci/provision-docker)`,
  };
}

/** Host ports from `base` (app ports base+1…, Grafana base) and Prometheus' own, so the stack never meets the native lab's fixed ports. */
export function shiftedPorts(base: number, prometheus: number): Record<string, string> {
  return {
    SINGLE_PORT: String(base + 1), CLUSTER_PORT: String(base + 2), PM2_PORT: String(base + 3), NGINX_PORT: String(base + 4),
    CLUSTER_NONE_PORT: String(base + 6), PROMETHEUS_PORT: String(prometheus), GRAFANA_PORT: String(base),
  };
}

/** The caller's variables that would change what a test runs unless the test sets them itself. */
const RUN_VARIABLES = ['MODE', 'WORKERS', 'REQUESTS', 'CONCURRENCY', 'TARGET_PATH', 'REPEAT', 'WARMUP', 'WARMUP_MIN', 'DURATION', 'RATES', 'STEP_SECONDS', 'SLO_P99_MS', 'SWEEP_CONNECTIONS', 'NODE', 'APP_CPUS'];

export type LabCli = (command: string, extra?: Record<string, string>, timeoutMs?: number) => Promise<string>;

/**
 * The lab's CLI (what `make <command>` calls once built) with RUNTIME=docker, the
 * shifted ports and the test's own variables; output captured, rejects on a non-zero exit.
 */
export function dockerLab(ports: Record<string, string>, own: Record<string, string> = {}): LabCli {
  return (command, extra = {}, timeoutMs = 600_000) => {
    // APP_CPUS sizes the containers: `up` takes it, the other commands refuse it.
    const env: NodeJS.ProcessEnv = { ...process.env, ...ports, RUNTIME: 'docker', ...(command === 'up' ? { APP_CPUS: '2' } : {}), ...own, ...extra };
    for (const name of RUN_VARIABLES) if (!(name in extra)) Reflect.deleteProperty(env, name);
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(paths.root, 'lab', 'dist', 'cli.js'), command], { cwd: paths.root, env });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else reject(new Error(`lab ${command} exited ${code}:\n${out.slice(-3000)}`));
      });
    });
  };
}

/** A docker command's output; fails the test on a non-zero exit. */
export function docker(...args: string[]): string {
  const res = spawnSync('docker', args, { encoding: 'utf8', timeout: 60_000 });
  assert.equal(res.status, 0, `docker ${args.join(' ')}: ${res.stderr}`);
  return res.stdout;
}

/** `docker compose` on the lab's compose file, as the lab runs it. */
export const compose = (...args: string[]): string => docker('compose', '--project-directory', paths.root, '-f', paths.composeFile, ...args);
