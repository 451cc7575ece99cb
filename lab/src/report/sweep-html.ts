/**
 * sweep.html and scale.html: self-contained pages like compare.html (Chart.js, the
 * data and the drawing script inlined; they open offline and make no request).
 */
import type { ScaleReport } from '../model/scale.js';
import type { SweepReport } from '../model/sweep.js';
import { browserScriptSource, chartJsSource } from './chartjs.js';
import { machineLines } from './context.js';
import { escapeHtml as e, jsonForScript, scriptSource } from './escape.js';
import { fmtMs, fmtRps } from './format.js';
import { fitLines, MODEL_NOTE, runLine, SCALE_COLUMNS, scaleRows } from './scale-text.js';
import { scaleCharts, sweepCharts, type ScaleChart, type SweepChart } from './sweep-chart-data.js';
import { CAPACITY_COLUMNS, capacityLines, capacityRow, cpuNote, k6Note, objectiveText, STEP_COLUMNS, stepRow, SWEEP_NOTES } from './sweep-table.js';
import { documentHead } from './style.js';
import type { TextColumn } from './text-table.js';

function table(id: string, columns: readonly TextColumn[], rows: readonly (readonly string[])[], rowModes?: readonly string[]): string {
  const head = columns.map((c) => `<th class="${c.align}">${e(c.title)}</th>`).join('');
  const body = rows.map((r, i) => {
    const mode = rowModes?.[i];
    const cells = r.length < columns.length && r.length === 3
      ? `<td class="left">${e(r[0] ?? '')}</td><td>${e(r[1] ?? '')}</td><td class="unavailable" colspan="${columns.length - 2}">${e(r[2] ?? '')}</td>`
      : r.map((c, j) => `<td class="${columns[j]?.align ?? 'right'}">${e(c)}</td>`).join('');
    return `<tr${mode === undefined ? '' : ` data-mode="${e(mode)}"`}>${cells}</tr>`;
  });
  return `<div class="table-wrap"><table id="${e(id)}"><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table></div>`;
}

function figure(id: string, caption: string, note: string): string {
  return `<figure><figcaption>${e(caption)}</figcaption><p>${e(note)}</p><div class="chart"><canvas id="${e(id)}"></canvas></div></figure>`;
}

function page(title: string, subtitle: string, body: string, charts: readonly (SweepChart | ScaleChart)[], json: string): string {
  return `${documentHead(title)}
<body>
<main>
<header><h1>Node.js clustering lab</h1><p class="sub">${e(subtitle)}</p></header>
${body}
<footer>Written by the lab's report module; the same figures are in ${e(json)} beside this file.</footer>
</main>
<script type="application/json" id="lab-data">${jsonForScript({ charts })}</script>
<script>${scriptSource(chartJsSource())}</script>
<script>${scriptSource(browserScriptSource('sweep-charts.js'))}</script>
</body>
</html>
`;
}

function context(lines: { label: string; text: string }[]): string {
  return `<section class="card"><dl class="context">${lines.map((l) => `<dt>${e(l.label)}</dt><dd>${e(l.text)}</dd>`).join('')}</dl></section>`;
}

/** Results the lab refuses to report as findings, above everything else. */
function faults(list: readonly string[]): string {
  return list.length === 0 ? '' : `<section class="warnings" id="faults"><h2>Measurement faults</h2><p>Not findings: no capacity is reported for these.</p><ul>${list.map((f) => `<li>${e(f)}</li>`).join('')}</ul></section>`;
}

function warnings(list: readonly string[]): string {
  return list.length === 0 ? '' : `<section class="warnings" id="warnings"><h2>Warnings</h2><ul>${list.map((w) => `<li>${e(w)}</li>`).join('')}</ul></section>`;
}

