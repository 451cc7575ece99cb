/**
 * Chart.js' UMD build, read from node_modules when a report is rendered so the
 * HTML carries it inline and opens offline.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/** Path of chart.umd.js (the package does not export it, so resolve its entry and look beside it). */
export function chartJsPath(): string {
  const entry = createRequire(import.meta.url).resolve('chart.js');
  return join(dirname(entry), 'chart.umd.js');
}

export function chartJsSource(): string {
  cached ??= readFileSync(chartJsPath(), 'utf8');
  return cached;
}
