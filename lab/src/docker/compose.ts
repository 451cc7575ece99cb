/**
 * The Docker Compose file, generated from the topology table (lab/src/topologies.ts)
 * so a port, a service name or a mode is written in one place only. The committed
 * docker-compose.yml is this module's output; a test fails when it is stale.
 */
import { posix } from 'node:path';
import { Document, isScalar, isSeq, Scalar, visit } from 'yaml';
import { DOCKER_REPLICA_HOST, DOCKER_UPSTREAMS_FILE, dockerUpstreamServers } from '../render/nginx.js';
import { PROC_EXPORTER_SERVICE } from '../render/prometheus.js';
import {
  CONTAINER_APP_PORT,
  CONTAINER_METRICS_PORT,
  DEFAULT_DOCKER_WORKERS,
  ENTRY_FILES,
  GRAFANA_PORT,
  PROC_EXPORTER_PORT,
  PROMETHEUS_PORT,
  STACK_ENV,
  TOPOLOGIES,
  topology,
  type Topology,
} from '../topologies.js';
import { APP_IMAGE, IMAGES, NODE_IMAGE } from './images.js';
import { APP_SHUTDOWN_TIMEOUT_MS, DEFAULT_APP_CPUS, LIVENESS_PERIOD_SECONDS, LIVENESS_TIMEOUT_SECONDS, livenessFailureThreshold, PM2_KILL_TIMEOUT_MS } from '../containers.js';
import { RUNNER_SCRIPT } from '../runner/runner-command.js';

export const PROJECT_NAME = 'nodejs-clustering-lab';
export const GENERATE_COMMAND = 'npm run generate -w lab';

export const PROMETHEUS_SERVICE = 'prometheus';
export const GRAFANA_SERVICE = 'grafana';
export const K6_SERVICE = 'k6';
/** The lab's load runner in a container, the load generator where k6's image is missing. */
export const RUNNER_SERVICE = 'runner';
export { RUNNER_SCRIPT };
export const PROC_EXPORTER_SCRIPT = 'lab/dist/proc-exporter/cli.js';
/**
 * The stack's name, LAB_STACK of its app processes and what its /proc exporter reports:
 * the Compose project's name (COMPOSE_PROJECT_NAME, else the file's `name`), so two
 * stacks on one host (and the native lab) never count each other's processes.
 */
export const STACK_NAME = `\${COMPOSE_PROJECT_NAME:-${PROJECT_NAME}}`;
/** The profile k6 sits in, so `docker compose up` never starts it. */
export const BENCH_PROFILE = 'bench';
/** nginx's upstream replicas: the single-process app, WORKERS times. */
export const REPLICA_SERVICE = DOCKER_REPLICA_HOST;

/** Default of APP_CPUS, the CPU limit of every app container: defined in the core (containers.ts), for Kubernetes too. */
export { DEFAULT_APP_CPUS };

/**
 * Where the k6 container finds the scripts (k6/ at /lab/k6, beside lab/src/shared/, the
 * modules the lab and the script share, at its repository path), and writes its summaries.
 */
export const K6_MOUNT_ROOT = '/lab';
export const K6_SCRIPTS_DIR = `${K6_MOUNT_ROOT}/k6`;
/** The one folder of modules both the lab and the k6 script import, mounted into k6 whole. */
export const K6_SHARED_DIR = 'lab/src/shared';
export const K6_RESULTS_DIR = '/results';
/**
 * The host folder mounted at K6_RESULTS_DIR: the lab sets LAB_RESULTS_DIR to its
 * results folder (RESULTS_DIR), by hand it is the repository's results/.
 */
const RESULTS_MOUNT = `\${LAB_RESULTS_DIR:-./results}:${K6_RESULTS_DIR}`;
export const K6_SCRIPT = 'bench.ts';
/** `k6 run` as the k6 service runs it: Prometheus remote write on. */
export const K6_RUN_ARGS = ['run', '-o', 'experimental-prometheus-rw', K6_SCRIPT] as const;
export const K6_TREND_STATS = 'p(50),p(90),p(95),p(99),min,max,avg';

