/**
 * The process configuration: every environment variable the app reads, parsed
 * and validated once at start. A bad value throws a ConfigError.
 */
import { ConfigError } from './config-error.js';
import { cgroupCpuQuota, quotaBoundParallelism } from './cpu-quota.js';
import { describeRange, readChoice, readInteger, readOptionalInteger, readOptionalMatching, type Env } from './env-parsers.js';
import { reusePortSupport, type RuntimeFacts } from './reuse-port-support.js';

/** Which entry point is reading the configuration; some checks depend on it. */
export type ProcessRole = 'single' | 'cluster-primary' | 'cluster-worker' | 'pm2';

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const SCHEDULING_POLICIES = ['rr', 'none'] as const;
export type SchedulingPolicy = (typeof SCHEDULING_POLICIES)[number];

export interface Config {
  /** PORT: the shared application port. */
  readonly port: number;
  /** HOST: interface to listen on; undefined lets Node pick :: or 0.0.0.0. */
  readonly host: string | undefined;
  /** WORKERS: processes in the cluster or PM2 app. */
  readonly workers: number;
  /** METRICS_PORT: worker i serves /metrics on metricsPort + i (single: exactly this port). */
  readonly metricsPort: number;
  /** PRIMARY_METRICS_PORT: the cluster primary's own /metrics. */
  readonly primaryMetricsPort: number;
  /** METRICS=on|off. */
  readonly metricsEnabled: boolean;
  /** HEAVY_ITERATIONS: /heavy's loop count without ?n=. */
  readonly heavyIterations: number;
  /** HEAVY_MAX: the largest ?n= accepted. */
  readonly heavyMax: number;
  /** SHUTDOWN_TIMEOUT_MS: how long a graceful stop may take before it is forced. */
  readonly shutdownTimeoutMs: number;
  /** KEEP_ALIVE_TIMEOUT_MS: server.keepAliveTimeout. */
  readonly keepAliveTimeoutMs: number;
  readonly logFormat: LogFormat;
  readonly logLevel: LogLevel;
  /** LAB_MODE: overrides the `mode` metric label. */
  readonly labMode: string | undefined;
  /** WORKER_INDEX: the worker label of a single process. */
  readonly workerIndex: number;
  /** REUSE_PORT=true|false: single process listens with reusePort. */
  readonly reusePort: boolean;
  /** CLUSTER_SCHEDULING=rr|none. */
  readonly clusterScheduling: SchedulingPolicy;
}

export interface HostFacts extends RuntimeFacts {
  /** os.availableParallelism(): the default WORKERS, bounded by the CPU quota. */
  readonly availableParallelism: number;
  /** The cgroup's CPU quota in CPUs, null when none; omitted: read from the cgroup files. */
  readonly cpuQuota?: number | null;
}

const PORT_RANGE = { min: 1, max: 65_535 };
export const MAX_WORKERS = 256;
const WORKERS_RANGE = { min: 1, max: MAX_WORKERS };
const HEAVY_MAX_RANGE = { min: 1, max: Number.MAX_SAFE_INTEGER };
const TIMEOUT_RANGE = { min: 1, max: 3_600_000 };
const WORKER_INDEX_RANGE = { min: 0, max: 65_535 };

const DEFAULT_PORT = 3000;
const DEFAULT_METRICS_PORT = 9100;
const DEFAULT_HEAVY_ITERATIONS = 5_000_000;
const DEFAULT_HEAVY_MAX = 100_000_000;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
/** Above nginx's upstream keepalive_timeout of 60 s, so nginx closes idle connections first. */
const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 65_000;

const LABEL_VALUE = /^[a-z][a-z0-9_-]{0,31}$/;
const HOST_NAME = /^[A-Za-z0-9.:%_-]{1,253}$/;

