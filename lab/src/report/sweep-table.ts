/**
 * The sweep's tables as cells, shared by the terminal and the HTML report: capacity at
 * the objective per topology, and each topology's steps.
 */
import type { SweepReport, SweepStep, SweepTopology } from '../sweep/types.js';
import { fmtMs, fmtRps } from './format.js';
import type { TextColumn } from './text-table.js';

export const CAPACITY_COLUMNS: readonly TextColumn[] = [
  { title: 'mode', align: 'left' },
  { title: 'workers', align: 'right' },
  { title: 'probe req/s', align: 'right' },
  { title: 'knee req/s', align: 'right' },
  { title: 'capacity at objective req/s', align: 'right' },
  { title: 'p99 there ms', align: 'right' },
  { title: 'best achieved req/s', align: 'right' },
  { title: 'CPU ms/req', align: 'right' },
  { title: 'CPU vs single', align: 'right' },
  { title: 'generator µs/req', align: 'right' },
];

const orDash = (n: number | null, fmt: (x: number) => string): string => (n === null ? '–' : fmt(n));

/**
 * "2.31 (app 2.05, primary 0.26)": the total and its non-zero parts. A role the runtime
 * could not read (Docker: primary, PM2 daemon, nginx) is named as not measured, never 0.
 */
export function fmtCpuPerRequest(t: SweepTopology): string {
  const c = t.cpuPerRequestMs;
  if (c === null) return '–';
  const unmeasured = t.cpuNotMeasured;
  const parts = (['primary', 'pm2 daemon', 'nginx'] as const).filter((r) => c[r] >= 0.005 && !unmeasured.includes(r)).map((r) => `${r} ${c[r].toFixed(2)}`);
  const missing = unmeasured.length === 0 ? '' : `; ${unmeasured.join(', ')}: not measured in Docker`;
  if (parts.length === 0 && missing === '') return c.total.toFixed(2);
  return `${c.total.toFixed(2)} (app ${c.app.toFixed(2)}${parts.length > 0 ? `, ${parts.join(', ')}` : ''}${missing})`;
}

/** Which runtime ran the sweep (the machine lines name the load generator). */
export function runtimeText(report: Pick<SweepReport, 'runtime'>): string {
  return `runtime: ${report.runtime}`;
}

/** When k6 ran the steps: what its latency is, and what the objective was judged on. */
export function k6Note(report: Pick<SweepReport, 'topologies'>): string[] {
  const byK6 = report.topologies.some((t) => t.steps.some((s) => s.unmeasured?.includes('correctedLatency')));
  return byK6
    ? ['k6 (constant-arrival-rate) measures each request from its actual send: its latency is the "p99 uncorrected" figure, the corrected one is not measured by k6, and the knee and the objective are read on k6\'s figure. A request k6 could not start on time (no free VU) is a dropped iteration, counted as dropped.']
    : [];
}

/** How CPU per request was read, by runtime. */
export function cpuNote(report: Pick<SweepReport, 'runtime'>): string {
  return report.runtime === 'docker'
    ? 'CPU ms/req (Docker): the workers\' own process_cpu_seconds_total, read from their metrics ports on the Compose network, per response over the steps at or below the knee; the primary, the PM2 daemon and nginx have no metrics port there: not measured in Docker (so "CPU vs single" compares the workers alone).'
    : 'CPU ms/req: CPU time of every process of the topology (/proc/<pid>/stat: workers, primary, PM2 daemon, nginx) per response, over the steps at or below the knee.';
}