/** Where the nginx service finds the main config and server block the lab renders (nginx/docker/). */
export const NGINX_CONFIG_DIR = '/etc/nginx/lab';
export const NGINX_MAIN_CONFIG = `${NGINX_CONFIG_DIR}/nginx.conf`;
/**
 * The nginx service's command: write the default upstream list (every replica, by
 * DNS name) where the resilience rounds can rewrite it, then run nginx on the lab's
 * configuration. The values are the script's arguments, so the shell reads them as
 * they are; `$$` is Compose's escape for a literal `$`.
 */
export const NGINX_ENTRYPOINT = [
  'sh',
  '-c',
  'mkdir -p "$$1" && printf "%s\\n" "$$3" > "$$2" && exec nginx -c "$$4"',
  'nginx-entrypoint',
  posix.dirname(DOCKER_UPSTREAMS_FILE),
  DOCKER_UPSTREAMS_FILE,
  dockerUpstreamServers().join('\n'),
  NGINX_MAIN_CONFIG,
];

/**
 * Docker's stop grace: above every drain deadline inside the containers (the app's
 * SHUTDOWN_TIMEOUT_MS default of 10 s, PM2's kill_timeout of SHUTDOWN_TIMEOUT_MS + 3 s: containers.ts).
 */
export { APP_SHUTDOWN_TIMEOUT_MS, PM2_KILL_TIMEOUT_MS };
export const STOP_GRACE_SECONDS = Math.ceil(PM2_KILL_TIMEOUT_MS / 1000) + 5;

/** The build secret carrying the host's extra CA (NODE_EXTRA_CA_CERTS) into npm ci; never stored. */
export const BUILD_CA_SECRET = 'npm_extra_ca';

/** A topology's host port variable: its mode, upper case (cluster-none: CLUSTER_NONE_PORT). */
export function portVariable(mode: string): string {
  return `${mode.toUpperCase().replace(/-/g, '_')}_PORT`;
}

/** Host ports: each overridable by a variable, so the stack can move off ports in use. */
export const PORT_VARIABLES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(TOPOLOGIES.flatMap((t) => (t.service === null || !t.published ? [] : [[t.service, portVariable(t.mode)]]))),
  prometheus: 'PROMETHEUS_PORT',
  grafana: 'GRAFANA_PORT',
};

export const PROMETHEUS_URL_IN_NETWORK = `http://${PROMETHEUS_SERVICE}:${PROMETHEUS_PORT}`;

/** The app's start command for a topology's row, as the container runs it (WORKDIR is the app). */
export function appCommand(t: Topology): string[] {
  if (t.service === null) throw new Error(`${t.mode} runs natively only: it has no Docker service`);
  return t.entry === 'pm2' ? ['pm2-runtime', 'start', ENTRY_FILES.pm2] : ['node', ENTRY_FILES[t.entry]];
}

/**
 * The app's health check, the same command as app/Dockerfile's HEALTHCHECK: bash's own
 * /dev/tcp against /readyz, so the slim image needs no curl, and a check costs a shell's
 * start (~2 ms of CPU), not a Node process's (~40 ms): with nine containers checked every
 * 5 s, `node -e fetch(…)` used 0.1 of the machine's cores while the lab measured.
 */
export const APP_HEALTHCHECK: readonly string[] = appProbe('/readyz', 2);

/** GET `path` on the app's port from inside its container; healthy when a 200 answers within `readSeconds`. */
export function appProbe(path: string, readSeconds: number): string[] {
  return [
    'bash', '-c',
    `exec 3<>/dev/tcp/127.0.0.1/\${PORT:-3000} && printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' >&3 && read -r -t ${readSeconds} status <&3 && [[ $status == 'HTTP/1.1 200 '* ]]`,
  ];
}

/** `$` escaped for Compose's interpolation (`$$` is a literal `$`). */
const composeLiteral = (arg: string): string => arg.replaceAll('$', '$$$$');

export interface Healthcheck {
  test: string[];
  interval: string;
  timeout: string;
  retries: number;
  start_period: string;
}

export interface DependsOn {
  condition: 'service_healthy';
  /** Compose 2.17+: restart this service when Compose recreates or restarts the dependency. */
  restart?: boolean;
}

/** The subset of a Compose service this file uses. */
export interface ComposeService {
  image: string;
  build?: { context: string; dockerfile: string; secrets?: string[] };
  depends_on?: Record<string, DependsOn>;
  volumes?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  command?: string[];
  working_dir?: string;
  healthcheck?: Healthcheck;
  cpus?: string;
  deploy?: { replicas: string };
  init?: boolean;
  profiles?: string[];
  pull_policy?: 'build';
  stop_grace_period?: string;
  entrypoint?: string[];
  user?: string;
  pid?: 'host';
  cap_add?: string[];
}

