/**
 * report.html in Debian's Chromium, opened from disk as a user would, at a desktop (1280 px) and a
 * phone (390 px) width: no script error, no sideways scrolling of the page, the equity chart on a log
 * scale with its drawdown pane on the same time axis, showing the whole run. The screenshots are kept
 * (path printed) for a person to look at.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../scripts/backtest.ts';
import { launchChromium } from './browser.ts';

const quiet = { out: () => {}, err: (l: string) => console.error(l) };
let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bt-report-'));
  const code = await main(
    [
      '--symbols',
      'BTC/USDT,ETH/USDT',
      '--timeframe',
      '15m',
      '--from',
      '2023-03-27',
      '--to',
      '2023-04-10',
      '--monte-carlo',
      '100',
      '--guard',
      'none',
      '--out',
      dir,
      '--no-progress',
    ],
    quiet,
  );
  expect(code).toBe(0);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('report.html in Chromium', () => {
  for (const width of [1280, 390]) {
    it(`reads at ${width} px: charts drawn over the whole run, nothing wider than the screen`, async () => {
      const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${join(dir, 'report.html')}`);
      await page.waitForSelector('body[data-ready="1"]');
      // in the page (a string: this file has no DOM types); `eq` is the page script's own chart
      const seen = (await page.evaluate(`({
        scrollWidth: document.documentElement.scrollWidth,
        canvases: document.querySelectorAll('#equity canvas').length,
        panes: eq.panes().length,
        logScale: eq.priceScale('right', 0).options().mode,
        range: eq.timeScale().getVisibleRange(),
        symbols: document.querySelectorAll('#symbols .chart canvas').length,
        tables: [...document.querySelectorAll('#tables h2')].map((h) => h.textContent),
      })`)) as {
        scrollWidth: number;
        canvases: number;
        panes: number;
        logScale: number;
        range: { from: number; to: number } | null;
        symbols: number;
        tables: string[];
      };
      expect(errors).toEqual([]);
      expect(seen.scrollWidth).toBeLessThanOrEqual(width);
      expect(seen.canvases).toBeGreaterThan(0);
      expect(seen.symbols).toBeGreaterThan(0);
      expect(seen.panes).toBe(2);
      expect(seen.logScale).toBe(1); // PriceScaleMode.Logarithmic
      expect(seen.range!.from).toBeLessThanOrEqual(Date.parse(summary.from) / 1000);
      expect(seen.range!.to).toBeGreaterThanOrEqual(Date.parse(summary.to) / 1000);
      expect(seen.tables).toEqual(
        expect.arrayContaining([
          'Strategy against buy-and-hold',
          'By exit reason',
          'By symbol',
          'By regime at entry',
          'Monthly returns',
          expect.stringMatching(/^Monte Carlo/),
          expect.stringMatching(/^Trades \(\d+ round trips\)/),
        ]),
      );
      const shots = join(tmpdir(), 'eagle-report-shots');
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, `report-${width}.png`), fullPage: false });
      console.log(`report screenshot: ${join(shots, `report-${width}.png`)}`);
      await page.close();
    });
  }
});
