/**
 * The sweep's tables as cells, shared by the terminal and the HTML report: capacity at
 * the objective per topology (an interval with the runs that confirm its ends, or a
 * measurement fault), one sentence per topology, and each topology's steps.
 */
import type { StepRun, SweepReport, SweepStep, SweepTopology } from '../model/sweep.js';
import { fmtMs, fmtRps } from './format.js';
import type { TextColumn } from './text-table.js';
import { capacityText, capped, type CapacityResult } from '../model/sweep.js';

export const CAPACITY_COLUMNS: readonly TextColumn[] = [
  { title: 'mode', align: 'left' },
  { title: 'workers', align: 'right' },
  { title: 'probe req/s', align: 'right' },
  { title: 'knee req/s', align: 'right' },
  { title: 'capacity req/s', align: 'right' },
  { title: 'confirmed by', align: 'left' },
  { title: 'p99 at low end ms', align: 'right' },
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

/** The capacity cell: "560–600", "612 (max)" or "612–617 (max)" (held up to the closed-loop maximum), "< 87", "≥ 300", or "FAULT" (the reason is in the faults). */
export function capacityCell(c: CapacityResult | null): string {
  if (c === null) return '–';
  if (c.fault !== null) return 'FAULT';
  if (c.low !== null && c.upper !== null) {
    const range = fmtRps(c.upper) === fmtRps(c.low) ? fmtRps(c.low) : `${fmtRps(c.low)}–${fmtRps(c.upper)}`;
    return capped(c) ? `${range} (max)` : range;
  }
  if (c.upper !== null) return `< ${fmtRps(c.upper)}`;
  return c.low === null ? '–' : `≥ ${fmtRps(c.low)}`;
}

const mark = (r: StepRun): string => (r.meetsObjective ? '✓' : '✗');

/** "560 ✓✓, 600 ✗✗": the runs of the rates that bound the capacity (✓ met, ✗ missed), in the order they ran. */
export function confirmedBy(t: SweepTopology): string {
  const c = t.capacity;
  if (c === null) return '–';
  const ends = [c.low, c.high].filter((r): r is number => r !== null);
  return ends.map((rate) => `${fmtRps(rate)} ${(t.steps.find((s) => s.offeredRps === rate)?.runs ?? []).map(mark).join('')}`).join(', ') || '–';
}

/** "449", or "449, 560" when a confirmed pass above the first probe made the search probe again. */
export function probeCell(t: SweepTopology): string {
  const probes = t.capacity?.probes ?? [];
  return probes.length > 1 ? probes.map(fmtRps).join(', ') : orDash(t.probeRps, fmtRps);
}

export function capacityRow(t: SweepTopology): string[] {
  if (!t.available) return [t.mode, String(t.workers), `unavailable: ${t.reason ?? ''}`];
  const low = t.capacity?.low ?? null;
  const at = low === null ? undefined : t.steps.find((s) => s.offeredRps === low);
  const best = Math.max(0, ...t.steps.map((s) => s.achievedRps));
  return [
    t.mode,
    String(t.workers),
    probeCell(t),
    orDash(t.knee, fmtRps),
    capacityCell(t.capacity),
    confirmedBy(t),
    at ? fmtMs(at.objectiveP99Ms ?? Number.NaN) : '–',
    fmtRps(best),
    fmtCpuPerRequest(t),
    t.cpuVsSingle === null ? '–' : `×${t.cpuVsSingle.toFixed(2)}`,
    orDash(t.generatorCpuPerRequestUs, (x) => x.toFixed(0)),
  ];
}

const times = (n: number): string => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

/** How a bound of the interval was confirmed: "560 met twice" or "600 missed 2 of 3 runs". */
function boundText(t: SweepTopology, rate: number): string {
  const runs = t.steps.find((s) => s.offeredRps === rate)?.runs ?? [];
  const met = runs.filter((r) => r.meetsObjective).length;
  const agreeing = rate === t.capacity?.low ? met : runs.length - met;
  const verdict = rate === t.capacity?.low ? 'met' : 'missed';
  return `${fmtRps(rate)} ${verdict} ${agreeing === runs.length ? times(runs.length) : `in ${agreeing} of ${runs.length} runs`}`;
}

/**
 * One sentence per topology that ran: "single: capacity at p99 ≤ 100 ms: 560–600 req/s
 * (560 met twice, 600 missed twice; bisected to 18 req/s; closed-loop probe 633 req/s)",
 * or that its result is a measurement fault.
 */
export function capacityLines(report: Pick<SweepReport, 'topologies' | 'sloP99Ms'>): string[] {
  return report.topologies.filter((t) => t.available && t.capacity !== null).map((t) => {
    const c = t.capacity as CapacityResult;
    const probe = c.probes.length === 0 ? '' : `; closed-loop probe ${c.probes.map(fmtRps).join(', then ')} req/s`;
    if (c.fault !== null) return `${t.mode}: no capacity: a measurement fault (below)${probe}`;
    const bounds = [c.low, c.high].filter((r): r is number => r !== null).map((r) => boundText(t, r)).join(', ');
    const open = c.high === null ? '; no step missed up to the top of the ladder' : c.low === null ? '; even the lightest step missed' : `; bisected to ${Number.isInteger(c.resolution) ? c.resolution : fmtRps(c.resolution)} req/s`;
    return `${t.mode}: capacity at p99 ≤ ${fmtMs(report.sloP99Ms)} ms: ${capacityText(c) ?? '–'} (${bounds}${open}${probe})`;
  });
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
  { title: 'search', align: 'left' },
  { title: 'objective', align: 'left' },
];

/** A run's p99 as judged: "p99 52" (over every scheduled request), or "over 1% unanswered". */
const judged = (p99: number | null): string => (p99 === null ? 'over 1% unanswered' : `p99 ${fmtMs(p99)}`);

/** Why the rate ran: "bracket", "bisect", with "+ repeat" when it ran again. */
export function searchCell(s: SweepStep): string {
  const first = s.runs[0]?.purpose ?? '';
  return s.runs.length > 1 ? `${first} + ${s.runs.length - 1} repeat${s.runs.length > 2 ? 's' : ''}` : first;
}

/**
 * "met", "missed (over 1% unanswered)", or, for a rate run more than once, its verdict
 * and every run: "missed in 2 of 3 runs (✗ p99 140, ✓ p99 52, ✗ over 1% unanswered)".
 * A judged p99 other than the p99 column's counts requests unanswered at the step's end.
 */
export function objectiveCell(s: SweepStep): string {
  const verdict = s.meetsObjective ? 'met' : 'missed';
  if (s.runs.length <= 1) {
    const differs = s.objectiveP99Ms === null || s.objectiveP99Ms !== s.latencyMs.p99;
    return differs ? `${verdict} (${judged(s.objectiveP99Ms)} counting the unanswered)` : verdict;
  }
  const agreeing = s.runs.filter((r) => r.meetsObjective === s.meetsObjective).length;
  const how = agreeing === s.runs.length ? times(agreeing) : `in ${agreeing} of ${s.runs.length} runs`;
  return `${verdict} ${how} (${s.runs.map((r) => `${mark(r)} ${judged(r.objectiveP99Ms)}`).join(', ')})`;
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
    searchCell(s),
    objectiveCell(s),
  ];
}

