/**
 * The Kubernetes manifests, rendered from the topology table (lab/src/topologies.ts) and
 * the core's container facts (containers.ts: images, CPU budget, drain deadlines) as
 * docker/compose.ts renders docker-compose.yml from them: one row, every runtime. Pure:
 * the scenario comes in as an argument; generate.ts writes the files into
 * deploy/kubernetes/ and a test fails when they are stale.
 *
 * What each topology becomes:
 * - single, cluster, cluster-none, pm2: one Deployment of one pod holding the whole CPU
 *   budget (DEFAULT_APP_CPUS, the Docker runtime's APP_CPUS) and a Service.
 * - nginx: WORKERS single-process pods (budget / WORKERS each, Docker's REPLICA_CPUS)
 *   behind a headless Service, so nginx resolves every pod's address at start and
 *   balances them itself (least_conn), and nginx in a Deployment of its own, its
 *   configuration the one the Docker runtime mounts (render/nginx.ts).
 * - replicas (Kubernetes only): WORKERS single-process pods (budget / WORKERS each)
 *   behind a plain ClusterIP Service: the orchestrator's own balancing.
 * - reuseport: left out. Its WORKERS processes share one port inside one network
 *   namespace, which one container could hold, but the Docker runtime has no service
 *   for it (one container cannot hold WORKERS entry processes as the lab starts them)
 *   and these manifests render what the Docker runtime runs; natively only.
 *
 * Types come from kubernetes-models (type imports only, erased at build): the compiler
 * refuses a field the Kubernetes API does not have; the tests validate every document
 * against the API schemas.
 */
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { APP_IMAGE, APP_SHUTDOWN_TIMEOUT_MS, DEFAULT_APP_CPUS, LIVENESS_PERIOD_SECONDS, LIVENESS_TIMEOUT_SECONDS, livenessFailureThreshold, NGINX_IMAGE, NODE_IMAGE, PM2_KILL_TIMEOUT_MS } from '../containers.js';
import { DOCKER_NGINX_FILES, DOCKER_REPLICA_HOST, DOCKER_UPSTREAMS_FILE, dockerUpstreamServers, renderDockerNginx } from '../render/nginx.js';
import type { Scenario } from '../model/report-model.js';
import { runnerCommand, type RunnerRun } from '../runner/runner-command.js';
import {
  CONTAINER_APP_PORT, CONTAINER_METRICS_PORT, ENTRY_FILES, STACK_ENV, TOPOLOGIES, topology, workerCount, type Topology,
} from '../topologies.js';

/** The namespace everything lives in (the Compose project's name). */
export const NAMESPACE = 'nodejs-clustering-lab';
/** Where the manifests are written, relative to the repository root. */
export const KUBERNETES_DIR = 'deploy/kubernetes';
export const GENERATE_COMMAND = 'make k8s';

/**
 * The CPU budget of every topology: the Docker runtime's APP_CPUS default, in one pod or
 * split evenly over WORKERS single-process pods (Docker's REPLICA_CPUS = APP_CPUS / WORKERS).
 */
export const CPU_BUDGET = DEFAULT_APP_CPUS;
/**
 * Processes per multi-process pod, and single-process pods per split topology: what the
 * downward API gives WORKERS from the budget's CPU limit (limits.cpu, divisor 1, rounded up).
 */
export const WORKERS = Math.ceil(CPU_BUDGET);
/** nginx's own CPU: outside the app budget, as in Docker (where nginx has no limit); a limit keeps the pod Guaranteed. */
export const NGINX_CPUS = 1;
/** Memory per Node process, requested and limited alike (Guaranteed QoS): an allowance, not a figure measured here. */
export const MEMORY_PER_PROCESS_MIB = 256;

/**
 * kubernetes#43576: endpoint removal reaches kube-proxy and ingress controllers some time
 * after the kubelet sends SIGTERM. The preStop pause keeps the pod serving through that
 * lag; only then does the app get SIGTERM and drain.
 */
export const PRESTOP_SECONDS = 5;
/**
 * terminationGracePeriodSeconds counts from the start of preStop: the pause, then the
 * longest drain inside a pod (PM2's kill_timeout, SHUTDOWN_TIMEOUT_MS + 3 s), plus a margin.
 */
export const GRACE_MARGIN_SECONDS = 5;
export const TERMINATION_GRACE_SECONDS = PRESTOP_SECONDS + Math.ceil(Math.max(APP_SHUTDOWN_TIMEOUT_MS, PM2_KILL_TIMEOUT_MS) / 1000) + GRACE_MARGIN_SECONDS;

