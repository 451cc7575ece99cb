/** The scale report for the terminal: each worker count's figures with their intervals, then the USL fit or why there is none. */
import type { ScaleReport } from '../model/scale.js';
import { fitLines, MODEL_NOTE, runLine, SCALE_COLUMNS, scaleRows } from './scale-text.js';
import { machineLines } from './context.js';
import { heading, textTable } from './text-table.js';

export function formatScaleTable(report: ScaleReport): string {
  const max = report.points.at(-1)?.workers ?? 0;
  const out: string[] = [heading(`Node.js clustering lab: ${report.mode} (${report.title}) from 1 to ${max} workers`)];
  for (const l of machineLines(report.machine)) out.push(`${l.label}: ${l.text}`);
  out.push(`closed loop: ${report.scenario.requests} × GET ${report.scenario.path} at ${report.scenario.concurrency} connections`);
  out.push(`sizes: ${runLine(report)}`);
  out.push(`intervals: ${report.intervalMethod}`, '');
  out.push(...textTable(SCALE_COLUMNS, scaleRows(report)));
  out.push('', ...fitLines(report));
  if (report.fit !== null) out.push(MODEL_NOTE);
  if (report.warnings.length > 0) out.push('', 'Warnings:', ...report.warnings.map((w) => `  - ${w}`));
  return out.join('\n');
}
