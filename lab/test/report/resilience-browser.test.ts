/**
 * resilience.html in a real headless Chromium (Debian's, as the other report tests):
 * it opens from file:// without a network request or console error, shows every
 * round in its table (escaped), and draws both charts on a non-blank canvas.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { resilienceCharts } from '../../src/report/resilience-html.js';
import { writeResilienceReport } from '../../src/report/resilience-write.js';
import { resilienceFixture } from '../resilience/fixture.js';
import { CANVAS_PIXELS, launchChromium, openReport, type CanvasPixels } from './chromium.js';

describe('resilience.html in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-resilience-browser-'));
  let browser: Browser | undefined;

  before(async () => {
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every round in the table, both charts drawn, no request and no console error', async () => {
    assert.ok(browser, 'the browser did not start');
    const report = resilienceFixture();
    const ids = resilienceCharts(report).map((c) => c.id);
    assert.deepEqual(ids, ['chart-resilience-failed', 'chart-resilience-recovery']);
    const { external, errors, result } = await openReport(browser, writeResilienceReport(report, dir).html, async (page) => ({
      charts: (await page.evaluate('window.__chartsRendered')) as number,
      pixels: (await page.evaluate(`(${CANVAS_PIXELS})(${JSON.stringify(ids)})`)) as CanvasPixels[],
      rows: (await page.evaluate('document.querySelectorAll("#resilience-table tbody tr").length')) as number,
      text: (await page.evaluate('document.body.innerText')) as string,
    }));
    assert.deepEqual(external, []);
    assert.deepEqual(errors, []);
    assert.equal(result.charts, 2);
    for (const c of result.pixels) {
      assert.ok(c.found, `#${c.id} missing`);
      assert.ok(c.width > 100 && c.height > 100, `#${c.id} is ${c.width}×${c.height}`);
      assert.ok(c.painted > 0.01 * c.width * c.height, `#${c.id} painted only ${c.painted} pixels`);
    }
    assert.equal(result.rows, 3 + 3 + 1, 'three rounds per topology that ran, one row for the unavailable one');
    assert.ok(result.text.includes('199 reset, 848 refused'));
    assert.ok(result.text.includes('a note with <markup> & "quotes"'), 'notes are escaped, not interpreted');
    assert.ok(result.text.includes("unavailable"));
  });
});