/** Labels: the recommended app.kubernetes.io set, plus the lab's mode. */
export const LABELS = {
  partOf: 'app.kubernetes.io/part-of',
  component: 'app.kubernetes.io/component',
  instance: 'app.kubernetes.io/instance',
  mode: 'nodejs-clustering-lab.dev/mode',
} as const;

/** The Job's runner: the repository (built lab/dist and node_modules) mounted as the Docker runtime's runner mounts it. */
export const LAB_MOUNT = '/lab';
/** Where the checkout is on the node (hostPath); kind: an extraMount of the repository at this path. */
export const LAB_HOST_PATH = '/lab';
export const RESULTS_DIR = '/results';
/** The line the Job prints between the runner's own output and the run's JSON. */
export const JSON_MARKER = '--- lab-runner-json ---';
/** The Job container's script: the runner (its argv is the container's args), then the marker and the run's JSON. */
export const JOB_SCRIPT = `"$@" && echo '${JSON_MARKER}' && cat "$LAB_RUNNER_JSON"`;
/** The runner runs as the image's `node` user. */
export const RUNNER_UID = 1000;
export const JOB_DEADLINE_SECONDS = 900;

const NGINX_CONFIG_DIR = '/etc/nginx/lab';
const NGINX_CONFIGMAP = 'nginx-config';
const UPSTREAMS_KEY = 'servers.conf';

/** One Deployment of app pods and its Service. */
export interface AppWorkload {
  /** The Deployment's and the Service's name. */
  readonly name: string;
  /** LAB_MODE and the mode label. */
  readonly mode: string;
  /** The topology row the pods run (the entry, its environment). */
  readonly row: Topology;
  readonly replicas: number;
  readonly cpusPerPod: number;
  /** Serving processes per pod. */
  readonly processesPerPod: number;
  /** A headless Service (every pod's address in DNS) for a proxy in front, or a ClusterIP one. */
  readonly headless: boolean;
}

/** A topology as Kubernetes runs it: its app pods, a proxy if any, and the Service the load goes to. */
export interface KubernetesTopology {
  readonly mode: string;
  readonly title: string;
  readonly apps: AppWorkload;
  readonly proxy: 'nginx' | null;
  /** The Service the Job loads. */
  readonly service: string;
}

/**
 * The replicas row (topologies.ts): WORKERS single-process pods behind a ClusterIP
 * Service, the orchestrator's own balancing (kube-proxy picks a pod per connection), where
 * Docker and Swarm spread the client's connections over DNS round-robin.
 */
const REPLICAS_ROW = topology('replicas');
export const REPLICAS_MODE = REPLICAS_ROW.mode;
export const REPLICAS_SERVICE = REPLICAS_ROW.service ?? REPLICAS_ROW.mode;

function entryWorkload(t: Topology): AppWorkload {
  if (t.service === null) throw new Error(`${t.mode} has no service: it runs natively only`);
  return { name: t.service, mode: t.mode, row: t, replicas: 1, cpusPerPod: CPU_BUDGET, processesPerPod: workerCount(t, WORKERS), headless: false };
}

/** WORKERS pods of the single-process app, each 1/WORKERS of the budget. */
function splitWorkload(name: string, row: Topology, headless: boolean): AppWorkload {
  return { name, mode: row.mode, row, replicas: WORKERS, cpusPerPod: CPU_BUDGET / WORKERS, processesPerPod: 1, headless };
}

/** Every topology the manifests hold: the table's rows with a container service (replicas among them). */
export function kubernetesTopologies(): KubernetesTopology[] {
  return TOPOLOGIES.filter((t) => t.service !== null).map((t): KubernetesTopology => {
    const service = t.service ?? '';
    if (t.proxy === 'nginx') return { mode: t.mode, title: t.title, apps: splitWorkload(DOCKER_REPLICA_HOST, t, true), proxy: 'nginx', service };
    if (t.requires === 'container-replicas') return { mode: t.mode, title: `${WORKERS} single-process pods behind a Service`, apps: splitWorkload(service, t, false), proxy: null, service };
    return { mode: t.mode, title: t.title, apps: entryWorkload(t), proxy: null, service };
  });
}

/** A CPU quantity: whole CPUs as a number's string, else millicores. */
export function cpuQuantity(cpus: number): string {
  return Number.isInteger(cpus) ? String(cpus) : `${Math.round(cpus * 1000)}m`;
}