export interface ComposeFile {
  name: string;
  services: Record<string, ComposeService>;
  volumes: Record<string, Record<string, never>>;
  secrets: Record<string, { file: string }>;
}

/** No start_interval: Docker Engine 24 and older refuse it. */
function healthcheck(test: string[], startPeriod = '30s'): Healthcheck {
  return { test, interval: '5s', timeout: '3s', retries: 5, start_period: startPeriod };
}

const appHealthcheck = (): Healthcheck => healthcheck(['CMD', ...APP_HEALTHCHECK.map(composeLiteral)]);

/** Whether a service's health check is the app's (its containers run the app). */
export const isAppHealthcheck = (h: Healthcheck | undefined): boolean => h !== undefined && h.test.join(' ') === appHealthcheck().test.join(' ');

/**
 * The app's health check where the engine acts on it: Swarm replaces an unhealthy task
 * (Compose only reports it). There it is containers.ts' liveness rule, on /healthz: a
 * task is replaced only once it has not answered for longer than the scenario's request
 * timeout. With Compose's 2 s check, a single task saturated by the seed load failed it
 * and Swarm replaced it four times in one rolling restart (the development machine).
 */
export function appLivenessHealthcheck(timeoutMs: number): Healthcheck {
  return {
    test: ['CMD', ...appProbe('/healthz', LIVENESS_TIMEOUT_SECONDS).map(composeLiteral)],
    interval: `${LIVENESS_PERIOD_SECONDS}s`,
    timeout: `${LIVENESS_TIMEOUT_SECONDS + 1}s`,
    retries: livenessFailureThreshold(timeoutMs),
    start_period: '30s',
  };
}

/** busybox wget is in the nginx (alpine), Prometheus and Grafana images. */
const wgetHealthcheck = (url: string, startPeriod?: string): Healthcheck =>
  healthcheck(['CMD', 'wget', '-q', '-O', '/dev/null', url], startPeriod);

/** Host port mapping, on loopback like the native lab (anonymous Grafana stays private). */
export function publish(service: string, hostPort: number, containerPort: number): string {
  const variable = PORT_VARIABLES[service];
  if (variable === undefined) throw new Error(`${service} has no host port variable`);
  return `127.0.0.1:\${${variable}:-${hostPort}}:${containerPort}`;
}

/** The app's environment in a container: the ports inside it, WORKERS, and the row's own variables. */
export function appEnvironment(t: Topology): Record<string, string> {
  return {
    HOST: '0.0.0.0',
    PORT: String(CONTAINER_APP_PORT),
    METRICS_PORT: String(CONTAINER_METRICS_PORT),
    WORKERS: `\${WORKERS:-${DEFAULT_DOCKER_WORKERS}}`,
    LAB_MODE: t.mode,
    [STACK_ENV]: STACK_NAME,
    ...t.env,
  };
}

function appService(t: Topology, extra: Partial<ComposeService>): ComposeService {
  return {
    image: APP_IMAGE,
    build: { context: '.', dockerfile: 'app/Dockerfile', secrets: [BUILD_CA_SECRET] },
    environment: appEnvironment(t),
    command: appCommand(t),
    healthcheck: appHealthcheck(),
    cpus: `\${APP_CPUS:-${DEFAULT_APP_CPUS}}`,
    init: true,
    pull_policy: 'build',
    stop_grace_period: `${STOP_GRACE_SECONDS}s`,
    ...extra,
  };
}

const healthy = (...services: string[]): Record<string, DependsOn> =>
  Object.fromEntries([...services].sort((a, b) => a.localeCompare(b)).map((s) => [s, { condition: 'service_healthy' }]));

/** The service whose containers are a topology's worker slots: its own, or behind nginx its replicas'. */
export function slotService(t: Topology): string {
  if (t.service === null) throw new Error(`${t.mode} has no Docker service`);
  return t.proxy === null ? t.service : REPLICA_SERVICE;
}

function serviceOf(t: Topology): string {
  if (t.service === null) throw new Error(`${t.mode} has no Docker service`);
  return t.service;
}

