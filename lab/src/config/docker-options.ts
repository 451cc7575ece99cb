/** The Docker stack's own variables: APP_CPUS, and the host ports the published services move to. */
import { DEFAULT_APP_CPUS } from '../containers.js';
import { integer, UsageError, type Env } from './values.js';

export { DEFAULT_APP_CPUS };

/** APP_CPUS: the CPU limit of every app container. */
export function appCpus(env: Env): number {
  const raw = env['APP_CPUS'];
  if (raw === undefined || raw.trim() === '') return DEFAULT_APP_CPUS;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`APP_CPUS=${raw} is not accepted: expected a positive number of CPUs, e.g. 2 or 1.5`);
  return n;
}

/** A host port variable's value (the lab's one integer rule), or undefined for the Compose file's default. */
export function hostPort(env: Env, variable: string): number | undefined {
  return integer(env, variable, 1, 65535);
}