/** The app's start command for a row, as the container runs it (WORKDIR is the app): the same as docker/compose.ts' appCommand. */
export function appCommand(t: Topology): string[] {
  return t.entry === 'pm2' ? ['pm2-runtime', 'start', ENTRY_FILES.pm2] : ['node', ENTRY_FILES[t.entry]];
}

/** The metrics ports of one pod: one per serving process, then a cluster primary's. */
export function metricsPorts(w: AppWorkload): { name: string; port: number }[] {
  const workers = Array.from({ length: w.processesPerPod }, (_, i) => ({ name: `metrics-${i}`, port: CONTAINER_METRICS_PORT + i }));
  return w.row.hasPrimary ? [...workers, { name: 'metrics-primary', port: CONTAINER_METRICS_PORT + w.processesPerPod }] : workers;
}

const meta = (name: string, labels: Record<string, string>): { name: string; namespace: string; labels: Record<string, string> } => ({ name, namespace: NAMESPACE, labels });

const selectorOf = (name: string): Record<string, string> => ({ [LABELS.partOf]: NAMESPACE, [LABELS.instance]: name });

function podLabels(name: string, component: 'app' | 'proxy' | 'runner', mode: string): Record<string, string> {
  return { ...selectorOf(name), [LABELS.component]: component, [LABELS.mode]: mode };
}

/**
 * Probe settings. Every probe goes through the app's own event loop, the one /heavy
 * saturates: under the seed load a probe waits behind the queued /heavy requests. So:
 * - readiness (/readyz, 503 from SIGTERM on): fails at once on a draining pod (a 503 is
 *   an answer), but only after `failureThreshold` unanswered periods on a busy one.
 * - liveness (/healthz): containers.ts' liveness rule, shared with the Swarm stack's health check.
 * - startup: liveness and readiness begin once the pod has answered /readyz once.
 */
export const READINESS = { periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3, successThreshold: 1 } as const;
export const STARTUP = { periodSeconds: 2, timeoutSeconds: 5, failureThreshold: 30 } as const;

function probes(readyPath: string, livePath: string, scenario: Scenario): Pick<IContainer, 'startupProbe' | 'readinessProbe' | 'livenessProbe'> {
  const get = (path: string): IProbe['httpGet'] => ({ path, port: 'http' });
  return {
    startupProbe: { httpGet: get(readyPath), ...STARTUP },
    readinessProbe: { httpGet: get(readyPath), ...READINESS },
    livenessProbe: { httpGet: get(livePath), periodSeconds: LIVENESS_PERIOD_SECONDS, timeoutSeconds: LIVENESS_TIMEOUT_SECONDS, failureThreshold: livenessFailureThreshold(scenario.timeoutMs) },
  };
}

function resources(cpus: number, memoryMib: number): IContainer['resources'] {
  const r = { cpu: cpuQuantity(cpus), memory: `${memoryMib}Mi` };
  return { requests: { ...r }, limits: { ...r } };
}

/** Start a new pod before stopping an old one (maxSurge 1, maxUnavailable 0), as the lab's rolling restarts do. */
const ROLLING = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } as const;

function appEnv(w: AppWorkload): NonNullable<IContainer['env']> {
  return [
    { name: 'HOST', value: '0.0.0.0' },
    { name: 'PORT', value: String(CONTAINER_APP_PORT) },
    { name: 'METRICS_PORT', value: String(CONTAINER_METRICS_PORT) },
    // libuv#4146 / nodejs/node#59200: the worker count follows the pod's CPU limit, not the node's cores.
    { name: 'WORKERS', valueFrom: { resourceFieldRef: { containerName: 'app', resource: 'limits.cpu', divisor: '1' } } },
    { name: 'LAB_MODE', value: w.mode },
    { name: STACK_ENV, valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ...Object.entries(w.row.env).map(([name, value]) => ({ name, value })),
  ];
}

function appDeployment(w: AppWorkload, scenario: Scenario): IDeployment {
  const labels = podLabels(w.name, 'app', w.mode);
  const firstMetrics = metricsPorts(w)[0]?.port ?? CONTAINER_METRICS_PORT;
  const processes = w.processesPerPod + (w.row.entry === 'server' ? 0 : 1);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(w.name, labels),
    spec: {
      replicas: w.replicas,
      selector: { matchLabels: selectorOf(w.name) },
      strategy: ROLLING,
      template: {
        metadata: {
          labels,
          // Annotation-based scrape configs read one port per pod (the first worker's);
          // the PodMonitor (prometheus-operator/) scrapes every worker's port.
          annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(firstMetrics), 'prometheus.io/path': '/metrics' },
        },
        spec: {
          terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
          containers: [
            {
              name: 'app',
              image: APP_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: appCommand(w.row),
              env: appEnv(w),
              ports: [{ name: 'http', containerPort: CONTAINER_APP_PORT }, ...metricsPorts(w).map((p) => ({ name: p.name, containerPort: p.port }))],
              resources: resources(w.cpusPerPod, MEMORY_PER_PROCESS_MIB * processes),
              ...probes('/readyz', '/healthz', scenario),
              lifecycle: { preStop: { exec: { command: ['sleep', String(PRESTOP_SECONDS)] } } },
            },
          ],
        },
      },
    },
  };
}

