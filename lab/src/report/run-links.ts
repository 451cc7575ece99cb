/**
 * Where to see a run after it ran: a Grafana link to exactly the run's time range and
 * topologies (the Docker stack's Grafana), else a Prometheus API query of the run's
 * request rate over that range (the native lab's Prometheus: Debian's build serves no
 * web UI), else the one command that records the next run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from '../paths.js';

/** The monitoring a runtime has running now: base URLs, null where it does not run. */
export interface Monitoring {
  grafana: string | null;
  prometheus: string | null;
}

/** The provisioned dashboard's uid, read from its file (grafana/dashboards/, generated from grafana/src/). */
function dashboardUid(): string {
  const dir = join(paths.root, 'grafana', 'dashboards');
  const json = JSON.parse(readFileSync(join(dir, 'nodejs-clustering-lab.json'), 'utf8')) as { uid?: unknown };
  return typeof json.uid === 'string' ? json.uid : 'nodejs-clustering-lab';
}

/** A margin around the run so its first and last scrapes are in view. */
const MARGIN_MS = 5_000;

export function grafanaRunLink(grafana: string, from: Date, to: Date, modes: readonly string[]): string {
  const query = new URLSearchParams({ from: String(from.getTime() - MARGIN_MS), to: String(to.getTime() + MARGIN_MS) });
  for (const mode of modes) query.append('var-mode', mode);
  return `${grafana}/d/${dashboardUid()}/?${query.toString()}`;
}

export function prometheusRunLink(prometheus: string, from: Date, to: Date, modes: readonly string[]): string {
  const expr = `sum by (mode, testid) (rate(lab_client_requests_total{mode=~"${modes.join('|')}"}[5s]))`;
  const query = new URLSearchParams({
    query: expr,
    start: new Date(from.getTime() - MARGIN_MS).toISOString(),
    end: new Date(to.getTime() + MARGIN_MS).toISOString(),
    step: '1s',
  });
  return `${prometheus}/api/v1/query_range?${query.toString()}`;
}

/** The line a command prints after its report. */
export function runLinkLine(monitoring: Monitoring, from: Date, to: Date, modes: readonly string[]): string {
  if (monitoring.grafana !== null) return `this run in Grafana: ${grafanaRunLink(monitoring.grafana, from, to, modes)}`;
  if (monitoring.prometheus !== null) {
    return `this run's request rate in Prometheus (JSON, as no Grafana runs here): ${prometheusRunLink(monitoring.prometheus, from, to, modes)}`;
  }
  return 'no Prometheus recorded this run: `make up` first, and the next run is on the dashboard';
}
