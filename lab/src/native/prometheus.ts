/**
 * The real Prometheus binary, run natively with prometheus/prometheus.yml rendered
 * for localhost and the scrape targets of every worker of every topology, and the
 * lab's /proc exporter it scrapes for per-process CPU (started first, in its group).
 * By default the Prometheus 3 the set-up step unpacks into tools/prometheus3 (Debian
 * unstable's package: the pinned image's major version), not the OS's own package.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { APP_JOBS, PROC_JOB, renderPrometheusConfig, renderTargets } from '../render/prometheus.js';
import { PROMETHEUS_PORT } from '../topologies.js';
import { startProcExporter } from './proc-exporter.js';
import { isAlive, logTail, spawnManaged, type ManagedProcess } from './processes.js';
import { locations } from '../config/environment.js';

export const PROMETHEUS_URL = `http://127.0.0.1:${PROMETHEUS_PORT}`;

/** PROMETHEUS, or the Prometheus 3 the set-up step unpacks. */
export function prometheusBinary(): string {
  return locations().prometheus;
}

/** The version the Prometheus at `url` says it runs (its build info API). */
export async function runningPrometheusVersion(url = PROMETHEUS_URL): Promise<string> {
  const res = await request(`${url}/api/v1/status/buildinfo`, { headersTimeout: 5000 });
  const body = (await res.body.json()) as { status?: string; data?: { version?: string } };
  const version = body.data?.version;
  if (body.status !== 'success' || version === undefined) throw new Error(`${url}/api/v1/status/buildinfo did not say a version (HTTP ${res.statusCode})`);
  return version;
}

/**
 * Waits until Prometheus has scraped every app and /proc target once (up or not), so a
 * run that starts right after `up` is on the dashboard from its first request: a target
 * is picked up seconds after the start (file discovery, then its first scrape), and a
 * process first scraped after a short run shows no increase. Resolves to how many
 * targets were still waiting at the deadline (0: all seen).
 */
export async function waitForFirstScrapes(timeoutMs = 20_000, url = PROMETHEUS_URL): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let waiting = Number.POSITIVE_INFINITY;
  for (;;) {
    try {
      const res = await request(`${url}/api/v1/targets?state=active`, { headersTimeout: 2000 });
      const body = (await res.body.json()) as { data?: { activeTargets?: { labels: Record<string, string>; lastScrape: string }[] } };
      const targets = (body.data?.activeTargets ?? []).filter((t) => APP_JOBS.includes(t.labels['job'] ?? '') || t.labels['job'] === PROC_JOB);
      waiting = targets.length === 0 ? Number.POSITIVE_INFINITY : targets.filter((t) => t.lastScrape.startsWith('0001-')).length;
    } catch {
      // Not answering yet.
    }
    if (waiting === 0 || Date.now() > deadline) return Number.isFinite(waiting) ? waiting : -1;
    await sleep(250);
  }
}

/** Writes the localhost rendering; returns the config file's path. */
export function writeNativePrometheusConfig(workers: number, dir = join(locations().state, 'prometheus')): string {
  mkdirSync(join(dir, 'targets'), { recursive: true });
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, renderPrometheusConfig('native'));
  writeFileSync(join(dir, 'targets', 'native.json'), renderTargets('native', workers));
  return config;
}

export async function startPrometheus(workers: number): Promise<ManagedProcess> {
  const dir = join(locations().state, 'prometheus');
  const config = writeNativePrometheusConfig(workers, dir);
  await startProcExporter({ group: 'prometheus', workers });
  const proc = spawnManaged({
    name: 'prometheus',
    group: 'prometheus',
    command: prometheusBinary(),
    args: [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${PROMETHEUS_PORT}`,
      '--web.enable-lifecycle',
      '--web.enable-remote-write-receiver',
    ],
    env: {},
    workers,
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (!isAlive(proc)) throw new Error(`prometheus exited during start; its log (${proc.log}) ends with:\n${logTail(proc)}`);
    if (await prometheusReady()) return proc;
    if (Date.now() > deadline) throw new Error(`prometheus not ready after 30 s; its log (${proc.log}) ends with:\n${logTail(proc)}`);
    await sleep(200);
  }
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query over Prometheus' HTTP API. */
export async function queryPrometheus(expr: string, url = PROMETHEUS_URL): Promise<PromSample[]> {
  const res = await request(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.body.json()) as { status: string; error?: string; data?: { result: PromSample[] } };
  if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error ?? res.statusCode}`);
  return body.data?.result ?? [];
}

/** Whether the lab's native Prometheus answers now. */
export async function prometheusReady(): Promise<boolean> {
  try {
    const res = await request(`${PROMETHEUS_URL}/-/ready`, { headersTimeout: 1000 });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}
