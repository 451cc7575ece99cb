/**
 * Plain-text reports for the terminal: the comparison of every mode as one
 * aligned table, and one mode over its repetitions. No colour codes.
 */

import type { CompareReport, LatencySummary, MachineInfo, ModeReport, RunResult, Scenario } from '../model/report-model.js';
import { machineLines, scenarioLines, type ContextLine } from './context.js';
import { fmtJain, fmtMedianRange, fmtMs, fmtPercent, fmtRps, fmtSeconds, fmtSpeedup, median, notMeasured, plural } from './format.js';
import { buildCompareTable, EFFICIENCY_NOTE, unavailableText, type TableColumn } from './table.js';
import { sortedWorkers } from './workers.js';
import { trustSections } from './trust-sections.js';

const GAP = '  ';

function contextBlock(lines: readonly ContextLine[]): string[] {
  const width = Math.max(...lines.map((l) => l.label.length));
  return lines.map((l) => `${`${l.label}:`.padEnd(width + 1)} ${l.text}`);
}

function pad(text: string, width: number, align: TableColumn['align']): string {
  return align === 'right' ? text.padStart(width) : text.padEnd(width);
}

/** A row whose text runs across every column after the first (an unavailable mode). */
interface SpanRow {
  name: string;
  text: string;
}

/** Pads rows of cells into columns. */
function alignTable(columns: readonly TableColumn[], rows: readonly (readonly string[] | SpanRow)[]): string[] {
  const cellRows = rows.filter((r): r is readonly string[] => Array.isArray(r));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cellRows.map((r) => (r[i] ?? '').length)));
  const line = (row: readonly string[] | SpanRow): string => {
    if (!Array.isArray(row)) {
      const span = row as SpanRow;
      return `${pad(span.name, widths[0] ?? 0, 'left')}${GAP}${span.text}`;
    }
    return row.map((c, i) => pad(c, widths[i] ?? 0, columns[i]?.align ?? 'left')).join(GAP).trimEnd();
  };
  const header = line(columns.map((c) => c.title));
  const rule = widths.map((w) => '-'.repeat(w)).join(GAP);
  return [header, rule, ...rows.map(line)];
}

function sectionTitle(title: string): string {
  return `${title}\n${'='.repeat(title.length)}`;
}

export function formatCompareTable(report: CompareReport): string {
  const table = buildCompareTable(report);
  const rows = table.rows.map((r) => (r.kind === 'measured' ? r.cells : { name: r.mode, text: unavailableText(r.reason) }));
  const out: string[] = [
    sectionTitle(`Node.js clustering lab: ${report.modes.length} process models compared`),
    ...contextBlock([
      ...machineLines(report.machine),
      ...scenarioLines(report.scenario, report.repeat),
      { label: 'runtime', text: `${report.runtime}, report created ${report.created}` },
    ]),
    '',
    ...alignTable(table.columns, rows),
    '',
    EFFICIENCY_NOTE,
  ];
  out.push(...trustBlock(report));
  if (report.warnings.length > 0) {
    out.push('', 'Warnings:', ...report.warnings.map((w) => `  ! ${w}`));
  }
  const explained = report.modes.filter((m) => m.available && m.explanation);
  if (explained.length > 0) {
    const width = Math.max(...explained.map((m) => m.mode.length));
    out.push('', 'What dominated the tail:', ...explained.map((m) => `  ${m.mode.padEnd(width)}  ${m.explanation ?? ''}`));
  }
  return `${out.join('\n')}\n`;
}

/** The lines that say how far the figures can be trusted, shared with the HTML report (trustSections). */
export function trustBlock(report: CompareReport): string[] {
  return trustSections(report).flatMap((section) => ['', `${section.title}:`, ...section.lines.map((l) => `  ${section.mark} ${l}`)]);
}

const LATENCY_KEYS: readonly (keyof LatencySummary)[] = ['mean', 'p50', 'p90', 'p95', 'p99', 'max'];

