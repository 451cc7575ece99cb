/**
 * What the report's browser scripts find on the page: Chart.js' UMD global (inlined before
 * them) and the count they leave for the browser test. Read by tsconfig.browser.json only.
 */
declare const Chart: typeof import('chart.js').Chart;

/** report/format.ts's number formats, inlined before the script: one rule for terminal, HTML and charts. */
declare function fmtMs(ms: number): string;
declare function fmtRps(rps: number): string;

interface Window {
  /** Charts drawn, set once the script has run. */
  __chartsRendered?: number;
}
