/**
 * The Docker Swarm stack file (docker-stack.yml), derived from the Compose model
 * (compose.ts), itself generated from the topology table: the same images, commands,
 * environment, health checks and CPU budget, so a service is written in one place only.
 * What Swarm needs differently:
 *
 *   - the CPU limit is `deploy.resources.limits.cpus` (Compose's `cpus`), the replica count
 *     `deploy.replicas`;
 *   - the app's health check is the liveness rule (containers.ts, appLivenessHealthcheck):
 *     Swarm replaces an unhealthy task, and Compose's 2 s check fails on a saturated one;
 *   - `endpoint_mode: dnsrr`: the service name resolves to every task's address (the VIP
 *     needs IPVS in the kernel; where it is missing, as on the development machine, a VIP
 *     service would not answer at all), so a client spreads its connections over the tasks;
 *   - published ports are `mode: host` (the ingress routing mesh needs IPVS too); Swarm's
 *     host mode has no host address, so they listen on every interface, not 127.0.0.1;
 *   - `update_config`: start-first (a new task serves before the old one stops), with a
 *     rollback when the new one fails its health check;
 *   - one attachable overlay network, so the lab's runner joins it as a plain container;
 *   - no build, no depends_on (Swarm starts everything at once and restarts what fails),
 *     no profiles: k6 and the runner are started by the lab, not deployed;
 *   - the /proc exporter is left out: a Swarm service cannot share the host's pid namespace.
 *
 * `docker stack deploy` interpolates ${VAR:-default} and `$$` as Compose does, and resolves
 * relative bind mounts against the file's folder, so the file sits beside docker-compose.yml.
 */
import { Document } from 'yaml';
import { PROC_EXPORTER_SERVICE } from '../render/prometheus.js';
import { readScenario } from '../scenario-file.js';
import { appLivenessHealthcheck, BENCH_PROFILE, composeModel, GENERATE_COMMAND, isAppHealthcheck, PORT_VARIABLES, type ComposeFile, type ComposeService, type Healthcheck } from './compose.js';

/** The stack's one network: overlay, attachable (the runner's container joins it). */
export const SWARM_NETWORK = 'lab';
/** The stack's default name (`docker stack deploy … NAME`); its network is NAME_lab. */
export const SWARM_STACK_NAME = 'nodejs-clustering-lab';
/** The label Swarm puts on every service, task container and network of a stack: its name. */
export const STACK_LABEL = 'com.docker.stack.namespace';
/** The label naming a task container's service (`<stack>_<service>`). */
export const SERVICE_LABEL = 'com.docker.swarm.service.name';
/** Services a Swarm stack cannot run (the reason is in the header). */
export const SWARM_LEFT_OUT: readonly string[] = [PROC_EXPORTER_SERVICE];

export interface SwarmPort {
  target: number;
  published: string;
  protocol: 'tcp';
  mode: 'host';
}

export interface SwarmDeploy {
  endpoint_mode: 'dnsrr';
  replicas: string | number;
  resources?: { limits: { cpus: string } };
  update_config: { parallelism: number; order: 'start-first' | 'stop-first'; failure_action: 'rollback' | 'pause'; monitor: string };
  rollback_config: { parallelism: number; order: 'start-first' | 'stop-first' };
  restart_policy: { condition: 'any' | 'on-failure' | 'none' };
}

export interface SwarmService {
  image: string;
  volumes?: string[];
  environment?: Record<string, string>;
  ports?: SwarmPort[];
  networks: string[];
  command?: string[];
  entrypoint?: string[];
  working_dir?: string;
  healthcheck?: Healthcheck;
  user?: string;
  init?: boolean;
  stop_grace_period?: string;
  deploy: SwarmDeploy;
}

export interface SwarmStackFile {
  version: string;
  services: Record<string, SwarmService>;
  networks: Record<string, { driver: 'overlay'; attachable: true }>;
  volumes: Record<string, Record<string, never>>;
}

