/**
 * The comparison table as rows of display strings: the terminal pads them into
 * columns, the HTML report puts them in a <table>, so both show the same figures.
 */

import type { CompareReport, ModeReport } from '../model/report-model.js';
import { fmtInterval, fmtJain, fmtMedianRange, fmtMs, fmtPercent, fmtRps, fmtSeconds, fmtSpeedup, notMeasured } from './format.js';
import { sortedWorkers } from './workers.js';

export interface TableColumn {
  title: string;
  /** Numbers are right-aligned, names left-aligned. */
  align: 'left' | 'right';
}

export type TableRow =
  | { kind: 'measured'; mode: string; title: string; cells: string[] }
  | { kind: 'unavailable'; mode: string; title: string; reason: string };

export interface CompareTable {
  columns: TableColumn[];
  rows: TableRow[];
}

export const COLUMNS: readonly TableColumn[] = [
  { title: 'mode', align: 'left' },
  { title: 'workers', align: 'right' },
  { title: 'runs', align: 'right' },
  { title: 'req/s (95% CI)', align: 'right' },
  { title: 'speedup over single (95% CI)', align: 'right' },
  { title: 'efficiency (limit)', align: 'right' },
  { title: 'p50 ms (95% CI)', align: 'right' },
  { title: 'p99 ms (95% CI)', align: 'right' },
  { title: 'app CPU ms/req (95% CI)', align: 'right' },
  { title: 'errors', align: 'right' },
  { title: 'req/worker', align: 'right' },
  { title: 'CPU s/worker', align: 'right' },
  { title: 'Jain fairness', align: 'right' },
  { title: 'p99 first/later ms', align: 'right' },
];

/** What the efficiency column's two figures mean, printed under the table. */
export const EFFICIENCY_NOTE =
  'efficiency (limit): speedup over single divided by the cores the app could use; in parentheses, the most this machine allows once the load generator\'s own CPU is taken out. '
  + 'runs: repetitions in the figures (+ disturbed ones left out). Other latencies (mean, p90, max) are the median run\'s, in the JSON and HTML reports.';

/** The text of an unavailable mode's row. */
export function unavailableText(reason: string | null): string {
  return `unavailable: ${reason ?? 'no reason given'}`;
}

function measuredCells(m: ModeReport): string[] {
  const workers = sortedWorkers(m.perWorker);
  const run = m.medianRun;
  const firstLater = run && run.firstVsLater.first.count > 0 && run.firstVsLater.later.count > 0
    ? `${fmtMs(run.firstVsLater.first.p99)}/${fmtMs(run.firstVsLater.later.p99)}`
    : '–';
  const iv = m.intervals;
  const excluded = (m.repetitions ?? []).filter((r) => r.excluded).length;
  const speedup = iv?.speedup;
  return [
    m.mode,
    String(m.workers),
    `${m.runsRps.length}${excluded > 0 ? `+${excluded}` : ''}`,
    iv ? fmtInterval(iv.rps, fmtRps) : fmtMedianRange(m.rps.median, m.rps.min, m.rps.max, fmtRps),
    speedup ? fmtSpeedup(m.speedup, m.coresUsable).replace('× of', `× ${fmtInterval(speedup, (v) => v.toFixed(2)).replace(/^\S+ /, '')} of`) : fmtSpeedup(m.speedup, m.coresUsable),
    m.ceiling !== undefined && m.coresUsable > 0
      ? `${fmtPercent(m.efficiency)} (${fmtPercent(m.ceiling / m.coresUsable)})`
      : fmtPercent(m.efficiency),
    iv ? fmtInterval(iv.p50, fmtMs) : fmtMs(m.latencyMs.p50),
    iv ? fmtInterval(iv.p99, fmtMs) : fmtMs(m.latencyMs.p99),
    iv && iv.cpuPerRequestMs.n > 0 ? fmtInterval(iv.cpuPerRequestMs, (v) => v.toFixed(2)) : '–',
    String(m.errors),
    workers.length > 0 ? workers.map((w) => String(w.requests)).join('/') : '–',
    workers.length > 0 ? workers.map((w) => fmtSeconds(w.cpuSeconds)).join('/') : '–',
    run ? (notMeasured(run, 'connections') ?? fmtJain(run.fairness.jain)) : '–',
    firstLater,
  ];
}

export function buildCompareTable(report: CompareReport): CompareTable {
  const rows = report.modes.map((m): TableRow =>
    m.available
      ? { kind: 'measured', mode: m.mode, title: m.title, cells: measuredCells(m) }
      : { kind: 'unavailable', mode: m.mode, title: m.title, reason: m.reason ?? 'no reason given' },
  );
  return { columns: [...COLUMNS], rows };
}