export function renderSweepHtml(report: SweepReport): string {
  const charts = sweepCharts(report);
  const ran = report.topologies.filter((t) => t.available && t.steps.length > 0);
  const detail = charts.filter((c) => c.kind === 'detail');
  const body = [
    context([
      ...machineLines(report.machine),
      { label: 'load', text: `open model: GET ${report.path}, ${report.stepSeconds} s per step, at most ${report.connections} connections, rates from ${report.ratesFrom === 'RATES' ? 'RATES' : 'a closed-loop capacity probe'}` },
      { label: 'objective', text: objectiveText(report) },
    ]),
    faults(report.faults),
    warnings(report.warnings),
    `<h2>Capacity at the objective</h2>`,
    table('sweep-capacity', CAPACITY_COLUMNS, report.topologies.map(capacityRow), report.topologies.map((t) => t.mode)),
    `<ul id="sweep-capacity-lines">${capacityLines(report).map((l) => `<li>${e(l)}</li>`).join('')}</ul>`,
    ...[...SWEEP_NOTES, cpuNote(report), ...k6Note(report)].map((n) => `<p class="note">${e(n)}</p>`),
    charts.length === 0 ? '<p class="note">No topology ran, nothing to chart.</p>' : `<h2>Latency against offered load</h2><div class="grid two">`
      + figure('chart-sweep-p99', 'p99 latency against offered rate (corrected)', `Log axis; red dashes: the objective (${fmtMs(report.sloP99Ms)} ms); a cross marks a step that missed it.`)
      + figure('chart-sweep-achieved', 'Achieved against offered rate', 'Below the grey diagonal the server no longer keeps up with the schedule.')
      + `</div><h3>Per topology: percentiles, corrected and uncorrected</h3><div class="grid two">`
      + detail.map((c) => figure(c.id, c.kind === 'detail' ? c.mode : c.id, 'Solid: from the intended send time; dashed: p99 from the actual write (what a closed loop reports).')).join('')
      + `</div>`,
    ...ran.map((t) => `<h3>${e(t.mode)}: ${e(t.title)}, ${t.workers} worker(s)</h3>` + table(`sweep-steps-${t.mode}`, STEP_COLUMNS, t.steps.map(stepRow))
      + (t.skippedRates.length > 0 ? `<p class="note">Not run (above the first confirmed miss): ${e(t.skippedRates.map(fmtRps).join(', '))} req/s.</p>` : '')),
  ].join('\n');
  return page(`Node.js clustering lab: sweep ${report.created}`, `latency under offered load · ${report.runtime} · ${report.created}`, body, charts, 'sweep.json');
}

export function renderScaleHtml(report: ScaleReport): string {
  const charts = scaleCharts(report);
  const body = [
    context([
      ...machineLines(report.machine),
      { label: 'load', text: `closed loop: ${report.scenario.requests} × GET ${report.scenario.path} at ${report.scenario.concurrency} connections` },
      { label: 'sizes', text: runLine(report) },
      { label: 'intervals', text: report.intervalMethod },
      ...fitLines(report).map((text, i) => ({ label: i === 0 ? 'fit' : 'fit intervals', text })),
    ]),
    warnings(report.warnings),
    `<h2>${e(report.mode)}: throughput against workers</h2>`,
    table('scale-table', SCALE_COLUMNS, scaleRows(report)),
    `<p class="note">${e(MODEL_NOTE)}</p>`,
    charts.length === 0 ? '' : `<div class="grid two">`
      + figure('chart-scale', 'Throughput against workers, with the USL fit', 'Dots: measured; black: the fit; green dashes: linear scaling from the fitted λ.')
      + (charts.some((c) => c.id === 'chart-scale-residuals') ? figure('chart-scale-residuals', 'Residuals of the fit', 'Measured minus fitted, as a share of fitted; red beyond ±10%: the fit is poor there.') : '')
      + `</div>`,
  ].join('\n');
  return page(`Node.js clustering lab: scale ${report.mode} ${report.created}`, `scaling of ${report.mode} · ${report.runtime} · ${report.created}`, body, charts, 'scale.json');
}
