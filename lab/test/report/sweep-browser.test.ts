/**
 * sweep.html and scale.html in a real headless Chromium (Debian's, as browser.test.ts):
 * they open from file:// without a network request or console error, and draw every
 * chart (latency against offered load on a log axis with the objective, achieved
 * against offered, one detail chart per topology; the scaling curve with its fit and
 * the residuals) on a non-blank canvas.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { scaleCharts, sweepCharts } from '../../src/report/sweep-chart-data.js';
import { writeScaleReport, writeSweepReport } from '../../src/report/sweep-write.js';
import { scaleFixture, sweepFixture } from './sweep-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const CANVAS_PIXELS = `(ids) => ids.map((id) => {
  const c = document.getElementById(id);
  if (!(c instanceof HTMLCanvasElement)) return { id, found: false, width: 0, height: 0, painted: 0 };
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let painted = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) painted++;
  return { id, found: true, width: c.width, height: c.height, painted };
})`;
/** The y scale of the p99 chart: its type and the objective dataset's label. */
const P99_AXIS = `() => {
  const chart = Chart.getChart('chart-sweep-p99');
  return { type: chart.scales.y.type, labels: chart.data.datasets.map((d) => d.label) };
}`;

interface Opened {
  charts: number;
  pixels: { id: string; found: boolean; width: number; height: number; painted: number }[];
  external: string[];
  errors: string[];
  text: string;
  p99Axis?: { type: string; labels: string[] };
}

describe('sweep.html and scale.html in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-sweep-browser-'));
  let browser: Browser | undefined;

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (node lab/dist/cli.js setup test)`);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(file: string, ids: string[], withAxis: boolean): Promise<Opened> {
    assert.ok(browser, 'the browser did not start');
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, offline: true });
    const external: string[] = [];
    const errors: string[] = [];
    try {
      await context.route('**/*', async (route) => {
        const url = route.request().url();
        if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
        external.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      await page.waitForFunction('typeof window.__chartsRendered === "number"', undefined, { timeout: 15_000 });
      return {
        charts: (await page.evaluate('window.__chartsRendered')) as number,
        pixels: (await page.evaluate(`(${CANVAS_PIXELS})(${JSON.stringify(ids)})`)) as Opened['pixels'],
        external,
        errors,
        text: (await page.evaluate('document.body.innerText')) as string,
        ...(withAxis ? { p99Axis: (await page.evaluate(`(${P99_AXIS})()`)) as { type: string; labels: string[] } } : {}),
      };
    } finally {
      await context.close();
    }
  }

  function assertDrawn(o: Opened, ids: string[]): void {
    assert.deepEqual(o.external, []);
    assert.deepEqual(o.errors, []);
    assert.equal(o.charts, ids.length);
    for (const c of o.pixels) {
      assert.ok(c.found, `#${c.id} missing`);
      assert.ok(c.width > 100 && c.height > 100, `#${c.id} is ${c.width}×${c.height}`);
      assert.ok(c.painted > 0.01 * c.width * c.height, `#${c.id} painted only ${c.painted} pixels`);
    }
  }

  it('sweep.html: every chart drawn, p99 on a log axis with the objective, the capacity table', async () => {
    const report = sweepFixture();
    const ids = sweepCharts(report).map((c) => c.id);
    assert.equal(ids.length, 2 + 3, 'two overview charts and one per topology that ran');
    const o = await open(writeSweepReport(report, dir).html, ids, true);
    assertDrawn(o, ids);
    assert.equal(o.p99Axis?.type, 'logarithmic');
    assert.ok(o.p99Axis?.labels.includes('objective: p99 < 100 ms'), JSON.stringify(o.p99Axis));
    assert.ok(o.text.includes('Capacity at the objective'));
    const single = report.topologies.find((t) => t.mode === 'single');
    assert.ok(single?.capacityAtObjective, 'the fixture has a capacity');
    assert.ok(o.text.includes(String(single.capacityAtObjective)));
    assert.ok(o.text.includes('unavailable: the app\'s Node lacks listen({ reusePort })'));
  });

  it('scale.html: the scaling curve with its fit and the residuals', async () => {
    const report = scaleFixture();
    const ids = scaleCharts(report).map((c) => c.id);
    assert.deepEqual(ids, ['chart-scale', 'chart-scale-residuals']);
    const o = await open(writeScaleReport(report, dir).html, ids, false);
    assertDrawn(o, ids);
    assert.ok(o.text.includes('σ (contention)'), 'the fit line is shown');
  });
});
