/**
 * sweep.html and scale.html in a real headless Chromium (Debian's, as browser.test.ts):
 * they open from file:// without a network request or console error, and draw every
 * chart (latency against offered load on a log axis with the objective, achieved
 * against offered, one detail chart per topology; the scaling curve with its fit and
 * the residuals) on a non-blank canvas.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { scaleCharts, sweepCharts } from '../../src/report/sweep-chart-data.js';
import { writeScaleReport, writeSweepReport } from '../../src/report/sweep-write.js';
import { CANVAS_PIXELS, launchChromium, openReport, type CanvasPixels } from './chromium.js';
import { scaleFixture, sweepFixture } from './sweep-fixture.js';

/** The y scale of the p99 chart: its type and the objective dataset's label. */
const P99_AXIS = `() => {
  const chart = Chart.getChart('chart-sweep-p99');
  return { type: chart.scales.y.type, labels: chart.data.datasets.map((d) => d.label) };
}`;

interface Opened {
  charts: number;
  pixels: CanvasPixels[];
  external: string[];
  errors: string[];
  text: string;
  p99Axis?: { type: string; labels: string[] };
}

describe('sweep.html and scale.html in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-sweep-browser-'));
  let browser: Browser | undefined;

  before(async () => {
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(file: string, ids: string[], withAxis: boolean): Promise<Opened> {
    assert.ok(browser, 'the browser did not start');
    const { external, errors, result } = await openReport(browser, file, async (page) => ({
      charts: (await page.evaluate('window.__chartsRendered')) as number,
      pixels: (await page.evaluate(`(${CANVAS_PIXELS})(${JSON.stringify(ids)})`)) as CanvasPixels[],
      text: (await page.evaluate('document.body.innerText')) as string,
      ...(withAxis ? { p99Axis: (await page.evaluate(`(${P99_AXIS})()`)) as { type: string; labels: string[] } } : {}),
    }));
    return { ...result, external, errors };
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
    assert.ok(single?.capacity?.low && single.capacity.high, 'the fixture has a capacity interval');
    assert.ok(o.text.includes(`${single.capacity.low}–${single.capacity.high}`), 'the capacity interval is shown');
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
