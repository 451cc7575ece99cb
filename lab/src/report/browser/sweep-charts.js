// @ts-check
/**
 * The script sweep.html and scale.html run in the browser, inlined by sweep-html.ts: draws
 * the inlined chart data (sweep-chart-data.ts) with the inlined Chart.js, then sets
 * window.__chartsRendered. Plain ES2017 in a real file, linted and type-checked like
 * compare-charts.js. No network.
 */
(function () {
  'use strict';
  var source = document.getElementById('lab-data');
  /** @type {{ charts: (import('../sweep-chart-data.js').SweepChart | import('../sweep-chart-data.js').ScaleChart)[] }} */
  var data = JSON.parse(source ? source.textContent || '{}' : '{}');
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
  var logMs = { type: /** @type {const} */ ('logarithmic'), title: axisTitle('latency, ms (log)') };
  var offered = { type: /** @type {const} */ ('linear'), beginAtZero: true, title: axisTitle('offered rate, req/s') };

  /** @returns {import('chart.js').ChartConfiguration} */
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
    var canvas = /** @type {HTMLCanvasElement | null} */ (document.getElementById(chart.id));
    if (!canvas) throw new Error('missing canvas #' + chart.id);
    new Chart(canvas, config(chart));
    rendered++;
  });
  window.__chartsRendered = rendered;
})();
