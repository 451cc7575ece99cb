/**
 * Renders Prometheus' configuration for a runtime from prometheus/prometheus.yml and
 * the topology table: the scrape targets (one per worker of every topology, plus the
 * cluster primaries) for both runtimes, and the localhost rendering of the config.
 */
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { paths } from '../paths.js';
import { CONTAINER_METRICS_PORT, PROC_EXPORTER_PORT, PROMETHEUS_PORT, RUNNER_METRICS_PORT, TOPOLOGIES, primaryMetricsPort, workerCount, type Topology } from '../topologies.js';

export type { RuntimeName as Runtime } from '../model/report-model.js';
import type { RuntimeName as Runtime } from '../model/report-model.js';

/** One entry of a Prometheus file_sd targets file. */
export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/** Prometheus scraping itself. */
export const SELF_JOB = 'prometheus';

/** The lab's runner's client-side metrics: a DNS name in Docker, the lab's own process natively. */
export const RUNNER_JOB = 'lab-runner';
/** The lab's /proc exporter: every app process's CPU. */
export const PROC_JOB = 'proc';
/** The exporter's Compose service, its host name on the Compose network. */
export const PROC_EXPORTER_SERVICE = 'proc-exporter';

/** The static jobs whose Docker host name is 127.0.0.1 natively, and their ports. */
const NATIVE_STATIC_PORTS: Readonly<Record<string, number>> = {
  [SELF_JOB]: PROMETHEUS_PORT,
  [RUNNER_JOB]: RUNNER_METRICS_PORT,
  [PROC_JOB]: PROC_EXPORTER_PORT,
};

/** The jobs that scrape the app's own /metrics, answered by each worker's event loop. */
export const APP_JOBS: readonly string[] = ['app', 'app-replica'];

/** The job that finds nginx's replicas and the replicas topology's containers by DNS: Docker only. */
export const DOCKER_ONLY_JOB = 'app-replica';

function workerAddresses(t: Topology, runtime: Runtime, workers: number): string[] {
  const n = workerCount(t, workers);
  return Array.from({ length: n }, (_, i) =>
    runtime === 'native' ? `127.0.0.1:${t.metricsPort + i}` : `${t.service}:${CONTAINER_METRICS_PORT + i}`,
  );
}

/**
 * Scrape targets of every worker of every topology. In Docker, nginx's replicas are
 * found by DNS (job app-replica) and reuseport does not run, so neither is listed.
 */
export function scrapeTargets(runtime: Runtime, workers: number): TargetGroup[] {
  const groups: TargetGroup[] = [];
  for (const t of TOPOLOGIES) {
    // Containers of their own (nginx's replicas, replicas) are found by DNS in Docker, and replicas never run natively.
    if (t.requires === 'container-replicas') continue;
    if (runtime === 'docker' && (t.service === null || t.mode === 'nginx')) continue;
    groups.push({ targets: workerAddresses(t, runtime, workers), labels: { topology: t.mode, role: 'worker' } });
    if (t.hasPrimary) {
      const port = runtime === 'native' ? primaryMetricsPort(t, workers) : CONTAINER_METRICS_PORT + workers;
      const host = runtime === 'native' ? '127.0.0.1' : String(t.service);
      groups.push({ targets: [`${host}:${port}`], labels: { topology: t.mode, role: 'primary' } });
    }
  }
  return groups;
}

interface ScrapeConfig {
  job_name: string;
  [key: string]: unknown;
}

interface PrometheusConfig {
  scrape_configs: ScrapeConfig[];
  [key: string]: unknown;
}

export function readPrometheusConfig(): PrometheusConfig {
  return parse(readFileSync(paths.prometheusConfig, 'utf8')) as PrometheusConfig;
}

/**
 * prometheus.yml as the runtime runs it. Docker mounts the file unchanged; natively
 * the DNS job has no DNS to ask, so it is dropped (nginx's instances are file
 * targets there), Prometheus and the /proc exporter are on 127.0.0.1, and the targets
 * file sits beside the rendered config.
 */
export function renderPrometheusConfig(runtime: Runtime): string {
  const config = readPrometheusConfig();
  if (runtime === 'docker') return readFileSync(paths.prometheusConfig, 'utf8');
  config.scrape_configs = config.scrape_configs
    .filter((job) => job.job_name !== DOCKER_ONLY_JOB)
    // Natively everything listens on 127.0.0.1 only: "localhost" could resolve to ::1.
    .map((job) => {
      const port = NATIVE_STATIC_PORTS[job.job_name];
      return port === undefined ? job : { ...job, static_configs: [{ targets: [`127.0.0.1:${port}`] }] };
    });
  return `# Rendered for the native runtime from prometheus/prometheus.yml by the lab.\n${stringify(config)}`;
}

export function renderTargets(runtime: Runtime, workers: number): string {
  return `${JSON.stringify(scrapeTargets(runtime, workers), null, 2)}\n`;
}
