/**
 * The browser tests' horizons check (dashboard.test.ts on 1m, dashboard4h.test.ts on the defaults):
 * days of ticks and a closing fill through the real writers, then the 1W and All views compared
 * with the rollups stored in Firestore, and the page photographed at 1280 px and 390 px.
 */
import { join } from 'node:path';
import type { Firestore } from '@google-cloud/firestore';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { FirestoreCandleStore } from '../../functions/src/adapters/firestore/FirestoreCandleStore.ts';
import { FirestoreOpsStore } from '../../functions/src/adapters/ops/FirestoreOpsStore.ts';
import { PubSubSignalBus } from '../../functions/src/adapters/pubsub/PubSubSignalBus.ts';
import { timeframeMs, type Timeframe } from '../../functions/src/domain/candle.ts';
import { toAmount } from '../../functions/src/domain/money.ts';
import { createSignal } from '../../functions/src/domain/signal.ts';
import { TOPICS } from '../../infra/definitions.ts';
import { pubsubClient } from './harness.ts';
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
  await new FirestoreOpsStore(db).recordCost({
    month: costMonth(start),
    costAmount,
    budgetAmount: 5,
    currencyCode: 'USD',
    costIntervalStart: start,
    receivedAt: marketNow,
  });
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
  await expect
    .poll(drawn, { timeout: 20_000, message: h })
    .toMatchObject({ horizon: h, days: String(days.size), realized: String(realized) });
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

export async function horizonScreenshots(
  browser: Browser,
  page: Page,
  dir: string,
  name: string,
  signIn: (p: Page) => Promise<void>,
): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.locator('.panel-horizons').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(dir, `${name}-1280.png`), fullPage: true });
  await page.locator('.panel-horizons').screenshot({ path: join(dir, `${name}-panel-1280.png`) });
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 })).newPage();
  await signIn(phone);
  await phone.click('[data-testid="horizon-tab-All"]');
  await expect.poll(() => phone.getAttribute('[data-testid="horizons"]', 'data-horizon'), { timeout: 20_000 }).toBe('All');
  await expect
    .poll(async () => Number(await phone.getAttribute('[data-testid="horizon-profit"]', 'data-bars')), { timeout: 20_000 })
    .toBeGreaterThan(1);
  expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  await phone.locator('.panel-horizons').screenshot({ path: join(dir, `${name}-panel-390.png`) });
  await phone.screenshot({ path: join(dir, `${name}-390.png`), fullPage: true });
  await phone.context().close();
}

/**
 * After the days of ticks: close the position the run still holds (a regime exit through Pub/Sub and
 * executeOrder, as the tick would send it) unless a stop already closed it, record a month's spend,
 * then check the 1W and All views and the cost against the stored rollups. Returns the two horizons.
 */
export async function closeAndCheckHorizons(
  page: Page,
  db: Firestore,
  o: { now: number; timeframe: Timeframe; strategyVersion: string; atr: (close: number) => string; spend: number },
): Promise<{ week: { days: number; realized: bigint }; all: { days: number; realized: bigint } }> {
  const held = Object.values(
    ((await db.doc(PATHS.wallet).get()).get('positions') ?? {}) as Record<string, { symbol: string; qty: string }>,
  );
  // The position bought earlier, unless its stop already closed it on the way (then that exit is the closing trade).
  if (held.length > 0) {
    const { symbol, qty } = held[0]!;
    const tfMs = timeframeMs(o.timeframe);
    const t = Math.floor(o.now / tfMs) * tfMs - tfMs;
    const [c] = await new FirestoreCandleStore(db).read(symbol, o.timeframe, t, t + tfMs);
    const pubsub = pubsubClient();
    await new PubSubSignalBus(pubsub, TOPICS.signals).publish(
      createSignal(
        {
          strategyVersion: o.strategyVersion,
          symbol,
          timeframe: o.timeframe,
          candleTime: t,
          side: 'sell',
          reason: 'regime_exit',
          refPrice: toAmount(c!.c),
          atr: toAmount(o.atr(c!.c)),
          qty: toAmount(qty),
        },
        t + tfMs,
      ),
    );
    await pubsub.close();
    await expect
      .poll(async () => (await storedRollups(db)).some((r) => r.byReason.regime_exit !== undefined), { timeout: 30_000 })
      .toBe(true);
  }
  expect(
    (await storedRollups(db)).some((r) => Object.keys(r.byReason).length > 0),
    'a closing trade',
  ).toBe(true);
  await recordSpend(db, o.now, o.spend);

  const week = await checkHorizon(page, db, '1W');
  expect(week.days).toBe(7);
  const all = await checkHorizon(page, db, 'All');
  expect(all.days).toBeGreaterThanOrEqual(9);
  await expect.poll(() => page.textContent('[data-testid="month-cost"]'), { timeout: 10_000 }).toBe(`${o.spend.toFixed(2)} USD of 5.00`);
  expect(await checkTradeProfit(page, db)).toBeGreaterThanOrEqual(1);
  return { week, all };
}
