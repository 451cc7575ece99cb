/** The scale report for the terminal: throughput per worker count and the USL fit with its residuals. */
import type { ScaleReport } from '../scale/types.js';
import { machineLines } from './context.js';
import { fmtMs, fmtRps } from './format.js';
import { heading, textTable } from './text-table.js';

export function fitLine(report: ScaleReport): string {
  const f = report.fit;
  if (f === null) return 'USL fit: none (see warnings)';
  const peak = f.peakWorkers === null
    ? 'no peak (κ = 0: throughput flattens)'
    : `peak at ${f.peakWorkers.toFixed(1)} workers, ${fmtRps(f.peakRps ?? 0)} req/s`;
  return `USL fit: σ (contention) ${f.sigma.toFixed(4)}, κ (coherency) ${f.kappa.toFixed(5)}, λ ${fmtRps(f.lambda)} req/s per worker; ${peak}; R² ${f.rSquared.toFixed(3)}`;
}

export function formatScaleTable(report: ScaleReport): string {
  const out: string[] = [heading(`Node.js clustering lab: ${report.mode} (${report.title}) from 1 to ${report.points.length} workers`)];
  for (const l of machineLines(report.machine)) out.push(`${l.label}: ${l.text}`);
  out.push(`closed loop: ${report.scenario.requests} × GET ${report.scenario.path} at ${report.scenario.concurrency} connections, ${report.repeat} run(s) per size (median)`, '');
  const residual = new Map((report.fit?.residuals ?? []).map((r) => [r.workers, r]));
  out.push(...textTable(
    [
      { title: 'workers', align: 'right' },
      { title: 'req/s', align: 'right' },
      { title: 'runs', align: 'left' },
      { title: 'p99 ms', align: 'right' },
      { title: 'errors', align: 'right' },
      { title: 'CPU ms/req', align: 'right' },
      { title: 'USL fitted', align: 'right' },
      { title: 'residual', align: 'right' },
    ],
    report.points.map((p) => {
      const r = residual.get(p.workers);
      return [
        String(p.workers),
        fmtRps(p.rps),
        p.runs.map(fmtRps).join(' '),
        fmtMs(p.p99Ms),
        String(p.errors),
        p.cpuPerRequestMs === null ? '–' : p.cpuPerRequestMs.toFixed(2),
        r ? fmtRps(r.fitted) : '–',
        r ? `${r.residual >= 0 ? '+' : ''}${fmtRps(r.residual)} (${(r.relative * 100).toFixed(1)}%)` : '–',
      ];
    }),
  ));
  out.push('', fitLine(report));
  out.push('X(N) = λN / (1 + σ(N−1) + κN(N−1)); the load generator shares the machine\'s cores, so past the cores it competes with the workers.');
  if (report.warnings.length > 0) out.push('', 'Warnings:', ...report.warnings.map((w) => `  - ${w}`));
  return out.join('\n');
}