/** "127.0.0.1:${SINGLE_PORT:-3001}:3000" → published "${SINGLE_PORT:-3001}", target 3000, host mode. */
export function hostModePort(short: string): SwarmPort {
  const m = /^(?:[\d.]+:)?(\$\{[A-Z0-9_]+:-\d+\}|\d+):(\d+)$/.exec(short);
  if (m === null) throw new Error(`a Compose port the stack cannot carry over: "${short}" (expected [host_ip:]published:target)`);
  return { target: Number(m[2]), published: m[1] ?? '', protocol: 'tcp', mode: 'host' };
}

/** One Compose service as a Swarm service (see the header for what changes and why). */
export function swarmService(s: ComposeService, timeoutMs: number): SwarmService {
  const { image, volumes, environment, ports, command, entrypoint, working_dir, healthcheck, user, init, stop_grace_period } = s;
  return {
    image,
    ...(volumes === undefined ? {} : { volumes }),
    ...(environment === undefined ? {} : { environment }),
    ...(ports === undefined ? {} : { ports: ports.map(hostModePort) }),
    networks: [SWARM_NETWORK],
    ...(command === undefined ? {} : { command }),
    ...(entrypoint === undefined ? {} : { entrypoint }),
    ...(working_dir === undefined ? {} : { working_dir }),
    ...(healthcheck === undefined ? {} : { healthcheck: isAppHealthcheck(healthcheck) ? appLivenessHealthcheck(timeoutMs) : healthcheck }),
    ...(user === undefined ? {} : { user }),
    ...(init === undefined ? {} : { init }),
    ...(stop_grace_period === undefined ? {} : { stop_grace_period }),
    deploy: {
      endpoint_mode: 'dnsrr',
      replicas: s.deploy?.replicas ?? 1,
      ...(s.cpus === undefined ? {} : { resources: { limits: { cpus: s.cpus } } }),
      update_config: { parallelism: 1, order: 'start-first', failure_action: 'rollback', monitor: '10s' },
      rollback_config: { parallelism: 1, order: 'start-first' },
      restart_policy: { condition: 'any' },
    },
  };
}

/** The stack model: every service `up` starts in Compose but the ones Swarm cannot run. */
export function swarmStackModel(compose: ComposeFile = composeModel(), timeoutMs = readScenario().timeoutMs): SwarmStackFile {
  const services = Object.entries(compose.services).filter(
    ([name, s]) => !(s.profiles ?? []).includes(BENCH_PROFILE) && !SWARM_LEFT_OUT.includes(name),
  );
  return {
    version: '3.8',
    services: Object.fromEntries(services.map(([name, s]) => [name, swarmService(s, timeoutMs)])),
    networks: { [SWARM_NETWORK]: { driver: 'overlay', attachable: true } },
    volumes: compose.volumes,
  };
}

const HEADER = `GENERATED by lab/src/docker/swarm-stack.ts from docker-compose.yml's model: do not edit.
Regenerate with \`${GENERATE_COMMAND}\` (or \`make generate\`); a test fails when this file is stale.

The lab's Docker Swarm runtime: \`make up RUNTIME=swarm\` builds the images as the Docker
runtime does, then \`docker stack deploy -c docker-stack.yml ${SWARM_STACK_NAME}\` (on a one-node
swarm: \`make up RUNTIME=swarm SWARM_INIT=yes\` creates it). Services use endpoint_mode dnsrr and
host-mode ports (no IPVS needed); host-mode ports listen on every interface. Variables as in
docker-compose.yml: WORKERS, APP_CPUS, REPLICA_CPUS, ${Object.values(PORT_VARIABLES).join(', ')}.
Left out: ${SWARM_LEFT_OUT.join(', ')} (a service cannot share the host's pid namespace).`;

/** docker-stack.yml's text. */
export function renderSwarmStack(): string {
  const doc = new Document(swarmStackModel());
  doc.commentBefore = HEADER.split('\n')
    .map((line) => (line === '' ? '' : ` ${line}`))
    .join('\n');
  return doc.toString({ lineWidth: 0 });
}
