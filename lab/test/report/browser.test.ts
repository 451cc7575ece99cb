/**
 * The HTML report in a real headless Chromium (Debian's): it opens from a
 * file:// URL without a single network request or console error, draws every
 * chart, and shows the table. Leaves results/report-screenshot.png behind.
 */

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildChartData } from '../../src/report/chart-data.js';
import { fmtInterval, fmtRps } from '../../src/report/format.js';
import { writeCompareReport } from '../../src/report/write.js';
import { CANVAS_PIXELS, launchChromium, type CanvasPixels } from './chromium.js';
import { compareFixture, REUSEPORT_REASON } from './fixture.js';

/** lab/dist-test/test/report/ → the repository root. */
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SCREENSHOT = join(REPO_ROOT, 'results', 'report-screenshot.png');

// Browser-side code as strings: the lab compiles without the DOM library.
const TABLE_ROWS = `() => Array.from(document.querySelectorAll('#compare-table tbody tr'))
  .map((tr) => ({ mode: tr.dataset.mode, text: tr.innerText }))`;


describe('compare.html in headless Chromium', () => {
  const { report } = compareFixture();
  const expectedCharts = buildChartData(report).charts;
  const dir = mkdtempSync(join(tmpdir(), 'lab-report-browser-'));
  const external: string[] = [];
  const consoleErrors: string[] = [];
  let browser: Browser | undefined;
  let page: Page | undefined;

  before(async () => {
    const { html } = writeCompareReport(report, dir);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, offline: true });
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      external.push(url);
      return route.abort();
    });
    page = await context.newPage();
    page.on('request', (r) => {
      const url = r.url();
      if (!url.startsWith('file:') && !url.startsWith('data:') && !external.includes(url)) external.push(url);
    });
    page.on('websocket', (ws) => external.push(ws.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
    await page.waitForFunction('typeof window.__chartsRendered === "number"', undefined, { timeout: 15_000 });
  });

  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function thePage(): Page {
    assert.ok(page, 'the page did not open');
    return page;
  }

  it('makes no network request and logs no error', () => {
    assert.deepEqual(external, []);
    assert.deepEqual(consoleErrors, []);
  });

  it('draws every chart on a non-blank canvas', async () => {
    const p = thePage();
    assert.equal(await p.evaluate('window.__chartsRendered'), expectedCharts.length);
    assert.equal(expectedCharts.length, 10);
    const pixels = (await p.evaluate(`(${CANVAS_PIXELS})(${JSON.stringify(expectedCharts)})`)) as CanvasPixels[];
    for (const c of pixels) {
      assert.ok(c.found, `#${c.id} missing`);
      assert.ok(c.width > 100 && c.height > 100, `#${c.id} is ${c.width}×${c.height}`);
      assert.ok(c.painted > 0.01 * c.width * c.height, `#${c.id} painted only ${c.painted} pixels`);
    }
  });

  it('shows the table: a row per mode, the unavailable one with its reason', async () => {
    const rows = (await thePage().evaluate(`(${TABLE_ROWS})()`)) as { mode: string; text: string }[];
    assert.deepEqual(rows.map((r) => r.mode), report.modes.map((m) => m.mode));
    for (const m of report.modes) {
      const row = rows.find((r) => r.mode === m.mode);
      assert.ok(row);
      if (m.available) {
        assert.ok(row.text.includes(fmtInterval(m.intervals?.rps, fmtRps)), `${m.mode}: ${row.text}`);
        assert.match(row.text, new RegExp(`×( \\(\\d\\.\\d\\d–\\d\\.\\d\\d\\))? of ${m.coresUsable} core`), `${m.mode}: ${row.text}`);
      } else {
        assert.ok(row.text.includes(`unavailable: ${REUSEPORT_REASON}`), row.text);
      }
    }
  });

  it('shows the warnings and the explanations as text', async () => {
    const text = (await thePage().evaluate('document.body.innerText')) as string;
    for (const w of report.warnings) assert.ok(text.includes(w), w);
    for (const m of report.modes.filter((x) => x.explanation)) assert.ok(text.includes(m.explanation ?? ''), m.mode);
    assert.ok(text.includes(report.machine.cpuModel));
  });

  it('saves a screenshot to results/report-screenshot.png', async () => {
    mkdirSync(join(REPO_ROOT, 'results'), { recursive: true });
    await thePage().screenshot({ path: SCREENSHOT, fullPage: true });
    assert.ok(existsSync(SCREENSHOT));
  });
});