export function parseConfig(env: Env, role: ProcessRole, host: HostFacts): Config {
  const port = readInteger(env, 'PORT', PORT_RANGE, DEFAULT_PORT);
  // The container's CPU quota bounds the default (Node ignores it on cgroup v1): cpu-quota.ts.
  const parallelism = quotaBoundParallelism(host.availableParallelism, host.cpuQuota === undefined ? cgroupCpuQuota() : (host.cpuQuota ?? undefined));
  const workers = readInteger(env, 'WORKERS', WORKERS_RANGE, Math.min(parallelism, MAX_WORKERS));
  const metricsPort = readInteger(env, 'METRICS_PORT', PORT_RANGE, DEFAULT_METRICS_PORT);
  const heavyMax = readInteger(env, 'HEAVY_MAX', HEAVY_MAX_RANGE, DEFAULT_HEAVY_MAX);
  const heavyIterations = readInteger(
    env,
    'HEAVY_ITERATIONS',
    { min: 1, max: heavyMax },
    Math.min(DEFAULT_HEAVY_ITERATIONS, heavyMax),
  );
  const reusePort = readChoice(env, 'REUSE_PORT', ['true', 'false'], 'false') === 'true';
  const config: Config = {
    port,
    host: readOptionalMatching(env, 'HOST', HOST_NAME, 'a host name or IP address'),
    workers,
    metricsPort,
    primaryMetricsPort: readPrimaryMetricsPort(env, role, metricsPort, workers),
    metricsEnabled: readChoice(env, 'METRICS', ['on', 'off'], 'on') === 'on',
    heavyIterations,
    heavyMax,
    shutdownTimeoutMs: readInteger(env, 'SHUTDOWN_TIMEOUT_MS', TIMEOUT_RANGE, DEFAULT_SHUTDOWN_TIMEOUT_MS),
    keepAliveTimeoutMs: readInteger(env, 'KEEP_ALIVE_TIMEOUT_MS', TIMEOUT_RANGE, DEFAULT_KEEP_ALIVE_TIMEOUT_MS),
    logFormat: readChoice(env, 'LOG_FORMAT', LOG_FORMATS, 'text'),
    logLevel: readChoice(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    labMode: readOptionalMatching(
      env,
      'LAB_MODE',
      LABEL_VALUE,
      'a label value of up to 32 characters: a lowercase letter, then lowercase letters, digits, - or _',
    ),
    workerIndex: readInteger(env, 'WORKER_INDEX', WORKER_INDEX_RANGE, 0),
    reusePort,
    clusterScheduling: readChoice(env, 'CLUSTER_SCHEDULING', SCHEDULING_POLICIES, 'rr'),
  };
  if (role === 'single' && reusePort) requireReusePortSupport(host);
  checkPortLayout(env, role, config);
  return config;
}

/** Ports the metrics servers of a role occupy: [first, last] inclusive. */
export function metricsPortBlock(role: ProcessRole, config: Pick<Config, 'metricsPort' | 'workers'>): readonly [number, number] {
  const count = role === 'single' ? 1 : config.workers;
  return [config.metricsPort, config.metricsPort + count - 1];
}

function readPrimaryMetricsPort(env: Env, role: ProcessRole, metricsPort: number, workers: number): number {
  const explicit = readOptionalInteger(env, 'PRIMARY_METRICS_PORT', PORT_RANGE);
  if (explicit !== undefined) {
    if (role === 'cluster-primary' && explicit >= metricsPort && explicit < metricsPort + workers) {
      throw ConfigError.expected(
        'PRIMARY_METRICS_PORT',
        String(explicit),
        `a port outside the workers' metrics ports ${metricsPort}-${metricsPort + workers - 1} (METRICS_PORT + 0..WORKERS-1)`,
      );
    }
    return explicit;
  }
  return metricsPort + workers;
}

function requireReusePortSupport(host: HostFacts): void {
  const support = reusePortSupport(host);
  if (!support.supported) throw new ConfigError('REUSE_PORT', 'true', support.reason);
}

function checkPortLayout(env: Env, role: ProcessRole, config: Config): void {
  if (!config.metricsEnabled) return;
  const [first, last] = metricsPortBlock(role, config);
  const usesPrimaryPort = role === 'cluster-primary' || role === 'cluster-worker';
  const highest = usesPrimaryPort ? Math.max(last, config.primaryMetricsPort) : last;
  if (highest > PORT_RANGE.max) {
    const room = role === 'single' ? 1 : config.workers + (usesPrimaryPort ? 1 : 0);
    throw ConfigError.expected(
      'METRICS_PORT',
      env.METRICS_PORT ?? String(config.metricsPort),
      `${describeRange({ min: PORT_RANGE.min, max: PORT_RANGE.max - room + 1 })}, so that its ${room} metrics port(s) fit below 65536`,
    );
  }
  const portTaken = (config.port >= first && config.port <= last) || (usesPrimaryPort && config.port === config.primaryMetricsPort);
  if (portTaken) {
    const metricsPorts = usesPrimaryPort ? `${first}-${last} and ${config.primaryMetricsPort}` : first === last ? `${first}` : `${first}-${last}`;
    throw ConfigError.expected('PORT', String(config.port), `a port other than the metrics port(s) ${metricsPorts}`);
  }
}
