/**
 * Writes a comparison to disk: compare.json (the data) and compare.html (the
 * self-contained report) side by side.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CompareReport } from '../model/report-model.js';
import { renderCompareHtml } from './html.js';

export interface WrittenReport {
  json: string;
  html: string;
}

/** Writes `<name>.json` (the data) and `<name>.html` (its report) side by side in `dir`, made if missing. */
export function writeReportFiles(dir: string, name: string, data: unknown, html: string): WrittenReport {
  const target = resolve(dir);
  mkdirSync(target, { recursive: true });
  const written = { json: join(target, `${name}.json`), html: join(target, `${name}.html`) };
  writeFileSync(written.json, `${JSON.stringify(data, null, 2)}\n`);
  writeFileSync(written.html, html);
  return written;
}

export function writeCompareReport(report: CompareReport, dir: string): WrittenReport {
  return writeReportFiles(dir, 'compare', report, renderCompareHtml(report));
}
