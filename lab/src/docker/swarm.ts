/**
 * The Docker Swarm the lab's stack runs on: the engine's swarm state, a one-node swarm
 * created only when the user asks (SWARM_INIT=yes), the stack deployed from the
 * rendered model (swarm-stack.ts) and waited for until every task runs healthy, and
 * everything removed again (the swarm left only when the lab created it, with the
 * docker_gwbridge network it brought).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { inheritedEnv, locations } from '../config/environment.js';
import { renderTargets } from '../render/prometheus.js';
import { CONTAINER_APP_PORT, TOPOLOGIES, topology } from '../topologies.js';
import { composeArgs, capture, engineCpus, imageAvailable, placementOf, print, requireEngine, run, stackVariables, type DockerContext } from './engine.js';
import { reloadDockerNginxUpstreams } from './nginx-rotation.js';
import { GRAFANA_SERVICE } from './compose.js';
import { IMAGES } from './images.js';
import { stackEnv, stackUrls, targetsFile } from './stack.js';
import { SERVICE_LABEL, STACK_LABEL, SWARM_LEFT_OUT, SWARM_STACK_NAME, swarmStackModel, type SwarmStackFile } from './swarm-stack.js';

export { STACK_LABEL };

/** The Compose service whose build makes the app image all app services run. */
const APP_BUILD_SERVICE = 'app-single';

/** The bridge `docker swarm init` creates on the host; left behind by `swarm leave`. */
export const GATEWAY_BRIDGE = 'docker_gwbridge';

/** Where the lab notes that it created the swarm (so `down` leaves it, and only then). */
const createdMarker = (): string => join(locations().state, 'swarm-created-by-lab');

export type SwarmState = 'active' | 'inactive' | 'pending' | 'error' | 'locked' | 'unknown';

/** This engine's swarm state, and whether it is a manager (only a manager deploys stacks). */
export async function swarmState(ctx: DockerContext): Promise<{ state: SwarmState; manager: boolean }> {
  const res = await capture(ctx, ['info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}']);
  const [state = 'unknown', manager] = res.stdout.trim().split(' ');
  const known: readonly SwarmState[] = ['active', 'inactive', 'pending', 'error', 'locked'];
  return { state: (known as readonly string[]).includes(state) ? (state as SwarmState) : 'unknown', manager: manager === 'true' };
}

/** The line that says how to get a swarm, when there is none and the user did not ask the lab to create one. */
export const NO_SWARM =
  'RUNTIME=swarm needs this Docker engine to be a swarm manager, and it is in no swarm: `docker swarm init --advertise-addr 127.0.0.1` creates a one-node swarm, or `make up RUNTIME=swarm SWARM_INIT=yes` lets the lab create it (and `make down RUNTIME=swarm` leave it)';

/**
 * A swarm to deploy on: the engine's own when it is a manager; a new one-node swarm when
 * there is none and `init` (SWARM_INIT=yes); else an error naming the command. Resolves
 * with whether the lab created it.
 */
export async function ensureSwarm(ctx: DockerContext, init: boolean): Promise<{ created: boolean }> {
  const { state, manager } = await swarmState(ctx);
  if (state === 'active' && manager) return { created: false };
  if (state === 'active') throw new Error('RUNTIME=swarm: this Docker engine is a swarm worker, not a manager: run the lab on a manager node');
  if (state !== 'inactive') throw new Error(`RUNTIME=swarm: this Docker engine's swarm is ${state}: \`docker info\` says more`);
  if (!init) throw new Error(NO_SWARM);
  const gatewayBefore = await networkExists(ctx, GATEWAY_BRIDGE);
  const res = await capture(ctx, ['swarm', 'init', '--advertise-addr', '127.0.0.1'], 60_000);
  if (res.code !== 0) throw new Error('`docker swarm init --advertise-addr 127.0.0.1` failed: `docker info` says why');
  mkdirSync(locations().state, { recursive: true });
  writeFileSync(createdMarker(), JSON.stringify({ gatewayBefore }));
  return { created: true };
}

async function networkExists(ctx: DockerContext, name: string): Promise<boolean> {
  return (await capture(ctx, ['network', 'inspect', name])).code === 0;
}