/**
 * The services of one topology's row: its entry in one container, or, behind a proxy,
 * WORKERS single-process replicas (each with its share of the CPU budget, see header)
 * and the proxy.
 */
export function topologyServices(t: Topology): Record<string, ComposeService> {
  if (t.service === null) return {};
  const replicaBudget = { cpus: `\${REPLICA_CPUS:-${DEFAULT_APP_CPUS / DEFAULT_DOCKER_WORKERS}}`, deploy: { replicas: `\${WORKERS:-${DEFAULT_DOCKER_WORKERS}}` } };
  // replicas: WORKERS one-process containers answering to the service's name, no host port (see topologies.ts).
  if (!t.published) return { [t.service]: appService(t, replicaBudget) };
  const ports = [publish(t.service, t.port, CONTAINER_APP_PORT)];
  if (t.proxy === null) return { [t.service]: appService(t, { ports }) };
  return {
    [REPLICA_SERVICE]: appService(t, replicaBudget),
    // The main config and server block the lab renders (nginx/docker/, `make generate`),
    // run directly: no image entrypoint or templating, so any nginx image runs them alike
    // (only its sh, to write the upstream list first: NGINX_ENTRYPOINT).
    // restart: nginx resolves app-replica at start, so it restarts when the replicas change.
    [t.service]: {
      image: IMAGES.nginx,
      depends_on: { [REPLICA_SERVICE]: { condition: 'service_healthy', restart: true } },
      volumes: [`./nginx/docker:${NGINX_CONFIG_DIR}:ro`],
      ports,
      entrypoint: NGINX_ENTRYPOINT,
      healthcheck: wgetHealthcheck(`http://127.0.0.1:${CONTAINER_APP_PORT}/nginx_status`, '10s'),
      init: true,
    },
  };
}

