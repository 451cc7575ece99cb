/**
 * Debian's headless Chromium for the report tests: launched once per file, and a
 * page opened offline from file:// that records every console error and every
 * request leaving the file (there must be none), then waits for the report's own
 * "charts rendered" flag.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Counts the non-blank pixels of each canvas: a drawn chart paints many. */
export const CANVAS_PIXELS = `(ids) => ids.map((id) => {
  const c = document.getElementById(id);
  if (!(c instanceof HTMLCanvasElement)) return { id, found: false, width: 0, height: 0, painted: 0 };
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let painted = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) painted++;
  return { id, found: true, width: c.width, height: c.height, painted };
})`;

export interface CanvasPixels {
  id: string;
  found: boolean;
  width: number;
  height: number;
  painted: number;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (node lab/dist/cli.js setup test)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Opens `file` offline, waits until window.__chartsRendered is a number, and hands
 * the page to `inspect`; external requests and console errors are returned beside
 * what `inspect` returned. The context is closed afterwards, also on failure.
 */
export async function openReport<T>(browser: Browser, file: string, inspect: (page: Page) => Promise<T>): Promise<{ external: string[]; errors: string[]; result: T }> {
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
    return { external, errors, result: await inspect(page) };
  } finally {
    await context.close();
  }
}