/** Runs docker with `input` on its standard input; rejects with one line and docker's output's tail. */
function runWithInput(ctx: DockerContext, args: string[], input: string, env: NodeJS.ProcessEnv, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(ctx.docker, args, { stdio: ['pipe', 'pipe', 'pipe'], env, cwd: ctx.root });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (error) => reject(new Error(`${what}: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${what} failed (exit code ${code}): ${out.trim().split('\n').slice(-3).join(' / ')}`));
    });
    child.stdin.end(input);
  });
}

/**
 * Deploys the stack: the model on standard input (bind mounts resolve against the
 * repository, the working directory), images as built locally (no registry is asked
 * for a digest), services no longer in the model removed.
 */
export async function deployStack(ctx: DockerContext, stack: string, model: SwarmStackFile, env: NodeJS.ProcessEnv): Promise<void> {
  await runWithInput(ctx, ['stack', 'deploy', '--prune', '--resolve-image', 'never', '-c', '-', stack], stringify(model), env, `docker stack deploy ${stack}`);
}

interface ServiceState {
  name: string;
  running: number;
  desired: number;
}

/** Every service of the stack, with its running and desired task counts. */
export async function stackServices(ctx: DockerContext, stack: string): Promise<ServiceState[]> {
  const res = await capture(ctx, ['service', 'ls', '--filter', `label=${STACK_LABEL}=${stack}`, '--format', '{{.Name}} {{.Replicas}}']);
  return res.stdout.split('\n').filter(Boolean).map((line) => {
    const [name = '', replicas = ''] = line.trim().split(' ');
    const [running = 0, desired = 0] = replicas.split('/').map((n) => Number.parseInt(n, 10));
    return { name, running, desired };
  });
}

/** The stack's task containers on this node, with their status ("Up 5 seconds (healthy)"). */
async function taskContainers(ctx: DockerContext, stack: string): Promise<{ name: string; status: string }[]> {
  const res = await capture(ctx, ['ps', '--filter', `label=${STACK_LABEL}=${stack}`, '--format', '{{.Names}}\t{{.Status}}']);
  return res.stdout.split('\n').filter(Boolean).map((line) => {
    const [name = '', status = ''] = line.split('\t');
    return { name, status };
  });
}

/**
 * Waits until every service of the stack runs all its tasks and every task container
 * with a health check is healthy; rejects after `timeoutMs` with what is still missing.
 */
export async function waitConverged(ctx: DockerContext, stack: string, services: readonly string[], timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let missing: string[] = [];
  while (Date.now() < deadline) {
    const states = await stackServices(ctx, stack);
    const byName = new Map(states.map((s) => [s.name, s]));
    missing = services.flatMap((service) => {
      const s = byName.get(`${stack}_${service}`);
      return s === undefined ? [`${service} (not deployed)`] : s.running < s.desired || s.desired === 0 ? [`${service} (${s.running}/${s.desired} tasks)`] : [];
    });
    const unhealthy = (await taskContainers(ctx, stack)).filter((c) => /\((health: starting|unhealthy)\)/.test(c.status)).map((c) => `${c.name} (${c.status})`);
    missing.push(...unhealthy);
    if (missing.length === 0) return;
    await sleep(1000);
  }
  throw new Error(`the swarm stack ${stack} did not converge within ${timeoutMs / 1000} s: ${missing.join(', ')} (docker stack ps ${stack} --no-trunc says why)`);
}

/** Removes the stack and waits until its task containers and its network are gone. */
export async function removeStack(ctx: DockerContext, stack: string, timeoutMs = 120_000): Promise<void> {
  await capture(ctx, ['stack', 'rm', stack], 60_000);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const containers = await capture(ctx, ['ps', '-aq', '--filter', `label=${STACK_LABEL}=${stack}`]);
    const networks = await capture(ctx, ['network', 'ls', '-q', '--filter', `label=${STACK_LABEL}=${stack}`]);
    if (containers.stdout.trim() === '' && networks.stdout.trim() === '') return;
    await sleep(500);
  }
  throw new Error(`the swarm stack ${stack} is still being removed after ${timeoutMs / 1000} s: \`docker stack ps ${stack}\` says what is left`);
}