function monitoringServices(): Record<string, ComposeService> {
  const cluster = topology('cluster');
  return {
    [PROMETHEUS_SERVICE]: {
      image: IMAGES.prometheus,
      volumes: ['./prometheus:/etc/prometheus:ro', 'prometheus-data:/prometheus'],
      ports: [publish(PROMETHEUS_SERVICE, PROMETHEUS_PORT, PROMETHEUS_PORT)],
      entrypoint: ['/bin/prometheus'],
      command: [
        '--config.file=/etc/prometheus/prometheus.yml',
        '--storage.tsdb.path=/prometheus',
        `--web.listen-address=:${PROMETHEUS_PORT}`,
        '--web.enable-remote-write-receiver',
        '--web.enable-lifecycle',
      ],
      healthcheck: wgetHealthcheck(`http://127.0.0.1:${PROMETHEUS_PORT}/-/ready`),
      init: true,
    },
    // The lab's /proc exporter: in the host's pid namespace to see every app container's
    // processes, root with CAP_SYS_PTRACE to read their environment (LAB_STACK, LAB_MODE,
    // the worker slot), the repository's built lab/ mounted read-only as for the runner.
    [PROC_EXPORTER_SERVICE]: {
      image: NODE_IMAGE,
      volumes: ['.:/lab:ro'],
      command: ['node', PROC_EXPORTER_SCRIPT, '--stack', STACK_NAME, '--host', '0.0.0.0', '--port', String(PROC_EXPORTER_PORT)],
      working_dir: '/lab',
      healthcheck: healthcheck(['CMD', 'node', '-e', `fetch('http://127.0.0.1:${PROC_EXPORTER_PORT}/metrics').then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))`], '10s'),
      cap_add: ['SYS_PTRACE'],
      init: true,
      pid: 'host',
      user: '0:0',
    },
    [GRAFANA_SERVICE]: {
      image: IMAGES.grafana,
      depends_on: healthy(PROMETHEUS_SERVICE),
      volumes: [
        './grafana/provisioning/datasources:/etc/grafana/provisioning/datasources:ro',
        './grafana/provisioning/dashboards:/etc/grafana/provisioning/dashboards:ro',
        './grafana/dashboards:/etc/grafana/dashboards:ro',
        'grafana-data:/var/lib/grafana',
      ],
      environment: {
        GF_SERVER_HTTP_PORT: String(GRAFANA_PORT),
        GF_SECURITY_ADMIN_PASSWORD: '${GRAFANA_ADMIN_PASSWORD:-admin}',
        GF_AUTH_ANONYMOUS_ENABLED: 'true',
        GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer',
        GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: '/etc/grafana/dashboards/nodejs-clustering-lab.json',
        GF_USERS_ALLOW_SIGN_UP: 'false',
        GF_ANALYTICS_REPORTING_ENABLED: 'false',
        GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
        GF_NEWS_NEWS_FEED_ENABLED: 'false',
        // Read by grafana/provisioning/datasources/prometheus.yml.
        LAB_PROMETHEUS_URL: PROMETHEUS_URL_IN_NETWORK,
      },
      ports: [publish(GRAFANA_SERVICE, GRAFANA_PORT, GRAFANA_PORT)],
      healthcheck: wgetHealthcheck(`http://127.0.0.1:${GRAFANA_PORT}/api/health`),
      init: true,
    },
    [K6_SERVICE]: {
      image: IMAGES.k6,
      // Prometheus only: `run` recreates any dependency whose configuration differs (an app
      // started with another WORKERS); the lab runs k6 with --no-deps once the stack is up.
      depends_on: healthy(PROMETHEUS_SERVICE),
      volumes: [`./k6:${K6_SCRIPTS_DIR}:ro`, `./${K6_SHARED_DIR}:${K6_MOUNT_ROOT}/${K6_SHARED_DIR}:ro`, RESULTS_MOUNT],
      environment: {
        BASE_URL: `\${BASE_URL:-http://${serviceOf(cluster)}:${CONTAINER_APP_PORT}}`,
        LAB_MODE: `\${LAB_MODE:-${cluster.mode}}`,
        TESTID: '${TESTID:-}',
        REQUESTS: '${REQUESTS:-}',
        CONCURRENCY: '${CONCURRENCY:-}',
        TARGET_PATH: '${TARGET_PATH:-}',
        RESULTS_DIR: K6_RESULTS_DIR,
        K6_PROMETHEUS_RW_SERVER_URL: `${PROMETHEUS_URL_IN_NETWORK}/api/v1/write`,
        K6_PROMETHEUS_RW_TREND_STATS: K6_TREND_STATS,
        K6_PROMETHEUS_RW_PUSH_INTERVAL: '1s',
        K6_PROMETHEUS_RW_STALE_MARKERS: 'true',
        K6_NO_USAGE_REPORT: 'true',
      },
      command: [...K6_RUN_ARGS],
      working_dir: K6_SCRIPTS_DIR,
      init: true,
      // The image's own user (uid 12345) cannot write results/ under root or sudo: the
      // caller's uid:gid (the lab passes --user; by hand, LAB_USER="$(id -u):$(id -g)").
      user: '${LAB_USER:-0:0}',
      profiles: [BENCH_PROFILE],
    },
    // The lab's own load runner on the Compose network, where the k6 image cannot be had:
    // the repository mounted read-only (built lab/dist and node_modules), results/ writable.
    [RUNNER_SERVICE]: {
      image: NODE_IMAGE,
      volumes: ['.:/lab:ro', RESULTS_MOUNT],
      command: ['node', RUNNER_SCRIPT, '--help'],
      working_dir: '/lab',
      init: true,
      user: '${LAB_USER:-0:0}',
      profiles: [BENCH_PROFILE],
    },
  };
}

/** dclint's service-keys-order: the Compose file lists each service's keys in this order. */
const KEY_ORDER = [
  'image', 'build', 'container_name',
  'depends_on',
  'volumes', 'volumes_from', 'configs', 'secrets',
  'environment', 'env_file',
  'ports', 'networks', 'network_mode', 'extra_hosts',
  'command', 'entrypoint', 'working_dir', 'restart', 'healthcheck',
  'logging', 'labels',
  'user', 'isolation',
];

function orderKeys(service: ComposeService): ComposeService {
  const rank = (k: string): number => (KEY_ORDER.includes(k) ? KEY_ORDER.indexOf(k) : KEY_ORDER.length);
  const keys = Object.keys(service).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return Object.fromEntries(keys.map((k) => [k, service[k as keyof ComposeService]])) as unknown as ComposeService;
}