function latencyRows(mode: ModeReport, runs: readonly RunResult[]): string[][] {
  return LATENCY_KEYS.map((key) => {
    if (runs.length === 0) return [key, fmtMs(mode.latencyMs[key]), ''];
    const values = runs.map((r) => r.latencyMs[key]);
    return [key, fmtMs(median(values)), `${fmtMs(Math.min(...values))}–${fmtMs(Math.max(...values))}`];
  });
}

/**
 * One mode over its repetitions: req/s as median with min–max, latencies as the
 * median over runs with min–max when every run's result is given (else the
 * median run's), per-worker figures, connection anatomy, warnings.
 */
export function formatBenchReport(
  mode: ModeReport,
  scenario: Scenario,
  machine: MachineInfo,
  warnings: readonly string[] = [],
  runs: readonly RunResult[] = [],
): string {
  const repeat = Math.max(mode.runsRps.length, runs.length, 1);
  const out: string[] = [
    sectionTitle(`${mode.mode}: ${mode.title}, ${mode.strategy}`),
    ...contextBlock([...machineLines(machine), ...scenarioLines(scenario, repeat)]),
    '',
  ];
  if (!mode.available) {
    out.push(unavailableText(mode.reason));
    return `${out.join('\n')}\n`;
  }
  const rpsRuns = mode.runsRps.map(fmtRps).join(', ');
  out.push(
    `req/s:   ${fmtMedianRange(mode.rps.median, mode.rps.min, mode.rps.max, fmtRps)} median (min–max)`
      + (rpsRuns ? `; runs in order: ${rpsRuns}` : ''),
    mode.speedup > 0
      ? `speedup: ${fmtSpeedup(mode.speedup, mode.coresUsable)} over single, efficiency ${fmtPercent(mode.efficiency)}`
      : `speedup: not measured here (make compare runs single beside it); the app could use ${mode.coresUsable} core(s)`,
    `workers: ${mode.workers}; errors: ${mode.errors}; load generator CPU ${notMeasured(mode.medianRun, 'generatorCpu') ?? `${fmtSeconds(mode.runnerCpuSeconds)} s per run`}`,
    '',
  );
  const latencyColumns: TableColumn[] = [
    { title: 'latency', align: 'left' },
    { title: runs.length > 0 ? 'median ms' : 'median run ms', align: 'right' },
    { title: runs.length > 0 ? `min–max over ${plural(runs.length, 'run')}` : '', align: 'right' },
  ];
  out.push(...alignTable(latencyColumns, latencyRows(mode, runs)), '');
  const workers = sortedWorkers(mode.perWorker);
  if (workers.length > 0) {
    const workerColumns: TableColumn[] = [
      { title: 'worker', align: 'left' },
      { title: 'requests', align: 'right' },
      { title: 'CPU s', align: 'right' },
      { title: 'handler mean ms', align: 'right' },
    ];
    const workerRows = workers.map((w) => [
      String(w.worker),
      String(w.requests),
      fmtSeconds(w.cpuSeconds),
      w.serverMeanMs === undefined ? '–' : fmtMs(w.serverMeanMs),
    ]);
    out.push(...alignTable(workerColumns, workerRows), '');
  }
  const run = mode.medianRun;
  if (run) {
    const fv = run.firstVsLater;
    out.push(
      `connections: ${notMeasured(run, 'connections') ?? `Jain fairness ${fmtJain(run.fairness.jain)}, busiest carried ${run.fairness.maxOverMedian.toFixed(1)}× the median connection`}`,
      `first request on a connection: p50 ${fmtMs(fv.first.p50)} ms, p99 ${fmtMs(fv.first.p99)} ms (${fv.first.count}); `
        + `later requests: p50 ${fmtMs(fv.later.p50)} ms, p99 ${fmtMs(fv.later.p99)} ms (${fv.later.count})`,
    );
  }
  if (mode.explanation) out.push(`tail: ${mode.explanation}`);
  if (warnings.length > 0) out.push('', 'Warnings:', ...warnings.map((w) => `  ! ${w}`));
  return `${out.join('\n').trimEnd()}\n`;
}