/** Whether the lab created the engine's swarm (`make up RUNTIME=swarm SWARM_INIT=yes`). */
export const swarmCreatedByLab = (): boolean => existsSync(createdMarker());

/**
 * Leaves the swarm the lab created (only that one), and removes the docker_gwbridge
 * network `swarm init` brought when it was not there before: the engine as it was.
 */
export async function leaveSwarmIfCreated(ctx: DockerContext): Promise<boolean> {
  if (!swarmCreatedByLab()) return false;
  let gatewayBefore = false;
  try {
    gatewayBefore = (JSON.parse(readFileSync(createdMarker(), 'utf8')) as { gatewayBefore?: boolean }).gatewayBefore === true;
  } catch {
    // An unreadable marker: leave the bridge alone.
    gatewayBefore = true;
  }
  const res = await capture(ctx, ['swarm', 'leave', '--force'], 60_000);
  if (res.code !== 0 && (await swarmState(ctx)).state !== 'inactive') throw new Error('`docker swarm leave --force` failed: `docker info` says why');
  // Right after `swarm leave` the bridge may still hold the ingress endpoint for a moment: try again until it is gone.
  for (let attempt = 0; !gatewayBefore && attempt < 20 && (await networkExists(ctx, GATEWAY_BRIDGE)); attempt++) {
    await capture(ctx, ['network', 'rm', GATEWAY_BRIDGE]);
    if (await networkExists(ctx, GATEWAY_BRIDGE)) await sleep(500);
  }
  rmSync(createdMarker(), { force: true });
  if (!gatewayBefore && (await networkExists(ctx, GATEWAY_BRIDGE))) {
    // Docker 20.10 can keep a stale endpoint on the bridge after `swarm leave` ("has active endpoints" with no container).
    print(ctx, `lab: ${GATEWAY_BRIDGE} (made by \`swarm init\`) is still held by the engine after leaving the swarm: \`docker network rm ${GATEWAY_BRIDGE}\` removes it once dockerd has let go (after a restart at the latest)\n`);
  }
  return true;
}

/** The task's name, `<stack>_<service>.<slot>.<task id>`: where its slot is. */
const TASK_NAME_LABEL = 'com.docker.swarm.task.name';