function appService(w: AppWorkload): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(w.name, { ...selectorOf(w.name), [LABELS.component]: 'app', [LABELS.mode]: w.mode }),
    spec: {
      ...(w.headless ? { clusterIP: 'None' } : {}),
      selector: selectorOf(w.name),
      ports: [
        { name: 'http', port: CONTAINER_APP_PORT, targetPort: 'http' },
        ...metricsPorts(w).map((p) => ({ name: p.name, port: p.port, targetPort: p.name })),
      ],
    },
  };
}

function nginxConfigMap(): IConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(NGINX_CONFIGMAP, { [LABELS.partOf]: NAMESPACE, [LABELS.component]: 'proxy' }),
    data: { ...renderDockerNginx(NGINX_CONFIG_DIR), [UPSTREAMS_KEY]: `${dockerUpstreamServers().join('\n')}\n` },
  };
}

/** The upstreams' folder, where the main config's server block includes the list from. */
const upstreamsDir = DOCKER_UPSTREAMS_FILE.slice(0, DOCKER_UPSTREAMS_FILE.lastIndexOf('/'));

function nginxDeployment(k: KubernetesTopology, scenario: Scenario): IDeployment {
  const labels = podLabels(k.service, 'proxy', k.mode);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(k.service, labels),
    spec: {
      replicas: 1,
      selector: { matchLabels: selectorOf(k.service) },
      strategy: ROLLING,
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
          containers: [
            {
              // The image's STOPSIGNAL is SIGQUIT, nginx's graceful stop. nginx resolves
              // app-replica (headless: every pod's address) when it starts, like the
              // Docker runtime's nginx; restart it after the replicas change.
              name: 'nginx',
              image: NGINX_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['nginx', '-c', `${NGINX_CONFIG_DIR}/${DOCKER_NGINX_FILES.main}`],
              ports: [{ name: 'http', containerPort: CONTAINER_APP_PORT }],
              resources: resources(NGINX_CPUS, 128),
              ...probes('/nginx_status', '/nginx_status', scenario),
              lifecycle: { preStop: { exec: { command: ['sleep', String(PRESTOP_SECONDS)] } } },
              volumeMounts: [
                { name: 'config', mountPath: NGINX_CONFIG_DIR, readOnly: true },
                { name: 'upstreams', mountPath: upstreamsDir, readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: NGINX_CONFIGMAP, items: Object.values(DOCKER_NGINX_FILES).map((f) => ({ key: f, path: f })) } },
            { name: 'upstreams', configMap: { name: NGINX_CONFIGMAP, items: [{ key: UPSTREAMS_KEY, path: DOCKER_UPSTREAMS_FILE.slice(upstreamsDir.length + 1) }] } },
          ],
        },
      },
    },
  };
}

function proxyService(k: KubernetesTopology): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(k.service, { ...selectorOf(k.service), [LABELS.component]: 'proxy', [LABELS.mode]: k.mode }),
    spec: { selector: selectorOf(k.service), ports: [{ name: 'http', port: CONTAINER_APP_PORT, targetPort: 'http' }] },
  };
}

/** The documents of one topology's file. */
export function topologyDocuments(k: KubernetesTopology, scenario: Scenario): (IDeployment | IService | IConfigMap)[] {
  const apps = [appDeployment(k.apps, scenario), appService(k.apps)];
  if (k.proxy === null) return apps;
  return [...apps, nginxConfigMap(), nginxDeployment(k, scenario), proxyService(k)];
}

/**
 * The Job's run: the Docker runtime's measured run (docker-runtime.ts' measure) against
 * the topology's Service. Each serving process's /metrics where one Service reaches them
 * all (one pod: its worker ports); behind a split topology a Service reaches one pod at
 * random, so no per-process figures (Prometheus has them, through the PodMonitor).
 */