export function capacityRow(t: SweepTopology): string[] {
  if (!t.available) return [t.mode, String(t.workers), `unavailable: ${t.reason ?? ''}`];
  const at = t.steps.find((s) => s.offeredRps === t.capacityAtObjective);
  const best = Math.max(0, ...t.steps.map((s) => s.achievedRps));
  return [
    t.mode,
    String(t.workers),
    orDash(t.probeRps, fmtRps),
    orDash(t.knee, fmtRps),
    t.capacityAtObjective === null ? 'none (lightest step over)' : fmtRps(t.capacityAtObjective),
    at ? fmtMs(at.latencyMs.p99) : '–',
    fmtRps(best),
    fmtCpuPerRequest(t),
    t.cpuVsSingle === null ? '–' : `×${t.cpuVsSingle.toFixed(2)}`,
    orDash(t.generatorCpuPerRequestUs, (x) => x.toFixed(0)),
  ];
}

export const STEP_COLUMNS: readonly TextColumn[] = [
  { title: 'offered', align: 'right' },
  { title: 'achieved', align: 'right' },
  { title: 'p50', align: 'right' },
  { title: 'p90', align: 'right' },
  { title: 'p99', align: 'right' },
  { title: 'p99.9', align: 'right' },
  { title: 'max', align: 'right' },
  { title: 'p99 uncorrected', align: 'right' },
  { title: 'waited for conn', align: 'right' },
  { title: 'dropped', align: 'right' },
  { title: 'errors', align: 'right' },
  { title: 'gen lag p99', align: 'right' },
  { title: 'objective', align: 'left' },
];

/** "met", "missed", or how the second run went with the first's p99. */
export function objectiveCell(s: SweepStep): string {
  if (s.attempts < 2) return s.meetsObjective ? 'met' : 'missed';
  const first = s.firstAttemptP99Ms === null ? '' : ` (1st run p99 ${fmtMs(s.firstAttemptP99Ms)})`;
  return `${s.meetsObjective ? 'met on 2nd run' : 'missed twice'}${first}`;
}

/** What k6 cannot measure is said so in its cell, never shown as a figure. */
export const NOT_MEASURED_BY_K6 = 'not measured by k6';

export function stepRow(s: SweepStep): string[] {
  const l = s.latencyMs;
  const missing = (what: 'correctedLatency' | 'schedulerLag' | 'queuedForConnection'): boolean => s.unmeasured?.includes(what) === true;
  const corrected = (x: number): string => (missing('correctedLatency') ? NOT_MEASURED_BY_K6 : fmtMs(x));
  return [
    fmtRps(s.offeredRps),
    fmtRps(s.achievedRps),
    corrected(l.p50),
    corrected(l.p90),
    corrected(l.p99),
    corrected(l.p999),
    corrected(l.max),
    fmtMs(s.uncorrectedMs.p99),
    missing('queuedForConnection') ? NOT_MEASURED_BY_K6 : String(s.queuedForConnection),
    String(s.dropped),
    String(s.errors.total + s.unfinished),
    missing('schedulerLag') ? NOT_MEASURED_BY_K6 : fmtMs(s.schedulerLagMs.p99),
    objectiveCell(s),
  ];
}

export function objectiveText(report: Pick<SweepReport, 'sloP99Ms'>): string {
  return `objective: p99 under ${fmtMs(report.sloP99Ms)} ms, measured from each request's intended send time, with at most 1% of the step's requests dropped, unfinished or failed (SLO_P99_MS)`;
}

export const SWEEP_NOTES: readonly string[] = [
  'Open model: requests start on a fixed schedule whatever the server does; latency (ms) runs from each request\'s intended send time (corrected for coordinated omission); "p99 uncorrected" runs from the actual write, as a closed-loop tool would measure it.',
  'A step that missed the objective was run once more; it counts as missed only when both runs missed (the table keeps the second run and the first run\'s p99). Each step uses ceil(rate / 2) connections (8 to SWEEP_CONNECTIONS), connected before its schedule starts.',
  'Knee: the highest offered rate, from the lightest up, at which the server kept up (achieved ≥ 95% of offered) and p99 stayed within 2× the lightest step\'s. Capacity at the objective: the highest rate whose step, and every lighter one, met the objective.',
];
