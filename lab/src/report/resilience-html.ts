/**
 * resilience.html: a self-contained page in the same look as compare.html and
 * sweep.html (the same stylesheet, escaping and inlined Chart.js; it opens offline
 * and makes no request): the table of every round, what each round did, and two
 * charts (failed requests and time back to full strength, per topology and round).
 */
import type { ResilienceReport } from '../model/resilience.js';
import { median } from 'simple-statistics';
import { chartJsSource } from './chartjs.js';
import { machineLines } from './context.js';
import { escapeHtml as e, jsonForScript, scriptSource } from './escape.js';
import { RESILIENCE_COLUMNS, RESILIENCE_NOTES, resilienceRows, scenarioText } from './resilience-table.js';
import { documentHead } from './style.js';
import { ROUND_KINDS, ROUND_TITLES } from '../model/resilience.js';

const ROUND_COLORS: Readonly<Record<string, string>> = { 'graceful-stop': '#2563eb', 'rolling-restart': '#16a34a', 'kill-worker': '#dc2626' };

export interface ResilienceChart {
  id: string;
  title: string;
  yTitle: string;
  labels: string[];
  series: { label: string; color: string; values: (number | null)[] }[];
}

export function resilienceCharts(report: ResilienceReport): ResilienceChart[] {
  const ran = report.topologies.filter((t) => t.available && t.rounds.length > 0);
  if (ran.length === 0) return [];
  const labels = ran.map((t) => t.mode);
  // The median over the runs that started from the verified state (the table shows each run).
  const value = (mode: string, kind: string, pick: (r: ResilienceReport['topologies'][number]['rounds'][number]) => number | null): number | null => {
    const picked = (ran.find((t) => t.mode === mode)?.rounds ?? []).filter((x) => x.kind === kind && x.verified).map(pick);
    if (picked.some((v) => v === null) || picked.length === 0) return null;
    return median(picked as number[]);
  };
  return [
    {
      id: 'chart-resilience-failed',
      title: 'Failed requests per round',
      yTitle: 'failed requests',
      labels,
      series: ROUND_KINDS.map((k) => ({ label: ROUND_TITLES[k], color: ROUND_COLORS[k] ?? '#333', values: labels.map((m) => value(m, k, (r) => r.failedTotal)) })),
    },
    {
      id: 'chart-resilience-recovery',
      title: 'Time back to full strength',
      yTitle: 'ms after the event',
      labels,
      series: ROUND_KINDS.filter((k) => k !== 'graceful-stop').map((k) => ({ label: ROUND_TITLES[k], color: ROUND_COLORS[k] ?? '#333', values: labels.map((m) => value(m, k, (r) => (r.fullStrengthMs === null ? null : Math.round(r.fullStrengthMs)))) })),
    },
  ];
}

/** Draws the inlined charts (plain ES2017, no network), then sets window.__chartsRendered. */
const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('lab-data').textContent);
  var rendered = 0;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  Chart.defaults.color = '#334155';
  data.charts.forEach(function (chart) {
    var canvas = document.getElementById(chart.id);
    if (!canvas) return;
    new Chart(canvas, {
      type: 'bar',
      data: { labels: chart.labels, datasets: chart.series.map(function (s) {
        return { label: s.label, data: s.values, backgroundColor: s.color, borderColor: s.color, minBarLength: 2 };
      }) },
      options: { scales: { y: { beginAtZero: true, title: { display: true, text: chart.yTitle } } }, plugins: { legend: { position: 'bottom' } } }
    });
    rendered++;
  });
  window.__chartsRendered = rendered;
})();
`;

function table(report: ResilienceReport): string {
  const head = [...RESILIENCE_COLUMNS.map((c) => `<th class="${c.align}">${e(c.title)}</th>`), '<th class="left">what the lab did, and what happened</th>'].join('');
  const notes = new Map(report.topologies.flatMap((t) => t.rounds.map((r) => [`${t.mode}/${r.kind}/${r.run}`, r.verified ? `${r.action}; ${r.note}; ${r.verification}` : r.note] as const)));
  const runs = report.topologies.flatMap((t) => (t.available ? t.rounds.map((r) => ({ kind: r.kind, run: r.run })) : [null]));
  const body = resilienceRows(report).map((row, i) => {
    const which = runs[i];
    if (which === null || which === undefined) {
      return `<tr data-mode="${e(row.mode)}"><td class="left">${e(row.mode)}</td><td class="left">unavailable</td><td class="unavailable" colspan="${RESILIENCE_COLUMNS.length - 1}">${e(row.cells[2] ?? '')}</td></tr>`;
    }
    const cells = row.cells.map((c, j) => `<td class="${RESILIENCE_COLUMNS[j]?.align ?? 'right'}">${e(c)}</td>`).join('');
    return `<tr data-mode="${e(row.mode)}" data-round="${e(which.kind)}" data-run="${which.run}">${cells}<td class="left wrap">${e(notes.get(`${row.mode}/${which.kind}/${which.run}`) ?? '')}</td></tr>`;
  });
  return `<div class="table-wrap"><table id="resilience-table"><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table></div>`;
}

export function renderResilienceHtml(report: ResilienceReport): string {
  const charts = resilienceCharts(report);
  const context = [...machineLines(report.machine), { label: 'load', text: scenarioText(report) }];
  const figures = charts.map((c) => `<figure><figcaption>${e(c.title)}</figcaption><p>${e(c.id === 'chart-resilience-failed' ? 'Requests sent that got no 2xx answer (the median of the runs that started from the verified state); zero is the goal.' : 'Missing bar: not back (nothing restarts it) or not applicable.')}</p><div class="chart"><canvas id="${e(c.id)}"></canvas></div></figure>`);
  return `${documentHead(`Node.js clustering lab: resilience ${report.created}`, ' td.wrap { white-space: normal; min-width: 320px; }')}
<body>
<main>
<header><h1>Node.js clustering lab</h1><p class="sub">${e(`stops, rolling restarts and crashes under load · ${report.runtime} · ${report.created}`)}</p></header>
<section class="card"><dl class="context">${context.map((l) => `<dt>${e(l.label)}</dt><dd>${e(l.text)}</dd>`).join('')}</dl></section>
${report.warnings.length === 0 ? '' : `<section class="warnings" id="warnings"><h2>Warnings</h2><ul>${report.warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul></section>`}
<h2>Every round</h2>
${table(report)}
${RESILIENCE_NOTES.map((n) => `<p class="note">${e(n)}</p>`).join('\n')}
<h2>Repeats</h2>
<ul id="resilience-repeats">${report.topologies.flatMap((t) => t.repeats.map((v) => `<li data-mode="${e(t.mode)}" data-round="${e(v.kind)}" data-agree="${String(v.agree)}">${e(`${t.mode} ${v.text}`)}</li>`)).join('')}</ul>
${charts.length === 0 ? '<p class="note">No topology ran, nothing to chart.</p>' : `<h2>Side by side</h2><div class="grid two">${figures.join('')}</div>`}
<footer>Written by the lab's report module; the same figures are in resilience.json beside this file.</footer>
</main>
<script type="application/json" id="lab-data">${jsonForScript({ charts })}</script>
<script>${scriptSource(chartJsSource())}</script>
<script>${scriptSource(CLIENT_SCRIPT)}</script>
</body>
</html>
`;
}
