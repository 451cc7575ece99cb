/** Writes sweep.json + sweep.html and scale.json + scale.html side by side. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ScaleReport } from '../scale/types.js';
import type { SweepReport } from '../sweep/types.js';
import { renderScaleHtml, renderSweepHtml } from './sweep-html.js';
import type { WrittenReport } from './write.js';

function write(dir: string, name: string, data: unknown, html: string): WrittenReport {
  const target = resolve(dir);
  mkdirSync(target, { recursive: true });
  const json = join(target, `${name}.json`);
  const htmlFile = join(target, `${name}.html`);
  writeFileSync(json, `${JSON.stringify(data, null, 2)}\n`);
  writeFileSync(htmlFile, html);
  return { json, html: htmlFile };
}

export function writeSweepReport(report: SweepReport, dir: string): WrittenReport {
  return write(dir, 'sweep', report, renderSweepHtml(report));
}

export function writeScaleReport(report: ScaleReport, dir: string): WrittenReport {
  return write(dir, 'scale', report, renderScaleHtml(report));
}
