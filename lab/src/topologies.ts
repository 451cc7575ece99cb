/**
 * The lab's topologies, one row each, and every port they use, defined once.
 *
 * A row says everything either runtime needs to start a topology: the app's entry
 * point, how many of it run, its own environment, a front proxy if any, when it can
 * run, its label and colour. The native plan (native/topology-runner.ts) and the Compose
 * generator (docker/compose.ts) are both derived from the row; Prometheus' scrape
 * targets are rendered from it. A new topology is one new row plus its tests.
 */

export type Mode = 'single' | 'cluster' | 'cluster-none' | 'pm2' | 'nginx' | 'reuseport' | 'replicas';

/** How connections reach the workers, the thing the comparison is about. */
export type Strategy =
  | 'one process'
  | 'round-robin handoff'
  | 'OS accept race'
  | 'PM2 round-robin handoff'
  | 'proxy balancing'
  | 'kernel reuse-port hashing'
  | 'DNS round-robin over replicas';

/** The app's entry point: a serving process, a node:cluster primary, or PM2 in cluster mode. */
export type Entry = 'server' | 'primary' | 'pm2';

/** The entry's file, relative to app/ (server and primary are built to app/dist/). */
export const ENTRY_FILES: Readonly<Record<Entry, string>> = {
  server: 'dist/server.js',
  primary: 'dist/primary.js',
  pm2: 'ecosystem.config.cjs',
};

/**
 * When a topology can run: always, only where the app's Node has listen({ reusePort }),
 * or only where WORKERS one-process containers answer to one DNS name (a container
 * runtime: Docker's network, a Swarm service with endpoint_mode dnsrr, a headless
 * Kubernetes Service). A front proxy adds its own rule (the proxy's binary natively).
 */
export type Requirement = 'reuse-port' | 'container-replicas' | null;

export interface Topology {
  readonly mode: Mode;
  readonly title: string;
  readonly strategy: Strategy;
  /** What the lab starts. */
  readonly entry: Entry;
  /** 'one': one entry process (a primary or PM2 forks WORKERS itself); 'per-worker': WORKERS entry processes. */
  readonly instances: 'one' | 'per-worker';
  /** The topology's own environment for every app process (on top of ports and WORKERS). */
  readonly env: Readonly<Record<string, string>>;
  /** A proxy in front of per-worker instances (which then listen on their own ports), or null. */
  readonly proxy: 'nginx' | null;
  readonly requires: Requirement;
  /** Host port the load generator targets (container port 3000 in Docker). */
  readonly port: number;
  /** Worker i exposes /metrics on metricsPort + i. */
  readonly metricsPort: number;
  /** Its Docker Compose service, or null when the topology runs natively only. */
  readonly service: string | null;
  /** The report's colour for it. */
  readonly colour: string;
  /** Whether the topology runs WORKERS processes (single always runs one): derived from entry and instances. */
  readonly multiProcess: boolean;
  /** Whether a cluster primary (with its own metrics port) runs beside the workers: derived from entry. */
  readonly hasPrimary: boolean;
  /** Whether a container runtime publishes its port on the host: not for replicas, which answer on the stack's network only. */
  readonly published: boolean;
}

type Row = Omit<Topology, 'multiProcess' | 'hasPrimary' | 'published'>;

const row = (r: Row): Topology => ({
  ...r,
  multiProcess: r.entry !== 'server' || r.instances === 'per-worker',
  hasPrimary: r.entry === 'primary',
  published: r.requires !== 'container-replicas',
});

/** Largest WORKERS value: each topology owns a block of 100 metrics ports. */
export const MAX_WORKERS = 99;

/** WORKERS where none is given in Docker (containers are sized at `make up`). */
export const DEFAULT_DOCKER_WORKERS = 2;

export const TOPOLOGIES: readonly Topology[] = [
  row({ mode: 'single', title: 'single process', strategy: 'one process', entry: 'server', instances: 'one', env: {}, proxy: null, requires: null, port: 3001, metricsPort: 9100, service: 'app-single', colour: '#64748b' }),
  row({ mode: 'cluster', title: 'node:cluster (round-robin)', strategy: 'round-robin handoff', entry: 'primary', instances: 'one', env: { CLUSTER_SCHEDULING: 'rr' }, proxy: null, requires: null, port: 3002, metricsPort: 9200, service: 'app-cluster', colour: '#2563eb' }),
  row({ mode: 'cluster-none', title: 'node:cluster (scheduling none)', strategy: 'OS accept race', entry: 'primary', instances: 'one', env: { CLUSTER_SCHEDULING: 'none' }, proxy: null, requires: null, port: 3006, metricsPort: 9600, service: 'app-cluster-none', colour: '#ea580c' }),
  row({ mode: 'pm2', title: 'PM2 cluster mode', strategy: 'PM2 round-robin handoff', entry: 'pm2', instances: 'one', env: {}, proxy: null, requires: null, port: 3003, metricsPort: 9300, service: 'app-pm2', colour: '#16a34a' }),
  row({ mode: 'nginx', title: 'nginx upstream (least_conn)', strategy: 'proxy balancing', entry: 'server', instances: 'per-worker', env: {}, proxy: 'nginx', requires: null, port: 3004, metricsPort: 9400, service: 'nginx', colour: '#9333ea' }),
  // One container cannot hold WORKERS entry processes on one port: native only.
  row({ mode: 'reuseport', title: 'reusePort instances', strategy: 'kernel reuse-port hashing', entry: 'server', instances: 'per-worker', env: { REUSE_PORT: 'true' }, proxy: null, requires: 'reuse-port', port: 3005, metricsPort: 9500, service: null, colour: '#0891b2' }),
  // WORKERS one-process containers, each with CPU budget / WORKERS, behind one DNS name: the
  // client spreads its connections over the addresses (the runner's --spread-dns). No host
  // port (one port cannot reach WORKERS containers without a balancer); natively unavailable.
  row({ mode: 'replicas', title: 'replicas (DNS round-robin)', strategy: 'DNS round-robin over replicas', entry: 'server', instances: 'per-worker', env: {}, proxy: null, requires: 'container-replicas', port: 3007, metricsPort: 9800, service: 'app-replicas', colour: '#db2777' }),
];

/** nginx's upstream app instances listen on upstreamPort + i (natively; in Docker each replica listens on 3000). */
export const NGINX_UPSTREAM_PORT = 3100;

/** Ports of the monitoring stack, the same in both runtimes. */
export const PROMETHEUS_PORT = 9090;
export const GRAFANA_PORT = 3000;
/** The lab's load runner serves its client-side metrics here while a command measures (Prometheus job lab-runner). */
export const RUNNER_METRICS_PORT = 9700;
/** The lab's /proc exporter (lab/src/proc-exporter/): every app process's CPU, read outside its event loop. */
export const PROC_EXPORTER_PORT = 9256;

/**
 * LAB_STACK, set on every app process: which running lab it belongs to ("native", or the
 * Compose project's name), so a /proc exporter that sees every process of the host
 * (natively, or a container with the host's pid namespace) reports its own stack only.
 */
export const STACK_ENV = 'LAB_STACK';
export const NATIVE_STACK = 'native';

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

/** The modes a comparison runs: the given list (default every mode), always with single, the baseline. */
export function modesWithSingle(modes: readonly Mode[] | undefined): Mode[] {
  const list = modes === undefined ? [...MODES] : [...modes];
  return list.includes('single') ? list : ['single', ...list];
}
