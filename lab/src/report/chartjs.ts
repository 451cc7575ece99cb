/**
 * What an HTML report inlines so it opens offline: Chart.js' UMD build, read from
 * node_modules, and the report's own browser script (src/report/browser/*.js, plain
 * JavaScript that ESLint and tsconfig.browser.json check), read from the repository.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { paths } from '../paths.js';
import { fmtMs, fmtRps } from './format.js';

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

const scripts = new Map<string, string>();

/** report/format.ts's number formats as page script: the charts format figures as the tables do. */
export function formattersSource(): string {
  return [fmtMs, fmtRps].map((f) => `var ${f.name} = ${f.toString()};`).join('\n');
}

/** A browser script of the reports by file name, e.g. compare-charts.js. */
export function browserScriptSource(name: string): string {
  let source = scripts.get(name);
  if (source === undefined) {
    source = readFileSync(join(paths.root, 'lab', 'src', 'report', 'browser', name), 'utf8');
    scripts.set(name, source);
  }
  return source;
}
