/**
 * Writes a comparison to disk: compare.json (the data) and compare.html (the
 * self-contained report) side by side.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CompareReport } from '../report-model.js';
import { renderCompareHtml } from './html.js';

export interface WrittenReport {
  json: string;
  html: string;
}

export function writeCompareReport(report: CompareReport, dir: string): WrittenReport {
  const target = resolve(dir);
  mkdirSync(target, { recursive: true });
  const json = join(target, 'compare.json');
  const html = join(target, 'compare.html');
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(html, renderCompareHtml(report));
  return { json, html };
}
