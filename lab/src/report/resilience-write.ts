/** Writes resilience.json + resilience.html side by side. */
import type { ResilienceReport } from '../model/resilience.js';
import { renderResilienceHtml } from './resilience-html.js';
import { writeReportFiles, type WrittenReport } from './write.js';

export function writeResilienceReport(report: ResilienceReport, dir: string): WrittenReport {
  return writeReportFiles(dir, 'resilience', report, renderResilienceHtml(report));
}