export function objectiveText(report: Pick<SweepReport, 'sloP99Ms'>): string {
  return `objective: p99 ≤ ${fmtMs(report.sloP99Ms)} ms over every request a step scheduled, from its intended send time; a request dropped, failed or still unanswered at the step's end counts as later than any answer (SLO_P99_MS)`;
}

export const SWEEP_NOTES: readonly string[] = [
  'Open model: requests start on a fixed schedule whatever the server does; latency (ms) runs from each request\'s intended send time (corrected for coordinated omission); "p99 uncorrected" runs from the actual write, as a closed-loop tool would measure it.',
  'Capacity search: the ladder (RATES; or 20 % to 120 % of the closed-loop probe in 20 % steps, climbing on by the same gap until a miss) is walked up until a step misses the objective, then bisected between the last pass and the first miss down to the resolution (5 % of the probe). Every miss is run again at once, and so is the final pass: a rate\'s verdict is what two of its runs agree on (a third breaks a tie). The capacity is the interval from the highest confirmed pass to the lowest confirmed miss, capped at the closed-loop probe (no rate above it can be met; "(max)": the objective held up to it); no rate below it was confirmed a miss. A confirmed pass above the closed-loop probe is impossible for a real server: the topology is probed once more, and if the pass is still above, it is a measurement fault, never a capacity.',
  'The table keeps each rate\'s last run (it agrees with the verdict). Each step uses ceil(rate / 2) connections (8 to SWEEP_CONNECTIONS), connected before its schedule starts; the server is settled between steps.',
  'Knee: the highest offered rate, from the lightest up, at which the server kept up (achieved ≥ 95% of offered) and p99 stayed within 2× the lightest step\'s.',
];