export function jobRun(k: KubernetesTopology, scenario: Scenario): RunnerRun {
  const metrics = k.apps.replicas === 1 && k.proxy === null
    ? metricsPorts(k.apps).filter((p) => p.name !== 'metrics-primary').map((p) => `http://${k.service}:${p.port}/metrics`)
    : [];
  return {
    url: `http://${k.service}:${CONTAINER_APP_PORT}${scenario.path}`,
    requests: scenario.requests,
    concurrency: scenario.concurrency,
    scenario,
    json: `runner-${k.mode}.json`,
    metrics,
  };
}

export const jobName = (k: KubernetesTopology): string => `runner-${k.mode}`;

function runnerJob(k: KubernetesTopology, scenario: Scenario): IJob {
  const run = jobRun(k, scenario);
  const labels = { [LABELS.partOf]: NAMESPACE, [LABELS.component]: 'runner', [LABELS.mode]: k.mode };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    // generateName: every `kubectl create -f` is a new run, named runner-<mode>-xxxxx.
    metadata: { generateName: `${jobName(k)}-`, namespace: NAMESPACE, labels },
    spec: {
      // A failed run is reported, never retried behind the reader's back.
      backoffLimit: 0,
      activeDeadlineSeconds: JOB_DEADLINE_SECONDS,
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          securityContext: { runAsUser: RUNNER_UID, runAsGroup: RUNNER_UID, runAsNonRoot: true },
          containers: [
            {
              name: 'runner',
              image: NODE_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              workingDir: LAB_MOUNT,
              command: ['sh', '-c', JOB_SCRIPT, 'lab-runner'],
              args: runnerCommand(run, RESULTS_DIR),
              env: [{ name: 'LAB_RUNNER_JSON', value: `${RESULTS_DIR}/${run.json ?? ''}` }],
              // Not CPU-limited, as the Docker runtime's runner container: the load generator must not be the bottleneck.
              resources: { requests: { cpu: '1', memory: '512Mi' }, limits: { memory: '1Gi' } },
              volumeMounts: [
                { name: 'lab', mountPath: LAB_MOUNT, readOnly: true },
                { name: 'results', mountPath: RESULTS_DIR },
              ],
            },
          ],
          volumes: [
            { name: 'lab', hostPath: { path: LAB_HOST_PATH, type: 'Directory' } },
            { name: 'results', emptyDir: {} },
          ],
        },
      },
    },
  };
}

/** One PodMonitor for every app pod, on every metrics port any of them has. */
function podMonitor(topologies: readonly KubernetesTopology[]): IPodMonitor {
  const ports = [...new Set(topologies.flatMap((k) => metricsPorts(k.apps).map((p) => p.name)))].sort();
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: meta('nodejs-clustering-lab-app', { [LABELS.partOf]: NAMESPACE }),
    spec: {
      selector: { matchLabels: { [LABELS.partOf]: NAMESPACE, [LABELS.component]: 'app' } },
      podTargetLabels: [LABELS.mode],
      // The lab's app jobs' interval (prometheus/prometheus.yml).
      podMetricsEndpoints: ports.map((port) => ({ port, path: '/metrics', interval: '2s' })),
    },
  };
}

function namespace(): INamespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, labels: { [LABELS.partOf]: NAMESPACE } } };
}

export type Manifest = IDeployment | IService | IConfigMap | IJob | INamespace | IPodMonitor;

/** A rendered file: its path under deploy/kubernetes/ and its documents (a kustomization is not an API object). */
export interface ManifestFile {
  readonly path: string;
  readonly documents: readonly Manifest[] | null;
  readonly kustomization?: { readonly resources: readonly string[] };
}

export const PODMONITOR_DIR = 'prometheus-operator';
export const JOBS_DIR = 'jobs';

/** Every file under deploy/kubernetes/, in order. */
export function manifestFiles(scenario: Scenario): ManifestFile[] {
  const topologies = kubernetesTopologies();
  const perTopology = topologies.map((k): ManifestFile => ({ path: `${k.mode}.yaml`, documents: topologyDocuments(k, scenario) }));
  const base: ManifestFile[] = [{ path: 'namespace.yaml', documents: [namespace()] }, ...perTopology];
  return [
    { path: 'kustomization.yaml', documents: null, kustomization: { resources: base.map((f) => f.path) } },
    ...base,
    { path: `${PODMONITOR_DIR}/kustomization.yaml`, documents: null, kustomization: { resources: ['podmonitor.yaml'] } },
    { path: `${PODMONITOR_DIR}/podmonitor.yaml`, documents: [podMonitor(topologies)] },
    ...topologies.map((k): ManifestFile => ({ path: `${JOBS_DIR}/${jobName(k)}.yaml`, documents: [runnerJob(k, scenario)] })),
  ];
}
