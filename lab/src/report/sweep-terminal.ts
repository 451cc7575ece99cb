/** The sweep and scale reports for the terminal. */
import type { SweepReport } from '../model/sweep.js';
import { machineLines } from './context.js';
import { CAPACITY_COLUMNS, capacityLines, capacityRow, cpuNote, k6Note, runtimeText, objectiveText, STEP_COLUMNS, stepRow, SWEEP_NOTES } from './sweep-table.js';
import { heading, textTable } from './text-table.js';

export function formatSweepTable(report: SweepReport): string {
  const out: string[] = [heading('Node.js clustering lab: latency under offered load (open model)')];
  for (const l of machineLines(report.machine)) out.push(`${l.label}: ${l.text}`);
  out.push(`target: GET ${report.path}, ${report.stepSeconds} s per step, at most ${report.connections} connections, rates from ${report.ratesFrom === 'RATES' ? 'RATES' : 'a closed-loop capacity probe'}`);
  out.push(runtimeText(report), objectiveText(report), '');
  for (const t of report.topologies.filter((x) => x.available)) {
    out.push(`${t.mode} (${t.title}, ${t.workers} worker${t.workers === 1 ? '' : 's'}): latency ms`);
    out.push(...textTable(STEP_COLUMNS, t.steps.map(stepRow)));
    if (t.skippedRates.length > 0) out.push(`not run (above the first confirmed miss): ${t.skippedRates.join(', ')} req/s`);
    out.push('');
  }
  out.push('Capacity at the objective');
  out.push(...textTable(CAPACITY_COLUMNS, report.topologies.map(capacityRow)));
  out.push('', ...capacityLines(report));
  if (report.faults.length > 0) out.push('', 'MEASUREMENT FAULTS (not findings: no capacity is reported for these):', ...report.faults.map((f) => `  - ${f}`));
  out.push('', ...SWEEP_NOTES, cpuNote(report), ...k6Note(report));
  if (report.warnings.length > 0) out.push('', 'Warnings:', ...report.warnings.map((w) => `  - ${w}`));
  return out.join('\n');
}
