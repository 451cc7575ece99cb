/**
 * Where the stack's containers run on the Docker engine: a Compose project (RUNTIME=docker)
 * or a Swarm stack (RUNTIME=swarm). The two runtimes are one runtime on one engine (the
 * same images, the same services rendered from the topology rows, the same runner on the
 * stack's network, the same report); what differs is here and nowhere else:
 *
 *   - how a one-off container (the runner, k6) joins the stack's network: `docker compose
 *     run` of the service, or `docker run --network <stack>_lab` with the same image, mounts
 *     and working folder as the Compose service (compose.ts, read here, not copied);
 *   - how a service's running containers are found: Compose's project labels, or Swarm's
 *     service label (task containers are named `<stack>_<service>.<slot>.<task>`, which the
 *     overlay network's DNS resolves, as Compose's container names resolve on its network);
 *   - which label says a container is the stack's (the interference meter's claim);
 *   - up, down, ps and logs.
 */
import { isAbsolute, join } from 'node:path';
import type { RuntimeName } from '../model/report-model.js';
import { byLabel } from '../model/numbers.js';
import { BENCH_PROFILE, composeModel } from './compose.js';
import { capture, composeArgs, stackVariables, type DockerContext } from './engine.js';
import { SERVICE_LABEL, STACK_LABEL, SWARM_NETWORK } from './swarm-stack.js';

export interface OneOff {
  /** The Compose service it runs as (runner or k6). */
  service: string;
  /** Its command (after the image). */
  command: readonly string[];
  /** Answer to the service's name on the network (Prometheus' lab-runner job scrapes runner:PORT). */
  alias: boolean;
  /** Variables for it, on top of the service's own. */
  env?: Readonly<Record<string, string>>;
  user: string;
}

export interface Placement {
  readonly runtime: Exclude<RuntimeName, 'native'>;
  /** The stack's name: the Compose project or the Swarm stack; LAB_STACK of its app processes. */
  readonly stack: string;
  /** `docker …` arguments of one one-off container on the stack's network. */
  oneOff(run: OneOff): string[];
  /** The running containers of a service, by name, in replica order. */
  containers(service: string): Promise<string[]>;
  /** Services with a running container. */
  runningServices(): Promise<string[]>;
  /** Every running container of the stack (ids). */
  containerIds(): Promise<string[]>;
  /** The container label whose value is the stack's name. */
  readonly stackLabel: string;
}

const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter(Boolean);

/** The Compose project: what the Docker runtime always did. */
export function composePlacement(ctx: DockerContext, project: string): Placement {
  return {
    runtime: 'docker',
    stack: project,
    stackLabel: 'com.docker.compose.project',
    oneOff: (run) => [
      ...composeArgs(ctx), '--profile', BENCH_PROFILE, 'run', '--rm', '--no-deps',
      ...(run.alias ? ['--use-aliases'] : []),
      '--user', run.user,
      ...Object.entries(run.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      run.service, ...run.command,
    ],
    containers: async (service) => lines((await capture(ctx, [...composeArgs(ctx), 'ps', '--status', 'running', '--format', '{{.Name}}', service])).stdout).sort(byLabel),
    runningServices: async () => {
      const res = await capture(ctx, [...composeArgs(ctx), 'ps', '--status', 'running', '--services']);
      return res.code === 0 ? lines(res.stdout) : [];
    },
    containerIds: async () => lines((await capture(ctx, [...composeArgs(ctx), 'ps', '-q'])).stdout),
  };
}


/**
 * A Compose service's mounts as `docker run -v` arguments: `.` is the repository, the
 * results mount (${LAB_RESULTS_DIR:-./results}) the lab's results folder, as Compose
 * would resolve them.
 */
export function mountArgs(ctx: DockerContext, volumes: readonly string[]): string[] {
  return volumes.flatMap((v) => {
    const results = /^\$\{LAB_RESULTS_DIR(?::-[^}]*)?\}:(.+)$/.exec(v);
    if (results !== null) return ['-v', `${ctx.resultsDir}:${results[1] ?? ''}`];
    const [source = '', ...rest] = v.split(':');
    return ['-v', [isAbsolute(source) ? source : join(ctx.root, source), ...rest].join(':')];
  });
}

/** A Compose service's environment with ${VAR:-default} read as Compose reads it (docker run takes values). */
function interpolated(env: Readonly<Record<string, string>>, ctx: DockerContext): Record<string, string> {
  const vars = stackVariables(ctx);
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(/\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) => vars[name] ?? fallback ?? '')]));
}

/** The Swarm stack (docker-stack.yml deployed as `stack`). */
export function swarmPlacement(ctx: DockerContext, stack: string): Placement {
  const tasksOf = async (filter: string[]): Promise<string[]> => lines((await capture(ctx, ['ps', ...filter, '--filter', 'status=running', '--format', '{{.Names}}'])).stdout);
  return {
    runtime: 'swarm',
    stack,
    stackLabel: STACK_LABEL,
    oneOff: (run) => {
      const service = composeModel().services[run.service];
      if (service === undefined) throw new Error(`no Compose service ${run.service} to run on the swarm`);
      return [
        'run', '--rm', '--init',
        // The stack's label, so the interference meter counts the runner as the lab's (Compose's run has its project's).
        '--label', `${STACK_LABEL}=${stack}`,
        '--network', `${stack}_${SWARM_NETWORK}`,
        ...(run.alias ? ['--network-alias', run.service] : []),
        '--user', run.user,
        ...mountArgs(ctx, service.volumes ?? []),
        ...(service.working_dir === undefined ? [] : ['-w', service.working_dir]),
        ...Object.entries({ ...interpolated(service.environment ?? {}, ctx), ...run.env }).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
        service.image, ...run.command,
      ];
    },
    // Tasks Swarm wants running: an old task still draining in an update or a scale-down is no slot of the service.
    containers: async (service) => {
      const wanted = new Set(lines((await capture(ctx, ['service', 'ps', '--no-trunc', '--filter', 'desired-state=running', '--format', '{{.Name}}.{{.ID}}', `${stack}_${service}`])).stdout));
      return (await tasksOf(['--filter', `label=${SERVICE_LABEL}=${stack}_${service}`])).filter((name) => wanted.has(name)).sort(byLabel);
    },
    runningServices: async () => {
      const names = await tasksOf(['--filter', `label=${STACK_LABEL}=${stack}`]);
      // <stack>_<service>.<slot>.<task id>
      return [...new Set(names.map((n) => n.slice(stack.length + 1).replace(/\.\d+\.[^.]+$/, '')))].sort();
    },
    containerIds: async () => lines((await capture(ctx, ['ps', '-q', '--filter', `label=${STACK_LABEL}=${stack}`])).stdout),
  };
}
