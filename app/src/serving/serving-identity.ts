/**
 * Who a serving process is: its `mode` label, its stable worker index, its
 * metrics port, and the options that depend on the process model.
 */
import type { Config } from '../config/config.js';
import { ConfigError } from '../config/config-error.js';
import { readInteger, readOptionalInteger, readRaw, type Env } from '../config/env-parsers.js';

export type ServingRole = 'single' | 'cluster-worker' | 'pm2';

export interface ServingIdentity {
  readonly role: ServingRole;
  /** The `mode` metric label: LAB_MODE, else the role's name. */
  readonly mode: string;
  /** Stable index 0..N-1: X-Worker and the `worker` label. */
  readonly workerIndex: number;
  readonly metricsPort: number;
  /**
   * How long to keep retrying a metrics port that is in use, because the process
   * this one replaces may still be draining; 0 fails at once.
   */
  readonly metricsBindWaitMs: number;
  /** listen({ reusePort: true }) on the application port. */
  readonly reusePort: boolean;
  /** PM2's id of the app instance (pm_id), which `pm2 reload` gives its replacement too. */
  readonly pm2Id?: number;
}

/** Set by the cluster primary on every worker it forks. */
export const WORKER_SLOT_ENV = 'CLUSTER_WORKER_SLOT';
/** Set by the cluster primary: how long a replacement may wait for its metrics port. */
export const METRICS_BIND_WAIT_ENV = 'CLUSTER_METRICS_BIND_WAIT_MS';

/** Room for the predecessor's drain plus its exit. */
export function predecessorWaitMs(config: Config): number {
  return config.shutdownTimeoutMs + 2000;
}

export function singleIdentity(config: Config): ServingIdentity {
  return {
    role: 'single',
    mode: config.labMode ?? 'single',
    workerIndex: config.workerIndex,
    metricsPort: config.metricsPort,
    metricsBindWaitMs: 0,
    reusePort: config.reusePort,
  };
}

export function clusterWorkerIdentity(config: Config, env: Env): ServingIdentity {
  const slot = readOptionalInteger(env, WORKER_SLOT_ENV, { min: 0, max: config.workers - 1 });
  if (slot === undefined) throw new ConfigError(WORKER_SLOT_ENV, '', 'not set: cluster workers are started by primary.js');
  return {
    role: 'cluster-worker',
    mode: config.labMode ?? 'cluster',
    workerIndex: slot,
    metricsPort: config.metricsPort + slot,
    metricsBindWaitMs: readInteger(env, METRICS_BIND_WAIT_ENV, { min: 0, max: 3_600_000 }, 0),
    reusePort: false,
  };
}

/** PM2 sets pm_id and NODE_APP_INSTANCE in the processes it starts. */
export function isPm2Instance(env: Env): boolean {
  return readRaw(env, 'pm_id') !== undefined && readRaw(env, 'NODE_APP_INSTANCE') !== undefined;
}

export function pm2Identity(config: Config, env: Env): ServingIdentity {
  const index = readInteger(env, 'NODE_APP_INSTANCE', { min: 0, max: 65_535 - config.metricsPort }, 0);
  return {
    role: 'pm2',
    mode: config.labMode ?? 'pm2',
    workerIndex: index,
    metricsPort: config.metricsPort + index,
    // `pm2 reload` starts the new instance while the old one still holds the port.
    metricsBindWaitMs: predecessorWaitMs(config),
    reusePort: false,
    pm2Id: readInteger(env, 'pm_id', { min: 0, max: Number.MAX_SAFE_INTEGER }, 0),
  };
}
