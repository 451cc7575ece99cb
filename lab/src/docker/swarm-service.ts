/**
 * What the resilience rounds do to a service of the lab's Swarm stack, as a Swarm user
 * does it: `docker service scale` to stop it (every task gets SIGTERM and the service's
 * stop_grace_period) and to bring it back, `docker service update --force` to replace
 * every task (the rolling restart Swarm offers), its logs through `docker service logs`.
 *
 * start-first or stop-first: the stack declares start-first (a new task serves before
 * the old one stops), which needs room for both at once. A task that publishes a
 * host-mode port cannot have a second task on the same node while the old one holds the
 * port, so on a one-node swarm its update would wait for a node forever ("no suitable
 * node (host-mode port already in use on 1 node)", seen on the development machine): the
 * lab uses stop-first there and says why; everywhere else, start-first.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { capture, runQuiet, type DockerContext } from './engine.js';

export type UpdateOrder = 'start-first' | 'stop-first';

/** A `docker service update --force` must have converged within this long (each task: start, health, the stack's 10 s monitor). */
const UPDATE_TIMEOUT_MS = 240_000;
const SCALE_TIMEOUT_MS = 120_000;
/** How long a followed log is read on after the event it covers. */
const LOG_FLUSH_MS = 1000;

export interface UpdatePlan {
  order: UpdateOrder;
  /** Why this order, in words (the round's action text). */
  why: string;
}

/** The order an update can run in: start-first unless a host-mode port on a one-node swarm leaves no room for a second task. */
export function updatePlan(hostPorts: readonly number[], nodes: number): UpdatePlan {
  if (hostPorts.length > 0 && nodes <= 1) {
    return { order: 'stop-first', why: `stop-first: on a one-node swarm a start-first task cannot be placed while the old one holds host-mode port ${hostPorts.join(', ')}` };
  }
  return { order: 'start-first', why: 'start-first: each new task serves before its old one stops' };
}

/** The swarm's node count. */
export async function swarmNodes(ctx: DockerContext): Promise<number> {
  const res = await capture(ctx, ['node', 'ls', '-q']);
  return res.code === 0 ? res.stdout.split('\n').filter(Boolean).length : 1;
}

/** The host-mode ports a service publishes (none: it is reached on the stack's network only). */
export async function publishedHostPorts(ctx: DockerContext, stack: string, service: string): Promise<number[]> {
  const res = await capture(ctx, ['service', 'inspect', '--format', '{{range .Spec.EndpointSpec.Ports}}{{.PublishMode}}:{{.PublishedPort}} {{end}}', `${stack}_${service}`]);
  return res.stdout.trim().split(/\s+/).filter((p) => p.startsWith('host:')).map((p) => Number(p.slice('host:'.length)));
}

/** Sets a service's task count and waits until Swarm reports it converged (scale 0: every old task has stopped). */
export async function scaleService(ctx: DockerContext, stack: string, service: string, replicas: number): Promise<void> {
  const res = await capture(ctx, ['service', 'scale', '--detach=false', `${stack}_${service}=${replicas}`], SCALE_TIMEOUT_MS);
  if (res.code !== 0) throw new Error(`docker service scale ${stack}_${service}=${replicas} failed: ${res.stdout.trim().split('\n').slice(-3).join(' ')}`);
}

/**
 * Replaces every task of the service (`docker service update --force`, one at a time, in
 * `order`), waits until it converged, then puts the stack's own order back (an order
 * alone changes no task).
 */
export async function forceUpdate(ctx: DockerContext, stack: string, service: string, order: UpdateOrder): Promise<void> {
  const name = `${stack}_${service}`;
  const res = await capture(ctx, ['service', 'update', '--force', '--detach=false', '--update-order', order, name], UPDATE_TIMEOUT_MS);
  await runQuiet(ctx, ['service', 'update', '--detach', '--update-order', 'start-first', name], `docker service update --update-order start-first ${name}`);
  if (res.code !== 0) {
    throw new Error(`docker service update --force ${name} did not converge within ${UPDATE_TIMEOUT_MS / 1000} s: ${res.stdout.trim().split('\n').slice(-2).join(' ')}`);
  }
}

/** A `docker service logs --follow` running in the background: stop() ends it and gives what it read. */
export interface LogFollower {
  stop(): Promise<string>;
}

/**
 * Follows the service's log lines (both streams: the app's drain lines go to its
 * standard error) from `since` (ISO time) on. Read while it happens, because Swarm
 * removes a task's container, and its logs, when a scale-down stops it.
 */
export function followServiceLogs(ctx: DockerContext, stack: string, service: string, since: string): LogFollower {
  const child = spawn(ctx.docker, ['service', 'logs', '--follow', '--raw', '--no-trunc', '--since', since, `${stack}_${service}`], { stdio: ['ignore', 'pipe', 'pipe'], cwd: ctx.root });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr.on('data', (d: Buffer) => (text += d.toString()));
  const closed = new Promise<void>((resolve) => {
    child.on('close', () => resolve());
    child.on('error', () => resolve());
  });
  return {
    async stop() {
      // The last lines of a task that just exited may still be on their way.
      await sleep(LOG_FLUSH_MS);
      child.kill('SIGTERM');
      await closed;
      return text;
    },
  };
}
