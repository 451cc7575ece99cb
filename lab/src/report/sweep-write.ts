/** Writes sweep.json + sweep.html and scale.json + scale.html side by side. */
import type { ScaleReport } from '../model/scale.js';
import type { SweepReport } from '../model/sweep.js';
import { renderScaleHtml, renderSweepHtml } from './sweep-html.js';
import { writeReportFiles, type WrittenReport } from './write.js';

export function writeSweepReport(report: SweepReport, dir: string): WrittenReport {
  return writeReportFiles(dir, 'sweep', report, renderSweepHtml(report));
}

export function writeScaleReport(report: ScaleReport, dir: string): WrittenReport {
  return writeReportFiles(dir, 'scale', report, renderScaleHtml(report));
}
