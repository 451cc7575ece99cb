/**
 * The comparison as one self-contained HTML page: Chart.js, the data and the
 * drawing script are inlined, so it opens offline and makes no request.
 */

import { trustSections } from './trust-sections.js';
import type { CompareReport } from '../model/report-model.js';
import { buildChartData, type ChartData, type ChartMode } from './chart-data.js';
import { browserScriptSource, chartJsSource, formattersSource } from './chartjs.js';
import { machineLines, scenarioLines } from './context.js';
import { escapeHtml, jsonForScript, scriptSource } from './escape.js';
import { fmtMs, plural } from './format.js';
import { documentHead } from './style.js';
import { buildCompareTable, EFFICIENCY_NOTE, unavailableText, type CompareTable } from './table.js';

const e = escapeHtml;

function contextSection(report: CompareReport): string {
  const lines = [
    ...machineLines(report.machine),
    ...scenarioLines(report.scenario, report.repeat),
    { label: 'runtime', text: report.runtime },
  ];
  const items = lines.map((l) => `<dt>${e(l.label)}</dt><dd>${e(l.text)}</dd>`).join('');
  return `<section class="card"><dl class="context">${items}</dl></section>`;
}

/** The same trust sections as the terminal (faults, statements, flagged runs, warm-up, repetitions, interval method). */
function trustSection(report: CompareReport): string {
  const sections = trustSections(report);
  if (sections.length === 0) return '';
  return `<section class="trust" id="trust">${sections.map((s) => `<h2>${e(s.title)}</h2><ul${s.mark === '!' ? ' class="warnings"' : ''}>${s.lines.map((l) => `<li>${e(l)}</li>`).join('')}</ul>`).join('')}</section>`;
}

function warningsSection(warnings: readonly string[]): string {
  if (warnings.length === 0) return '';
  return `<section class="warnings" id="warnings"><h2>Warnings</h2><ul>${warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul></section>`;
}

function tableSection(table: CompareTable, colors: ReadonlyMap<string, string>): string {
  const head = table.columns.map((c) => `<th class="${c.align}">${e(c.title)}</th>`).join('');
  const modeCell = (mode: string, title: string): string => {
    const color = colors.get(mode);
    const swatch = color ? `<span class="swatch" style="background:${e(color)}"></span>` : '';
    return `<td class="left mode">${swatch}<code>${e(mode)}</code><small>${e(title)}</small></td>`;
  };
  const rows = table.rows.map((r) => {
    if (r.kind === 'unavailable') {
      return `<tr data-mode="${e(r.mode)}" class="unavailable">${modeCell(r.mode, r.title)}`
        + `<td class="unavailable" colspan="${table.columns.length - 1}">${e(unavailableText(r.reason))}</td></tr>`;
    }
    const cells = r.cells.slice(1).map((c, i) => `<td class="${table.columns[i + 1]?.align ?? 'right'}">${e(c)}</td>`);
    return `<tr data-mode="${e(r.mode)}">${modeCell(r.mode, r.title)}${cells.join('')}</tr>`;
  });
  return `<h2>Comparison</h2><div class="table-wrap"><table id="compare-table"><thead><tr>${head}</tr></thead>`
    + `<tbody>${rows.join('')}</tbody></table></div><p class="note">${e(EFFICIENCY_NOTE)}</p>`;
}

function explanationsSection(report: CompareReport, colors: ReadonlyMap<string, string>): string {
  const items = report.modes
    .filter((m) => m.available && m.explanation)
    .map((m) => {
      const color = colors.get(m.mode) ?? '#999999';
      return `<li data-mode="${e(m.mode)}"><span class="swatch" style="background:${e(color)}"></span>`
        + `<strong>${e(m.title)}</strong> ${e(m.explanation ?? '')}</li>`;
    });
  if (items.length === 0) return '';
  return `<h2>What dominated the tail</h2><ul class="explanations" id="explanations">${items.join('')}</ul>`;
}

