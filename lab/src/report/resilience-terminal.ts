/** The resilience report for the terminal. */
import type { ResilienceReport } from '../model/resilience.js';
import { machineLines } from './context.js';
import { RESILIENCE_COLUMNS, RESILIENCE_NOTES, resilienceRows, scenarioText } from './resilience-table.js';
import { heading, textTable } from './text-table.js';
import { ROUND_TITLES } from '../model/resilience.js';

export function formatResilienceTable(report: ResilienceReport): string {
  const out: string[] = [heading('Node.js clustering lab: stops, rolling restarts and crashes under load')];
  for (const l of machineLines(report.machine)) out.push(`${l.label}: ${l.text}`);
  out.push(`load: ${scenarioText(report)}`, '');
  out.push(...textTable(RESILIENCE_COLUMNS, resilienceRows(report).map((r) => r.cells)));
  out.push('', 'What each round did:');
  for (const t of report.topologies.filter((x) => x.available)) {
    for (const r of t.rounds) out.push(`  ${t.mode} ${ROUND_TITLES[r.kind]} run ${r.run}: ${r.verified ? `${r.action}; ${r.note}` : r.note}`);
  }
  out.push('', 'Repeats:');
  for (const t of report.topologies.filter((x) => x.available)) {
    for (const v of t.repeats) out.push(`  ${t.mode} ${v.text}`);
  }
  out.push('', ...RESILIENCE_NOTES);
  if (report.warnings.length > 0) out.push('', 'Warnings:', ...report.warnings.map((w) => `  - ${w}`));
  return out.join('\n');
}
