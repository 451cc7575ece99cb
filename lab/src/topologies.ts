/**
 * The lab's topologies and every port they use, defined once.
 *
 * The native runtime starts them from local processes, the Docker Compose file is
 * generated from them, and Prometheus' scrape targets are rendered from them: a
 * port lives here and nowhere else.
 */

export type Mode = 'single' | 'cluster' | 'cluster-none' | 'pm2' | 'nginx' | 'reuseport';

/** How connections reach the workers, the thing the comparison is about. */
export type Strategy =
  | 'one process'
  | 'round-robin handoff'
  | 'OS accept race'
  | 'PM2 round-robin handoff'
  | 'proxy balancing'
  | 'kernel reuse-port hashing';

export interface Topology {
  readonly mode: Mode;
  readonly title: string;
  readonly strategy: Strategy;
  /** Host port the load generator targets (container port 3000 in Docker). */
  readonly port: number;
  /** Worker i exposes /metrics on metricsPort + i. */
  readonly metricsPort: number;
  /** Whether the topology runs WORKERS processes (single always runs one). */
  readonly multiProcess: boolean;
  /** Whether a cluster primary (with its own metrics port) runs beside the workers. */
  readonly hasPrimary: boolean;
  /** Its Docker Compose service, or null when the topology runs natively only. */
  readonly service: string | null;
}

/** Largest WORKERS value: each topology owns a block of 100 metrics ports. */
export const MAX_WORKERS = 99;

export const TOPOLOGIES: readonly Topology[] = [
  { mode: 'single', title: 'single process', strategy: 'one process', port: 3001, metricsPort: 9100, multiProcess: false, hasPrimary: false, service: 'app-single' },
  { mode: 'cluster', title: 'node:cluster (round-robin)', strategy: 'round-robin handoff', port: 3002, metricsPort: 9200, multiProcess: true, hasPrimary: true, service: 'app-cluster' },
  { mode: 'cluster-none', title: 'node:cluster (scheduling none)', strategy: 'OS accept race', port: 3006, metricsPort: 9600, multiProcess: true, hasPrimary: true, service: 'app-cluster-none' },
  { mode: 'pm2', title: 'PM2 cluster mode', strategy: 'PM2 round-robin handoff', port: 3003, metricsPort: 9300, multiProcess: true, hasPrimary: false, service: 'app-pm2' },
  { mode: 'nginx', title: 'nginx upstream (least_conn)', strategy: 'proxy balancing', port: 3004, metricsPort: 9400, multiProcess: true, hasPrimary: false, service: 'nginx' },
  { mode: 'reuseport', title: 'reusePort instances', strategy: 'kernel reuse-port hashing', port: 3005, metricsPort: 9500, multiProcess: true, hasPrimary: false, service: null },
];

/** nginx's upstream app instances listen on upstreamPort + i (natively; in Docker each replica listens on 3000). */
export const NGINX_UPSTREAM_PORT = 3100;

/** Ports of the monitoring stack, the same in both runtimes. */
export const PROMETHEUS_PORT = 9090;
export const GRAFANA_PORT = 3000;

/** The port every app process listens on inside its container. */
export const CONTAINER_APP_PORT = 3000;
export const CONTAINER_METRICS_PORT = 9100;

export const MODES: readonly Mode[] = TOPOLOGIES.map((t) => t.mode);

export function topology(mode: Mode): Topology {
  const found = TOPOLOGIES.find((t) => t.mode === mode);
  if (!found) throw new Error(`unknown mode ${mode}`);
  return found;
}

export function isMode(value: string): value is Mode {
  return (MODES as readonly string[]).includes(value);
}

/** Number of serving processes a topology runs for a given WORKERS. */
export function workerCount(t: Topology, workers: number): number {
  return t.multiProcess ? workers : 1;
}

/** The cluster primary's own metrics port: right after its workers' block. */
export function primaryMetricsPort(t: Topology, workers: number): number {
  return t.metricsPort + workers;
}