function figure(id: string, caption: string, note: string, size: '' | 'small' = ''): string {
  return `<figure><figcaption>${e(caption)}</figcaption><p>${e(note)}</p>`
    + `<div class="chart${size ? ` ${size}` : ''}"><canvas id="${e(id)}"></canvas></div></figure>`;
}

function timelineFigure(m: ChartMode): string {
  if (!m.timelineChart) return '';
  const jain = m.jain === null ? '' : `, Jain ${m.jain.toFixed(2)}`;
  return figure(m.timelineChart, m.title, `${m.timeline.length} requests, p99 ${fmtMs(m.p99)} ms${jain}`, 'small');
}

function chartsSection(report: CompareReport, data: ChartData): string {
  const unavailable = report.modes.filter((m) => !m.available);
  const unavailableNote = unavailable.length === 0
    ? ''
    : `<p class="note" id="unavailable-modes">Not charted: ${unavailable
      .map((m) => `<code>${e(m.mode)}</code> (${e(unavailableText(m.reason))})`)
      .join('; ')}.</p>`;
  if (data.modes.length === 0) return `<h2>Charts</h2><p class="note">No mode ran, nothing to chart.</p>${unavailableNote}`;
  const runs = plural(report.repeat, 'run');
  return `<h2>Charts</h2>${unavailableNote}<div class="grid two">`
    + figure('chart-rps', 'Requests per second',
      `Bar: median over ${runs}; black whisker: min–max; red dash: ideal, single's median × cores usable.`)
    + figure('chart-latency', 'Latency percentiles (median run)',
      'Latency at each percentile; the axis stretches toward the tail (p90, p99, p99.9, max).')
    + figure('chart-workers', 'Requests per worker (median run)',
      'One bar per worker process; equal bars mean the balancing strategy spread the work evenly.')
    + figure('chart-cpu', 'CPU seconds per worker (median run)',
      'CPU each worker spent during the run, from its own process_cpu_seconds_total.')
    + `</div><div class="grid"><figure class="wide"><figcaption>Requests carried per connection (median run)</figcaption>`
    + `<p>${e(`${report.scenario.concurrency} keep-alive connections sorted busiest first: a flat line is fair, a cliff means some connections were starved (Jain index in the legend).`)}</p>`
    + `<div class="chart"><canvas id="chart-connections"></canvas></div></figure></div>`
    + `<h3>Latency over time (median run)</h3><p class="note">Each dot is one request: when it completed and how long it waited. `
    + `All charts share their axes. Dots on the dashed diagonal waited since the run began: a band of them at the end is connection starvation.</p>`
    + `<div class="grid three">${data.modes.map(timelineFigure).join('')}</div>`;
}

export function renderCompareHtml(report: CompareReport): string {
  const table = buildCompareTable(report);
  const data = buildChartData(report);
  const colors = new Map(data.modes.map((m) => [m.mode, m.color]));
  const ran = report.modes.filter((m) => m.available).length;
  const subtitle = `${plural(report.modes.length, 'process model')} compared (${ran} ran) · `
    + `${report.scenario.requests} × GET ${report.scenario.path} at ${report.scenario.concurrency} connections · `
    + `${report.runtime} · ${report.created}`;
  return `${documentHead(`Node.js clustering lab: compare ${report.created}`)}
<body>
<main>
<header><h1>Node.js clustering lab</h1><p class="sub">${e(subtitle)}</p></header>
${contextSection(report)}
${trustSection(report)}
${warningsSection(report.warnings)}
${tableSection(table, colors)}
${explanationsSection(report, colors)}
${chartsSection(report, data)}
<footer>Written by the lab's report module; the same figures are in compare.json beside this file.</footer>
</main>
<script type="application/json" id="lab-data">${jsonForScript(data)}</script>
<script>${scriptSource(chartJsSource())}</script>
<script>${scriptSource(`${formattersSource()}\n${browserScriptSource('compare-charts.js')}`)}</script>
</body>
</html>
`;
}
