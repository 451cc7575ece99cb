import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildChartData } from '../../src/report/chart-data.js';
import { chartJsPath } from '../../src/report/chartjs.js';
import { escapeHtml, jsonForScript } from '../../src/report/escape.js';
import { renderCompareHtml } from '../../src/report/html.js';
import { writeCompareReport } from '../../src/report/write.js';
import type { CompareReport } from '../../src/model/report-model.js';
import { compareFixture } from './fixture.js';

describe('renderCompareHtml', () => {
  const { report } = compareFixture();
  const html = renderCompareHtml(report);

  it('inlines Chart.js from node_modules and loads nothing from elsewhere', () => {
    assert.ok(chartJsPath().endsWith('chart.umd.js'));
    assert.ok(html.includes('Chart.js v4'));
    assert.doesNotMatch(html, /<(script|link|img|iframe)\b[^>]*\b(src|href)=/i);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    assert.ok(style.length > 0);
    assert.doesNotMatch(style, /@import|url\(/i);
  });

  it('has a canvas for every chart the data names, and a timeline per measured mode only', () => {
    const data = buildChartData(report);
    assert.deepEqual(data.charts, [
      'chart-rps', 'chart-latency', 'chart-workers', 'chart-cpu', 'chart-connections',
      'chart-timeline-single', 'chart-timeline-cluster', 'chart-timeline-cluster-none', 'chart-timeline-pm2', 'chart-timeline-nginx',
    ]);
    for (const id of data.charts) assert.ok(html.includes(`<canvas id="${id}">`), id);
    assert.ok(!html.includes('chart-timeline-reuseport'));
  });

  it('escapes every text it inlines', () => {
    const hostile: CompareReport = {
      ...report,
      machine: { ...report.machine, cpuModel: 'Xeon <b>bold</b> & "quoted"' },
      warnings: ['<img src=x onerror=alert(1)>'],
      modes: report.modes.map((m) =>
        m.available ? { ...m, title: `${m.title} </script><script>alert(1)</script>` } : { ...m, reason: '<script>alert(2)</script>' },
      ),
    };
    const out = renderCompareHtml(hostile);
    assert.ok(!out.includes('<b>bold</b>'));
    assert.ok(out.includes('Xeon &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;'));
    assert.ok(!out.includes('<img src=x'));
    assert.ok(!out.includes('<script>alert'));
    assert.ok(out.includes('unavailable: &lt;script&gt;alert(2)&lt;/script&gt;'));
    const json = /<script type="application\/json" id="lab-data">([^<]*)<\/script>/.exec(out)?.[1];
    assert.ok(json, 'the data block ends where it should');
    assert.ok(JSON.parse(json).modes[0].title.endsWith('</script><script>alert(1)</script>'));
  });

  it('shows what the intervals allow, and which interval, as the terminal does', () => {
    assert.ok((report.statements ?? []).length > 0, 'the fixture has statements');
    for (const line of [...(report.statements ?? []), report.intervalMethod ?? '']) assert.ok(html.includes(escapeHtml(line)), `lacks: ${line}`);
    assert.match(html, /<section class="trust" id="trust">/);
  });

  it('escapes helpers', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(jsonForScript({ s: '</script>\u2028' }), '{"s":"\\u003c/script\\u003e\\u2028"}');
  });

  it('renders a report where nothing ran without charts', () => {
    const none: CompareReport = { ...report, modes: report.modes.filter((m) => !m.available) };
    assert.deepEqual(buildChartData(none).charts, []);
    const out = renderCompareHtml(none);
    assert.ok(out.includes('No mode ran'));
    assert.ok(!out.includes('<canvas'));
  });
});

describe('writeCompareReport', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-report-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes compare.json and compare.html into a directory it creates', () => {
    const { report } = compareFixture();
    const target = join(dir, 'nested', 'results');
    const written = writeCompareReport(report, target);
    assert.equal(written.json, join(target, 'compare.json'));
    assert.equal(written.html, join(target, 'compare.html'));
    assert.ok(existsSync(written.html));
    assert.deepEqual(JSON.parse(readFileSync(written.json, 'utf8')), JSON.parse(JSON.stringify(report)));
    assert.match(readFileSync(written.html, 'utf8'), /^<!doctype html>/);
  });
});
