/** Writes resilience.json + resilience.html side by side. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ResilienceReport } from '../resilience/types.js';
import { renderResilienceHtml } from './resilience-html.js';
import type { WrittenReport } from './write.js';

export function writeResilienceReport(report: ResilienceReport, dir: string): WrittenReport {
  const target = resolve(dir);
  mkdirSync(target, { recursive: true });
  const json = join(target, 'resilience.json');
  const html = join(target, 'resilience.html');
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(html, renderResilienceHtml(report));
  return { json, html };
}
