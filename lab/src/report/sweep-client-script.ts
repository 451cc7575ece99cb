/**
 * The browser script of sweep.html and scale.html: reads the inlined data and draws
 * it with the inlined Chart.js, then sets window.__chartsRendered to the number of
 * charts drawn. Plain ES2017, no template literals, no network.
 *
 * Data (see sweep-html.ts / scale-html.ts): { charts: [ { id, kind, ... } ] } where kind
 * is 'p99' (p99 against offered rate, every topology, log axis, the objective as a
 * line), 'achieved' (achieved against offered), 'detail' (one topology's percentiles,
 * corrected and uncorrected), 'scale' (throughput per worker count with the USL fit)
 * or 'residuals' (the fit's residuals).
 */
export const SWEEP_CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('lab-data').textContent);
  var rendered = 0;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  Chart.defaults.font.size = 12;
  Chart.defaults.color = '#334155';
  Chart.defaults.borderColor = '#e2e8f0';
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  function axisTitle(text) { return { display: true, text: text }; }
  function line(label, points, color, extra) {
    var d = { label: label, data: points, borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 3, tension: 0, showLine: true };
    for (var k in extra) d[k] = extra[k];
    return d;
  }
  function objective(chart) {
    return line('objective: p99 < ' + chart.sloP99Ms + ' ms', [{ x: chart.xMin, y: chart.sloP99Ms }, { x: chart.xMax, y: chart.sloP99Ms }],
      '#dc2626', { borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5 });
  }
  var logMs = { type: 'logarithmic', title: axisTitle('latency, ms (log)') };
  var offered = { type: 'linear', beginAtZero: true, title: axisTitle('offered rate, req/s') };

  function config(chart) {
    if (chart.kind === 'p99') {
      return {
        type: 'scatter',
        data: { datasets: chart.series.map(function (s) {
          return line(s.label, s.points, s.color, { pointStyle: s.met.map(function (m) { return m ? 'circle' : 'crossRot'; }), pointRadius: 4 });
        }).concat([objective(chart)]) },
        options: { scales: { x: offered, y: logMs }, plugins: { legend: { position: 'bottom' } } }
      };
    }
    if (chart.kind === 'achieved') {
      return {
        type: 'scatter',
        data: { datasets: chart.series.map(function (s) { return line(s.label, s.points, s.color); }).concat([
          line('achieved = offered', [{ x: 0, y: 0 }, { x: chart.xMax, y: chart.xMax }], '#94a3b8', { borderDash: [4, 4], pointRadius: 0, borderWidth: 1 })
        ]) },
        options: { scales: { x: offered, y: { type: 'linear', beginAtZero: true, title: axisTitle('achieved, 2xx/s') } }, plugins: { legend: { position: 'bottom' } } }
      };
    }
    if (chart.kind === 'detail') {
      return {
        type: 'scatter',
        data: { datasets: chart.series.map(function (s) {
          return line(s.label, s.points, s.color, s.dashed ? { borderDash: [5, 4], pointRadius: 2 } : {});
        }).concat([objective(chart)]) },
        options: { scales: { x: offered, y: logMs }, plugins: { legend: { position: 'bottom' } } }
      };
    }
    if (chart.kind === 'scale') {
      return {
        type: 'scatter',
        data: { datasets: [
          line('measured (median)', chart.measured, chart.color, { showLine: false, pointRadius: 5 }),
          line('every run', chart.runs, '#94a3b8', { showLine: false, pointRadius: 2 }),
          line('USL fit', chart.fitted, '#0f172a', { pointRadius: 0, borderWidth: 1.5 }),
          line('linear: λ × workers', chart.linear, '#16a34a', { pointRadius: 0, borderDash: [4, 4], borderWidth: 1 })
        ] },
        options: {
          scales: { x: { type: 'linear', min: 0, title: axisTitle('workers') }, y: { type: 'linear', beginAtZero: true, title: axisTitle('requests/s') } },
          plugins: { legend: { position: 'bottom' } }
        }
      };
    }
    if (chart.kind === 'residuals') {
      return {
        type: 'bar',
        data: { labels: chart.labels, datasets: [{ label: 'measured − fitted, % of fitted', data: chart.values,
          backgroundColor: chart.values.map(function (v) { return Math.abs(v) > 10 ? '#dc2626' : '#64748b'; }) }] },
        options: { scales: { x: { title: axisTitle('workers') }, y: { title: axisTitle('residual, %') } }, plugins: { legend: { position: 'bottom' } } }
      };
    }
    throw new Error('unknown chart kind ' + chart.kind);
  }

  data.charts.forEach(function (chart) {
    var canvas = document.getElementById(chart.id);
    if (!canvas) throw new Error('missing canvas #' + chart.id);
    new Chart(canvas, config(chart));
    rendered++;
  });
  window.__chartsRendered = rendered;
})();
`;