/** The Compose model: every service, alphabetically, keys in dclint's order. */
export function composeModel(): ComposeFile {
  const apps = Object.assign({}, ...TOPOLOGIES.map(topologyServices)) as Record<string, ComposeService>;
  const services = { ...apps, ...monitoringServices() };
  const sorted = Object.keys(services).sort((a, b) => a.localeCompare(b));
  return {
    name: PROJECT_NAME,
    services: Object.fromEntries(sorted.map((name) => [name, orderKeys(services[name] as ComposeService)])),
    volumes: { 'grafana-data': {}, 'prometheus-data': {} },
    // npm ci's extra CA at build time; /dev/null (no CA) where the host needs none.
    secrets: { [BUILD_CA_SECRET]: { file: '${NODE_EXTRA_CA_CERTS:-/dev/null}' } },
  };
}

/** The services an app topology runs in Docker (nginx's replicas included). */
export function appServiceNames(model: ComposeFile = composeModel()): string[] {
  return Object.entries(model.services)
    .filter(([, s]) => s.image === APP_IMAGE)
    .map(([name]) => name);
}

const HEADER = `GENERATED by lab/src/docker/compose.ts from lab/src/topologies.ts: do not edit.
Regenerate with \`${GENERATE_COMMAND}\` (or \`make generate\`); a test fails when this file is stale.

Start: the lab's \`make up\` writes prometheus/targets/docker.json for WORKERS, then runs
\`docker compose up -d --build --wait\`. Benchmark (stack up): \`make bench MODE=…\`, or by hand
\`LAB_USER="$(id -u):$(id -g)" docker compose --profile ${BENCH_PROFILE} run --rm --no-deps -e BASE_URL=http://app-pm2:${CONTAINER_APP_PORT} -e LAB_MODE=pm2 ${K6_SERVICE}\`.

Variables: WORKERS (default ${DEFAULT_DOCKER_WORKERS}) processes per multi-process topology and nginx replicas;
APP_CPUS (default ${DEFAULT_APP_CPUS}) CPU limit of every app container; REPLICA_CPUS (the lab sets
APP_CPUS / WORKERS, default ${DEFAULT_APP_CPUS / DEFAULT_DOCKER_WORKERS}) CPU limit of each replica (nginx's and the replicas topology's), so every topology gets
the same CPU budget; GRAFANA_ADMIN_PASSWORD (default admin; read only when the grafana-data
volume is first created). Host ports: ${Object.values(PORT_VARIABLES).join(', ')}
(defaults: the native lab's ports, Prometheus 9090, Grafana 3000). LAB_RESULTS_DIR (default
./results; the lab sets its RESULTS_DIR) where the k6 and runner containers write their JSON.
NODE_EXTRA_CA_CERTS: an extra CA file npm ci needs at build time (a build secret, never stored
in the image).`;

function comment(service: string): string | undefined {
  const t = TOPOLOGIES.find((x) => x.service === service);
  if (t) return ` MODE=${t.mode}: ${t.title} (${t.strategy}), ${t.published ? `http://localhost:${t.port}` : `WORKERS one-process containers, no host port: the runner spreads its connections over ${t.service ?? ''}'s addresses`}`;
  if (service === REPLICA_SERVICE) return ` MODE=nginx's upstream: WORKERS single-process replicas, found by nginx and Prometheus through DNS`;
  if (service === K6_SERVICE) return ` The load generator, profile ${BENCH_PROFILE} only: never started by \`up\``;
  if (service === RUNNER_SERVICE) return ` The lab's load runner, the load generator where k6's image cannot be had (profile ${BENCH_PROFILE})`;
  return undefined;
}

/** docker-compose.yml's text. */
export function renderCompose(): string {
  const doc = new Document(composeModel());
  doc.commentBefore = HEADER.split('\n')
    .map((line) => (line === '' ? '' : ` ${line}`))
    .join('\n');
  visit(doc, {
    Pair(_key, pair, path) {
      const parent = path[path.length - 2];
      const isService = parent !== undefined && 'key' in parent && isScalar(parent.key) && parent.key.value === 'services';
      if (isService && isScalar(pair.key)) {
        const text = comment(String(pair.key.value));
        if (text) pair.key.commentBefore = text;
      }
      // dclint's require-quotes-in-ports: every port mapping single-quoted.
      if (isScalar(pair.key) && pair.key.value === 'ports' && isSeq(pair.value)) {
        for (const item of pair.value.items) {
          if (isScalar(item)) item.type = Scalar.QUOTE_SINGLE;
        }
      }
    },
  });
  return doc.toString({ lineWidth: 0 });
}
