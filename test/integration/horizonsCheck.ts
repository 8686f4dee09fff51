/**
 * The browser tests' horizons check (dashboard.test.ts on 1m, dashboard4h.test.ts on the defaults):
 * days of ticks and a closing fill through the real writers, then the 1W and All views compared
 * with the rollups stored in Firestore, and the page photographed at 1280 px and 390 px.
 */
import { join } from 'node:path';
import type { Firestore } from '@google-cloud/firestore';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { FirestoreOpsStore } from '../../functions/src/adapters/ops/FirestoreOpsStore.ts';
import { inHorizon, roundTrips, type Horizon } from '../../functions/src/domain/performance/index.ts';
import { utcDay } from '../../functions/src/domain/wallet.ts';
import { PATHS, TradeDoc, costMonth, parseDoc, rollupFromDoc } from '../../functions/src/shared/store/index.ts';
import { fmtPct } from '../../web/src/format.ts';

export async function storedRollups(db: Firestore) {
  return (await db.collection(PATHS.rollups).get()).docs.map((d) => rollupFromDoc(d.ref.path, d.data()));
}

/** The spend a budget notice would record (the budget guard's own adapter). */
export async function recordSpend(db: Firestore, marketNow: number, costAmount: number): Promise<void> {
  const start = Date.parse(`${new Date(marketNow).toISOString().slice(0, 7)}-01T07:00:00Z`);
  await new FirestoreOpsStore(db).recordCost({ month: costMonth(start), costAmount, budgetAmount: 5, currencyCode: 'USD', costIntervalStart: start, receivedAt: marketNow });
}

/** Clicks a horizon and checks the panel against the stored rollups (today is always shown, closed at the live marks). */
export async function checkHorizon(page: Page, db: Firestore, h: Horizon): Promise<{ days: number; realized: bigint }> {
  await page.click(`[data-testid="horizon-tab-${h}"]`);
  const marketTime = (await db.doc(PATHS.status).get()).get('marketTime') as number;
  const today = utcDay(marketTime);
  const stored = (await storedRollups(db)).filter((r) => inHorizon(h, marketTime, r.day));
  const days = new Set([...stored.map((r) => r.day), today]);
  const realized = stored.reduce((s, r) => s + r.realizedPnl, 0n);
  const panel = '[data-testid="horizons"]';
  const drawn = () => page.evaluate(`({ ...document.querySelector('${panel}').dataset })`) as Promise<Record<string, string>>;
  await expect.poll(drawn, { timeout: 20_000, message: h }).toMatchObject({ horizon: h, days: String(days.size), realized: String(realized) });
  expect(await page.getAttribute('[data-testid="horizon-realized"]', 'data-units')).toBe(String(realized));
  // one bar a day; one equity point per closed day, and today's live mark
  expect(Number(await page.getAttribute('[data-testid="horizon-profit"]', 'data-bars'))).toBe(days.size);
  const closed = stored.filter((r) => r.equityClose !== null && r.day !== today).length;
  expect(Number(await page.getAttribute('[data-testid="horizon-equity"]', 'data-points'))).toBe(closed + 1);
  const reasons = new Map<string, number>();
  for (const r of stored) for (const [k, v] of Object.entries(r.byReason)) reasons.set(k, (reasons.get(k) ?? 0) + v.wins + v.losses);
  for (const [k, n] of reasons) {
    const cells = page.locator(`[data-testid="horizon-reasons-list"] tr[data-reason="${k}"] td`);
    const [w, l] = [Number(await cells.nth(1).textContent()), Number(await cells.nth(2).textContent())];
    expect(w + l, k).toBe(n);
  }
  return { days: days.size, realized };
}

/** Every closing trade on the page shows the profit % of its round trip, as the domain computes it from the ledger. */
export async function checkTradeProfit(page: Page, db: Firestore): Promise<number> {
  const trades = (await db.collection(PATHS.trades).get()).docs.map((d) => parseDoc(TradeDoc, d.ref.path, d.data()));
  const trips = roundTrips(trades);
  let shown = 0;
  for (const [id, trip] of trips) {
    const row = page.locator(`[data-testid="trades-list"] tr[data-id="${id}"]`);
    if ((await row.count()) === 0) continue;
    await expect.poll(() => row.locator('td').nth(7).textContent(), { timeout: 10_000 }).toBe(fmtPct(trip.profitPct * 100, 2));
    shown++;
  }
  return shown;
}

export async function horizonScreenshots(browser: Browser, page: Page, dir: string, name: string, signIn: (p: Page) => Promise<void>): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.locator('.panel-horizons').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(dir, `${name}-1280.png`), fullPage: true });
  await page.locator('.panel-horizons').screenshot({ path: join(dir, `${name}-panel-1280.png`) });
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 })).newPage();
  await signIn(phone);
  await phone.click('[data-testid="horizon-tab-All"]');
  await expect.poll(() => phone.getAttribute('[data-testid="horizons"]', 'data-horizon'), { timeout: 20_000 }).toBe('All');
  await expect.poll(async () => Number(await phone.getAttribute('[data-testid="horizon-profit"]', 'data-bars')), { timeout: 20_000 }).toBeGreaterThan(1);
  expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  await phone.locator('.panel-horizons').screenshot({ path: join(dir, `${name}-panel-390.png`) });
  await phone.screenshot({ path: join(dir, `${name}-390.png`), fullPage: true });
  await phone.context().close();
}
