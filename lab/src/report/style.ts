/** The HTML report's stylesheet: system font, a readable table, a chart grid; and every report's document head. */
import { escapeHtml } from './escape.js';

export const STYLE = `
:root { color-scheme: light; --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --bg: #f8fafc; --warn: #92400e; --warn-bg: #fffbeb; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1320px; margin: 0 auto; padding: 28px 32px 48px; }
h1 { font-size: 24px; margin: 0 0 2px; letter-spacing: -0.01em; }
h2 { font-size: 17px; margin: 32px 0 10px; }
h3 { font-size: 15px; margin: 24px 0 6px; }
.sub { color: var(--muted); margin: 0 0 18px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 18px; }
dl.context { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.context dt { color: var(--muted); }
dl.context dd { margin: 0; }
.warnings { background: var(--warn-bg); border: 1px solid #fcd34d; border-radius: 10px; padding: 10px 18px; margin-top: 16px; color: var(--warn); }
.warnings h2 { margin: 4px 0 6px; font-size: 15px; }
.warnings ul { margin: 0; padding-left: 20px; }
.table-wrap { overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 10px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 7px 9px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { background: #f1f5f9; font-weight: 600; font-size: 12px; line-height: 1.3; color: #334155; text-align: right;
  white-space: normal; vertical-align: bottom; }
th.left, td.left { text-align: left; }
td { text-align: right; }
tbody tr:last-child td { border-bottom: 0; }
tbody tr:hover td { background: #f8fafc; }
td.mode code { font-weight: 600; }
td.mode small { display: block; color: var(--muted); font-size: 11px; }
td.unavailable { text-align: left; color: var(--muted); font-style: italic; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
ul.explanations { list-style: none; padding: 0; margin: 0; }
ul.explanations li { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; margin-bottom: 6px; }
ul.explanations strong { margin-right: 4px; }
.grid { display: grid; gap: 16px; }
.grid.two { grid-template-columns: repeat(2, minmax(0, 1fr)); }
.grid.three { grid-template-columns: repeat(3, minmax(0, 1fr)); }
@media (max-width: 900px) { .grid.two, .grid.three { grid-template-columns: 1fr; } }
figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px 10px; }
figcaption { font-weight: 600; margin-bottom: 2px; }
figure p { color: var(--muted); font-size: 12px; margin: 0 0 8px; }
.chart { position: relative; height: 320px; }
.chart.small { height: 240px; }
figure.wide { margin-top: 16px; }
.note { color: var(--muted); font-size: 13px; margin: 0 0 10px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
`;

/** The start of every report page, up to its <body>: `title` escaped, `extraStyle` appended to STYLE. */
export function documentHead(title: string, extraStyle = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}${extraStyle}</style>
</head>`;
}