/** A service's running task containers on this node, in slot order: their names and their addresses on the stack's network. */
export async function serviceTasks(ctx: DockerContext, stack: string, service: string, network: string): Promise<{ container: string; slot: number; address: string }[]> {
  const ids = (await capture(ctx, ['ps', '-q', '--filter', `label=${SERVICE_LABEL}=${stack}_${service}`, '--filter', 'status=running'])).stdout.split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  const format = `{{.Name}}\t{{index .Config.Labels "${TASK_NAME_LABEL}"}}\t{{with index .NetworkSettings.Networks "${stack}_${network}"}}{{.IPAddress}}{{end}}`;
  const res = await capture(ctx, ['inspect', '--format', format, ...ids]);
  return res.stdout.split('\n').filter(Boolean).map((line) => {
    const [name = '', task = '', address = ''] = line.split('\t');
    return { container: name.replace(/^\//, ''), slot: Number(/\.(\d+)\.[^.]+$/.exec(task)?.[1] ?? Number.NaN), address };
  }).sort((a, b) => a.slot - b.slot);
}

/** SWARM_INIT: yes lets `up` create a one-node swarm where the engine is in none. */
export interface SwarmUpOptions {
  init: boolean;
}

/**
 * nginx resolves its replicas' name when it loads, and a Swarm stack has no depends_on
 * restart: a deploy that replaced the replicas' tasks (a new image, a new health check, a
 * new WORKERS) but not nginx's leaves it sending to addresses that are gone (every request
 * of a compare failed that way on the development machine). A reload with the default
 * upstream list makes it resolve them again.
 */
async function reresolveReplicas(ctx: DockerContext): Promise<void> {
  const nginx = (await placementOf(ctx).containers(topology('nginx').service ?? 'nginx'))[0];
  if (nginx !== undefined) await reloadDockerNginxUpstreams(ctx, nginx, [], undefined);
}

/**
 * `make up RUNTIME=swarm`: Prometheus' targets for WORKERS, the app image built as the
 * Docker runtime builds it, a swarm (created only when asked), the stack deployed and
 * waited for until every task runs healthy, and where everything answers.
 */
export async function swarmUp(workers: number, ctx: DockerContext, options: SwarmUpOptions): Promise<void> {
  const stack = ctx.swarmStack ?? SWARM_STACK_NAME;
  const vars = stackVariables(ctx);
  stackEnv(workers, vars); // bad WORKERS or APP_CPUS: one line, before anything is written
  await requireEngine(ctx);
  await ensureSwarm(ctx, options.init);
  mkdirSync(join(ctx.root, 'prometheus', 'targets'), { recursive: true });
  writeFileSync(targetsFile(ctx), renderTargets('docker', workers));
  const env = stackEnv(workers, vars, await engineCpus(ctx));
  // The one app image every app service runs, built from app/Dockerfile as `docker compose up --build` builds it.
  await run(ctx, [...composeArgs(ctx), 'build', APP_BUILD_SERVICE], 'docker compose build');
  const model = swarmStackModel();
  const withGrafana = await imageAvailable(ctx, IMAGES.grafana);
  if (!withGrafana) {
    print(ctx, `lab: ${IMAGES.grafana} cannot be pulled: Grafana is left out (not run)\n`);
    Reflect.deleteProperty(model.services, GRAFANA_SERVICE);
  }
  await deployStack(ctx, stack, model, inheritedEnv({ ...vars, ...env, COMPOSE_PROJECT_NAME: stack }));
  await waitConverged(ctx, stack, Object.keys(model.services));
  await reresolveReplicas(ctx);
  const urls = stackUrls(vars);
  print(ctx, `${[
    '',
    `Swarm stack ${stack} up (WORKERS=${env['WORKERS']}, APP_CPUS=${env['APP_CPUS']} per app service, ${env['REPLICA_CPUS']} per replica (nginx's and replicas'); endpoint_mode dnsrr; host-mode ports listen on every interface)`,
    withGrafana ? `  Grafana       ${urls.grafana}` : `  Grafana       not run (${IMAGES.grafana} cannot be had)`,
    `  Prometheus    ${urls.prometheus}`,
    ...TOPOLOGIES.filter((t) => t.service !== null).map((t) => `  ${t.mode.padEnd(14)}${urls.apps[t.mode] ?? `${t.service ?? ''}:${CONTAINER_APP_PORT} on the stack's network only`}   ${t.title}`),
    `  left out      ${SWARM_LEFT_OUT.join(', ')} (a Swarm service cannot share the host's pid namespace)`,
    '',
  ].join('\n')}\n`);
}

/** `make down RUNTIME=swarm`: the stack removed, and the swarm left when the lab created it. */
export async function swarmDown(ctx: DockerContext): Promise<void> {
  const stack = ctx.swarmStack ?? SWARM_STACK_NAME;
  if ((await swarmState(ctx)).state !== 'active') {
    print(ctx, 'no swarm: nothing to remove\n');
    return;
  }
  await removeStack(ctx, stack);
  const left = await leaveSwarmIfCreated(ctx);
  print(ctx, `removed the swarm stack ${stack}${left ? ' and left the one-node swarm the lab created' : ''}\n`);
}

export async function swarmPs(ctx: DockerContext): Promise<void> {
  await run(ctx, ['stack', 'services', ctx.swarmStack ?? SWARM_STACK_NAME], 'docker stack services');
}

export async function swarmLogs(ctx: DockerContext): Promise<void> {
  const stack = ctx.swarmStack ?? SWARM_STACK_NAME;
  for (const { name } of await stackServices(ctx, stack)) {
    await run(ctx, ['service', 'logs', '--tail', '200', name], `docker service logs ${name}`);
  }
}

/** Whether the lab's Swarm stack has services on this engine's swarm (RUNTIME=auto, down). */
export async function swarmStackRuns(ctx: DockerContext, stack = SWARM_STACK_NAME): Promise<boolean> {
  if ((await swarmState(ctx)).state !== 'active') return false;
  return (await stackServices(ctx, stack)).length > 0;
}
