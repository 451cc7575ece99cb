// @ts-check
/**
 * The script the HTML report (compare.html) runs in the browser, inlined by html.ts:
 * reads the inlined chart data (chart-data.ts, the ChartData type) and draws it with the
 * inlined Chart.js, then sets window.__chartsRendered to the number of charts drawn.
 * Plain ES2017 in a real file: ESLint lints it and `tsc -p tsconfig.browser.json` checks
 * it against the DOM and the chart data's type (npm run typecheck -w lab). No network.
 */
/** @typedef {import('../chart-data.js').ChartData} ChartData */
(function () {
  'use strict';
  var source = document.getElementById('lab-data');
  /** @type {ChartData} */
  var data = JSON.parse(source ? source.textContent || '{}' : '{}');
  var rendered = 0;
  if (data.charts.length === 0) {
    window.__chartsRendered = 0;
    return;
  }

  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  Chart.defaults.font.size = 12;
  Chart.defaults.color = '#334155';
  Chart.defaults.borderColor = '#e2e8f0';
  Chart.defaults.plugins.legend.labels.boxWidth = 12;

  function alpha(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + ((n >> 16) & 255) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + a + ')';
  }
  // fmtMs and fmtRps are report/format.ts's own, inlined before this script (chartjs.ts).
  function axisTitle(text) { return { display: true, text: text }; }

  function draw(id, config) {
    var canvas = /** @type {HTMLCanvasElement | null} */ (document.getElementById(id));
    if (!canvas) throw new Error('missing canvas #' + id);
    new Chart(canvas, config);
    rendered++;
  }

  var modes = data.modes;
  // Category labels on two lines where a title has a parenthesised part: "node:cluster" / "(round-robin)".
  var labels = modes.map(function (m) {
    var at = m.title.indexOf(' (');
    return at > 0 ? [m.title.slice(0, at), m.title.slice(at + 1)] : m.title;
  });

  // Labels above the bars: the median req/s, and the speedup over single above it.
  var barLabels = {
    id: 'barLabels',
    afterDatasetsDraw: function (chart) {
      var meta = chart.getDatasetMeta(0);
      var ctx = chart.ctx;
      var family = Chart.defaults.font.family;
      ctx.save();
      ctx.textAlign = 'center';
      meta.data.forEach(function (bar, i) {
        var m = modes[i];
        var top = chart.scales.y.getPixelForValue(Math.max(m.rps.max, m.ideal || 0));
        ctx.fillStyle = '#0f172a';
        ctx.font = '600 12px ' + family;
        ctx.fillText(fmtRps(m.rps.median), bar.x, top - 8);
        ctx.fillStyle = '#64748b';
        ctx.font = '11px ' + family;
        ctx.fillText(m.speedup.toFixed(2) + '×', bar.x, top - 22);
      });
      ctx.restore();
    }
  };

  // (a) requests/s: median bar, min–max whisker, ideal marker.
  draw('chart-rps', {
    type: 'bar',
    data: {
      labels: labels,
      datasets: [
        {
          label: 'req/s, median run',
          data: modes.map(function (m) { return m.rps.median; }),
          backgroundColor: modes.map(function (m) { return alpha(m.color, 0.75); }),
          borderColor: modes.map(function (m) { return m.color; }),
          borderWidth: 1,
          grouped: false,
          barPercentage: 0.6,
          order: 3
        },
        {
          label: 'min–max over runs',
          data: modes.map(function (m) { return [m.rps.min, m.rps.max]; }),
          backgroundColor: '#0f172a',
          grouped: false,
          barPercentage: 0.04,
          minBarLength: 2,
          order: 2
        },
        {
          type: 'line',
          label: 'ideal: single × cores usable',
          data: modes.map(function (m) { return m.ideal; }),
          showLine: false,
          pointStyle: 'line',
          pointRadius: 26,
          pointHoverRadius: 26,
          pointBorderWidth: 3,
          pointHoverBorderWidth: 3,
          borderColor: '#dc2626',
          backgroundColor: '#dc2626',
          order: 1
        }
      ]
    },
    options: {
      layout: { padding: { top: 34 } },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            label: function (ctx) {
              var m = modes[ctx.dataIndex];
              if (ctx.datasetIndex === 0) return 'median ' + fmtRps(m.rps.median) + ' req/s (' + m.speedup.toFixed(2) + '× single)';
              if (ctx.datasetIndex === 1) return 'runs ' + fmtRps(m.rps.min) + '–' + fmtRps(m.rps.max) + ' req/s';
              return m.ideal === null ? 'no single baseline' : 'ideal ' + fmtRps(m.ideal) + ' req/s (' + m.coresUsable + ' × single)';
            }
          }
        }
      },
      scales: { y: { beginAtZero: true, title: axisTitle('requests/s') } }
    },
    plugins: [barLabels]
  });

  // (b) latency percentile curves on a log-ish percentile axis: x = -log10(1 - p/100).
  var MAX_X = 3.3;
  function px(p) { return p >= 100 ? MAX_X : -Math.log10(1 - Math.min(p, 99.9) / 100); }
  var percentileTicks = [[0, 'min'], [50, 'p50'], [90, 'p90'], [99, 'p99'], [99.9, 'p99.9'], [100, 'max']];
  draw('chart-latency', {
    type: 'line',
    data: {
      datasets: modes.map(function (m) {
        return {
          label: m.title,
          data: m.curve.map(function (pt) { return { x: px(pt[0]), y: pt[1], p: pt[0] }; }),
          borderColor: m.color,
          backgroundColor: m.color,
          borderWidth: 2,
          pointRadius: 0,
          pointHitRadius: 6
        };
      })
    },
    options: {
      interaction: { mode: 'nearest', intersect: false },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            title: function (items) { return items.length ? 'p' + items[0].raw.p : ''; },
            label: function (ctx) { return ctx.dataset.label + ': ' + fmtMs(ctx.raw.y) + ' ms'; }
          }
        }
      },
      scales: {
        x: {
          type: 'linear',
          min: 0,
          max: MAX_X,
          title: axisTitle('percentile (log-spaced toward the tail)'),
          afterBuildTicks: function (scale) {
            scale.ticks = percentileTicks.map(function (t) { return { value: px(t[0]) }; });
          },
          ticks: {
            callback: function (value) {
              for (var i = 0; i < percentileTicks.length; i++) {
                if (Math.abs(px(percentileTicks[i][0]) - value) < 1e-9) return percentileTicks[i][1];
              }
              return '';
            }
          }
        },
        y: { beginAtZero: true, title: axisTitle('latency ms') }
      }
    }
  });

  // (c) per worker: requests and CPU seconds, grouped per mode.
  var WORKER_COLORS = ['#1e3a8a', '#60a5fa', '#0f766e', '#5eead4', '#9a3412', '#fdba74', '#6b21a8', '#d8b4fe'];
  var maxWorkers = modes.reduce(function (n, m) { return Math.max(n, m.workers.length); }, 0);
  function workerChart(id, field, title) {
    var datasets = [];
    for (var i = 0; i < maxWorkers; i++) {
      datasets.push({
        label: 'worker #' + (i + 1),
        data: modes.map(function (m) { var w = m.workers[i]; return w ? w[field] : null; }),
        backgroundColor: WORKER_COLORS[i % WORKER_COLORS.length],
        borderRadius: 2,
        workerLabels: modes.map(function (m) { var w = m.workers[i]; return w ? w.label : ''; })
      });
    }
    draw(id, {
      type: 'bar',
      data: { labels: labels, datasets: datasets },
      options: {
        plugins: {
          legend: { position: 'bottom', display: maxWorkers <= 8 },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var v = ctx.raw;
                var shown = field === 'cpuSeconds' ? v.toFixed(1) + ' CPU s' : v + ' requests';
                return 'worker ' + ctx.dataset.workerLabels[ctx.dataIndex] + ': ' + shown;
              }
            }
          }
        },
        scales: { y: { beginAtZero: true, title: axisTitle(title) } }
      }
    });
  }
  workerChart('chart-workers', 'requests', 'requests answered');
  workerChart('chart-cpu', 'cpuSeconds', 'CPU seconds');

  // (e) requests carried per connection, busiest first: flat is fair.
  draw('chart-connections', {
    type: 'line',
    data: {
      datasets: modes.map(function (m) {
        return {
          label: m.title + (m.jain === null ? '' : ' · Jain ' + m.jain.toFixed(2)),
          data: m.connections.map(function (r, i) { return { x: i + 1, y: r }; }),
          borderColor: m.color,
          backgroundColor: m.color,
          borderWidth: 2,
          stepped: true,
          pointRadius: 0,
          pointHitRadius: 4
        };
      })
    },
    options: {
      interaction: { mode: 'nearest', intersect: false },
      plugins: { legend: { position: 'bottom' } },
      scales: {
        x: { type: 'linear', min: 1, title: axisTitle('connection, busiest first') },
        y: { beginAtZero: true, title: axisTitle('requests carried') }
      }
    }
  });

  // (d) latency over time, one chart per mode on shared axes.
  var tMax = data.timelineMax.completionMs;
  var lMax = data.timelineMax.latencyMs;
  var diagonal = Math.min(tMax, lMax);
  modes.forEach(function (m) {
    if (!m.timelineChart) return;
    draw(m.timelineChart, {
      type: 'scatter',
      data: {
        datasets: [
          {
            label: m.title,
            data: m.timeline.map(function (pt) { return { x: pt[0], y: pt[1] }; }),
            backgroundColor: alpha(m.color, 0.5),
            borderColor: alpha(m.color, 0.5),
            pointRadius: 1.6,
            pointHoverRadius: 3
          },
          {
            type: 'line',
            label: 'waited since the start',
            data: [{ x: 0, y: 0 }, { x: diagonal, y: diagonal }],
            borderColor: '#94a3b8',
            borderDash: [4, 4],
            borderWidth: 1,
            pointRadius: 0
          }
        ]
      },
      options: {
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (ctx) { return 'done at ' + fmtMs(ctx.raw.x) + ' ms, waited ' + fmtMs(ctx.raw.y) + ' ms'; }
            }
          }
        },
        scales: {
          x: { type: 'linear', min: 0, suggestedMax: tMax, title: axisTitle('completed at, ms since start') },
          y: { min: 0, suggestedMax: lMax, title: axisTitle('latency ms') }
        }
      }
    });
  });

  window.__chartsRendered = rendered;
})();
