import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { FirestoreStateStore } from '../../functions/src/adapters/firestore/FirestoreStateStore.ts';
import { INITIAL_REGIME_STATE } from '../../functions/src/domain/regime.types.ts';
import type { MarketState } from '../../functions/src/ports/state.ts';
import { localPorts } from '../../infra/ports.ts';
import { emulatorEnv, resetFirestore, testRuntime } from './harness.ts';

const market = (price: number, regime: MarketState['regime']): MarketState => ({
  symbol: 'BTC/USDT', timeframe: '1m', lastCandleAt: Date.parse('2023-03-21T13:59:00Z'), price, regime,
  regimeState: { ...INITIAL_REGIME_STATE, regime }, indicators: { adx: 31.2, pdi: 28, mdi: 12, atr: 35, atrPct: 0.13, ema50: 27900, ema200: 27650 },
  stale: false, error: null, updatedAt: Date.parse('2023-03-21T14:00:00Z'),
});

/** The dashboard in a real browser against the emulator: data arrives only through Firestore listeners. */
describe('dashboard in Chromium', () => {
  const e = emulatorEnv();
  const runtime = testRuntime();
  const store = new FirestoreStateStore(runtime.db);
  let vite: ViteDevServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await resetFirestore();
    await store.setMode('NORMAL', 'initial mode');
    await store.saveMarket(market(27950.12, 'bull_trend'));
    process.env.VITE_FIRESTORE_EMULATOR_HOST = e.firestoreHost;
    process.env.VITE_FIREBASE_PROJECT_ID = e.projectId;
    const port = localPorts(e.portOffset).hosting;
    vite = await createServer({ root: fileURLToPath(new URL('../../web', import.meta.url)), configFile: fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url)), server: { port, strictPort: true, host: '127.0.0.1' }, logLevel: 'error' });
    await vite.listen();
    browser = await chromium.launch({
      executablePath: execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await vite?.close();
    await runtime.db.terminate();
  });

  it('renders the mode and the market from Firestore', async () => {
    await expect.poll(() => page.textContent('[data-testid="mode-badge"]'), { timeout: 15_000 }).toMatch(/NORMAL/);
    await expect.poll(() => page.textContent('[data-testid="price-BTC-USDT"]'), { timeout: 15_000 }).toMatch(/27,950\.12/);
    expect(await page.textContent('[data-testid="regime-BTC-USDT"]')).toMatch(/bull/i);
  });

  it('updates live when Firestore changes, without a reload', async () => {
    const marker = await page.evaluate(() => ((globalThis as unknown as { __marker: number }).__marker = Math.random()));
    await store.saveMarket(market(28111.5, 'high_volatility'));
    await store.setMode('KILLED', 'test: kill switch');
    await expect.poll(() => page.textContent('[data-testid="price-BTC-USDT"]'), { timeout: 15_000 }).toMatch(/28,111\.5/);
    await expect.poll(() => page.textContent('[data-testid="mode-badge"]'), { timeout: 15_000 }).toMatch(/KILLED/);
    expect(await page.textContent('[data-testid="regime-BTC-USDT"]')).toMatch(/high volatility/i);
    // Same page instance: the change came through the listener, not a navigation.
    expect(await page.evaluate(() => (globalThis as unknown as { __marker: number }).__marker)).toBe(marker);
  });
});
