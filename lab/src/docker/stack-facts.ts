/**
 * What the Docker runtime reads of the stack `make up` started (its replicas, so
 * WORKERS, and its running services) and the machine facts of a Docker run. The
 * runtime reads each once (docker-runtime.ts) and lends the reading to its capabilities.
 */
import { appCpus } from '../config/docker-options.js';
import { machineInfo } from '../machine.js';
import type { MachineInfo } from '../model/report-model.js';
import { REPLICA_SERVICE } from './compose.js';
import { containers, cpuLimits, placementOf, requireEngine, runningServices, stackVariables, type DockerContext } from './engine.js';
import { NODE_IMAGE } from './images.js';

export interface StackFacts {
  /** WORKERS as `up` sized the stack: the app replicas running. */
  workers: number;
  running: Set<string>;
  replicas: string[];
}

/** Reads the stack; not up (no replica runs) is one line saying which `make up` starts it. */
export async function readStack(ctx: DockerContext): Promise<StackFacts> {
  await requireEngine(ctx);
  const running = new Set(await runningServices(ctx));
  const replicas = await containers(ctx, REPLICA_SERVICE);
  if (replicas.length === 0) throw new Error(`the ${placementOf(ctx).runtime === 'swarm' ? 'Swarm' : 'Docker'} stack is not up (no app-replica runs): run \`make up RUNTIME=${placementOf(ctx).runtime}\` first`);
  return { workers: replicas.length, running, replicas };
}

/** The machine facts of a Docker run: the app containers' CPU limit (docker inspect) and who loads them. */
export async function dockerMachine(ctx: DockerContext, generator: string): Promise<MachineInfo> {
  const limits = [...(await cpuLimits(ctx))].filter(([name]) => /[-_]app-(?!replica)/.test(name)).map(([, cpus]) => cpus);
  const cpuLimit = limits.length > 0 ? Math.max(...limits) : appCpus(stackVariables(ctx));
  return machineInfo(NODE_IMAGE.replace(/^node:([\d.]+).*$/, '$1'), { cpuLimit, generator });
}
