/**
 * The dashboard on the product's defaults (what `npm start` trades: 4h candles of BTC, ETH, BNB and
 * XRP), in Debian's Chromium against the real emulators with production's rules and the Auth
 * emulator: the chart reads the 4h candle buckets by the functions' bucket rule (two of them on
 * 2023-03-31, a week into the bucket that starts 2023-03-24), draws ≥ 200 candles with the EMA50/EMA200
 * and regime bands the tick stored beside them, a trade marker, and every panel values the open position at the tick's mark.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { launchChromium, loadRules, OPEN_RULES, RULES, serveDashboard } from './browser.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FirestoreCandleStore } from '../../functions/src/adapters/firestore/FirestoreCandleStore.ts';
import { PubSubSignalBus } from '../../functions/src/adapters/pubsub/PubSubSignalBus.ts';
import { BUNDLED_SPAN } from '../../functions/src/adapters/replay/bundledSpan.ts';
import { parseEnv } from '../../functions/src/config/load.ts';
import { timeframeMs } from '../../functions/src/domain/candle.ts';
import { toAmount } from '../../functions/src/domain/money.ts';
import { createSignal } from '../../functions/src/domain/signal.ts';
import { makeExecuteOrderHandler } from '../../functions/src/handlers/executeOrder.ts';
import { makeTickHandler } from '../../functions/src/handlers/tick.ts';
import { bucketId, bucketStart, candleBucketPath, candleBucketToDoc } from '../../functions/src/shared/store/index.ts';
import { PATHS } from '../../functions/src/shared/store/index.ts';
import { authPort, startAuthEmulator, type RunningAuthEmulator } from '../../emulators/auth.ts';
import { TOPICS } from '../../infra/definitions.ts';
import { localPorts } from '../../infra/ports.ts';
import { seedDashboardUsers, type SeededUser } from '../../scripts/local/dashboardUsers.ts';
import { closeAndCheckHorizons, horizonScreenshots } from './horizonsCheck.ts';
import { emulatorEnv, pubsubClient, resetFirestore, serveCloudEvent, serveHttp, testRuntime } from './harness.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ARTIFACTS = join(ROOT, 'test/artifacts');
/** The defaults `npm start` runs with: no config/bot, no TIMEFRAME or SYMBOLS in the environment. */
const DEFAULTS = parseEnv({});
const TF = DEFAULTS.TIMEFRAME;
const TF_MS = timeframeMs(TF);
const MIN = 60_000;
const DAY = 86_400_000;
/** A week into the 4h bucket that starts 2023-03-24: the page needs that bucket and the one before. */
const T0 = Date.parse('2023-03-31T12:00:30Z');

describe(`dashboard on the defaults (${TF}, ${DEFAULTS.SYMBOLS.join(' ')}), signed in, rules enforced`, () => {
  const e = emulatorEnv();
  const runtime = testRuntime({ TIMEFRAME: TF, SYMBOLS: DEFAULTS.SYMBOLS.join(',') });
  const db = runtime.db;
  const ports = localPorts(e.portOffset);
  const origin = `http://127.0.0.1:${ports.hosting}`;
  let auth: RunningAuthEmulator;
  let users: SeededUser[];
  let vite: ViteDevServer;
  let browser: Browser;
  let page: Page;
  let tick: Awaited<ReturnType<typeof serveHttp>>;
  let exec: Awaited<ReturnType<typeof serveCloudEvent>>;

  const runTick = async (asOf: number) => {
    const res = await fetch(tick.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ asOf: new Date(asOf).toISOString() }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
  };
  const signIn = async (p: Page, email: string, password: string) => {
    await p.goto(`${origin}/`);
    await p.fill('[data-testid="signin-email"]', email);
    await p.fill('[data-testid="signin-password"]', password);
    await p.click('[data-testid="signin-submit"]');
    await p.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  };
  const readsBy = (p: Page) => p.evaluate('({ ...window.__eagleReadsBy })') as Promise<Record<string, number>>;
  // One read of everything drawn, so a redraw cannot fall between two of them.
  const drawn = (p: Page) =>
    p.evaluate(`({ ...document.querySelector('[data-testid="price-chart"]').dataset })`) as Promise<Record<string, string>>;
  const chartAttr = async (p: Page, name: string) => Number(await p.getAttribute('[data-testid="price-chart"]', `data-${name}`));
  const select = async (p: Page, id: string) => {
    await p.click(`[data-testid="chart-tab-${id}"]`);
    await expect.poll(() => p.getAttribute('[data-testid="price-chart"]', 'data-series'), { timeout: 20_000 }).toBe(`${id} ${TF}`);
  };

  beforeAll(async () => {
    // No config/bot: the schema's defaults, as a fresh `npm start`.
    await resetFirestore({ empty: true });
    await loadRules(e.firestoreHost, e.projectId, RULES);
    auth = await startAuthEmulator({
      projectId: e.projectId,
      port: authPort(e.portOffset),
      logDir: join(tmpdir(), `eagle-auth-dash4h-${e.portOffset}`),
    });
    process.env.FIREBASE_AUTH_EMULATOR_HOST = auth.host;
    users = await seedDashboardUsers(e.projectId, { FIRESTORE_EMULATOR_HOST: e.firestoreHost, FIREBASE_AUTH_EMULATOR_HOST: auth.host });
    tick = await serveHttp('tick', makeTickHandler(runtime.tickDeps));
    exec = await serveCloudEvent('executeOrder', makeExecuteOrderHandler(runtime.executeDeps));
    await runTick(T0);

    Object.assign(process.env, {
      VITE_FIRESTORE_EMULATOR_HOST: e.firestoreHost,
      VITE_FIREBASE_PROJECT_ID: e.projectId,
      VITE_AUTH_EMULATOR_HOST: auth.host,
      VITE_ADMIN_URL: '',
      // The scheduler fires the tick every minute whatever the decision timeframe (the stops run every tick).
      VITE_TICK_INTERVAL: DEFAULTS.TICK_INTERVAL,
      VITE_REPLAY_SPEED: '60',
      // as npm start sets it for a replay
      VITE_REPLAY_END: new Date(BUNDLED_SPAN.untilMs).toISOString(),
    });
    vite = await serveDashboard(ports.hosting);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await signIn(page, users[0]!.email, users[0]!.password);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await vite?.close();
    await tick?.close();
    await exec?.close();
    await auth?.stop();
    await loadRules(e.firestoreHost, e.projectId, OPEN_RULES).catch(() => {});
    await db.terminate();
  });

  it('charts ≥ 200 4h candles from two buckets, with the EMA50/EMA200 and regime the tick stored beside them, for every market', async () => {
    // the tick stored the backfill across the bucket boundary: the page must read both
    const current = bucketStart(T0, TF);
    expect(bucketId(current)).toBe('20230324');
    expect(bucketId(bucketStart(current - 1, TF))).toBe('20220727');
    const status = await db.doc(PATHS.status).get();
    for (const symbol of DEFAULTS.SYMBOLS) {
      const id = symbol.replace('/', '-');
      await page.click(`[data-testid="chart-tab-${id}"]`);
      await expect.poll(() => drawn(page), { timeout: 20_000, message: symbol }).toMatchObject({ series: `${id} ${TF}` });
      const d = await drawn(page);
      expect(Number(d.candles), symbol).toBeGreaterThanOrEqual(200);
      console.log(
        `dashboard 4h chart ${symbol}: ${d.candles} candles drawn, ${d.ema200} with the bot's EMA200, ${d.regimeKnown} with its regime`,
      );
      expect(await page.textContent('[data-testid="chart-state"]')).toBe('');
      // Every line point is a reading the tick stored (the first tick walked its whole window), none computed here.
      const stored = await new FirestoreCandleStore(db).readings(
        symbol,
        TF,
        Number(d.lastTime) - (Number(d.candles) - 1) * TF_MS,
        Number(d.lastTime) + 1,
      );
      expect(d, symbol).toMatchObject({
        ema50: String(stored.filter((r) => r.ema50 !== null).length),
        ema200: String(stored.filter((r) => r.ema200 !== null).length),
        regimeKnown: String(stored.filter((r) => r.regime !== 'unknown').length),
      });
      expect(Number(d.ema200), symbol).toBeGreaterThanOrEqual(200);
      // The newest candle's reading is the one the tick decided with (its market view).
      const market = status.get(`markets.${id}`) as { lastCandleAt: number; ema50: number; ema200: number; regime: string };
      expect([d.lastTime, d.lastEma50, d.lastEma200, d.lastRegime], symbol).toEqual([
        String(market.lastCandleAt),
        String(market.ema50),
        String(market.ema200),
        market.regime,
      ]);
      expect(Number(await page.getAttribute('[data-testid="regime-timeline"]', 'data-segments'))).toBeGreaterThanOrEqual(1);
    }
    // Reads: the current bucket (listened) and the previous one (read once, kept) per market shown, no more.
    // The page opened on the first market in order (BNB) and the loop shows it again: with the SDK's memory
    // cache, listening again to the bucket it released a moment ago reads it again or not, as the SDK's
    // timing falls (seen both): at most one read more.
    await page.waitForTimeout(1000);
    const candles = (await readsBy(page)).candles!;
    expect(candles).toBeGreaterThanOrEqual(2 * DEFAULTS.SYMBOLS.length);
    expect(candles).toBeLessThanOrEqual(2 * DEFAULTS.SYMBOLS.length + 1);
    console.log(`dashboard 4h, first paint and 4 market tabs: document reads ${JSON.stringify(await readsBy(page))}`);
  });

  it('draws the stored readings, not a computation of its own: a reading changed in the store is what the chart shows', async () => {
    await select(page, 'BTC-USDT');
    const d = await drawn(page);
    const t = Number(d.lastTime);
    const path = candleBucketPath('BTC/USDT', TF, bucketStart(t, TF));
    const [stored] = await new FirestoreCandleStore(db).readings('BTC/USDT', TF, t, t + 1);
    const planted = { t, ema50: 12_345.5, ema200: 23_456.25, regime: 'high_volatility' as const };
    await db.doc(path).set(candleBucketToDoc('BTC/USDT', TF, bucketStart(t, TF), [], [planted]), { merge: true });
    await expect
      .poll(
        async () => {
          const x = await drawn(page);
          return [x.lastEma50, x.lastEma200, x.lastRegime];
        },
        { timeout: 10_000 },
      )
      .toEqual(['12345.5', '23456.25', 'high_volatility']);
    expect((await drawn(page)).candles).toBe(d.candles);
    await db.doc(path).set(candleBucketToDoc('BTC/USDT', TF, bucketStart(t, TF), [], [stored!]), { merge: true });
    await expect.poll(async () => (await drawn(page)).lastEma50, { timeout: 10_000 }).toBe(d.lastEma50);
  });

  it("a fill shows its marker; positions, performance and wallet value every position at the tick's mark", async () => {
    // The strategy may already hold some markets after the first tick: buy one it does not (with 1m guard data).
    const held = new Set((await db.collection(PATHS.positions).get()).docs.map((d) => d.id));
    const symbol = ['BTC/USDT', 'ETH/USDT', 'XRP/USDT'].find((s) => DEFAULTS.SYMBOLS.includes(s) && !held.has(s.replace('/', '-')))!;
    const id = symbol.replace('/', '-');
    await select(page, id);
    const markersBefore = await chartAttr(page, 'markers');
    const t = Math.floor(T0 / TF_MS) * TF_MS - TF_MS;
    const [c] = await new FirestoreCandleStore(db).read(symbol, TF, t, t + TF_MS);
    const pubsub = pubsubClient();
    await new PubSubSignalBus(pubsub, TOPICS.signals).publish(
      createSignal(
        {
          strategyVersion: 'dashboard-4h-test@1',
          symbol,
          timeframe: TF,
          candleTime: t,
          side: 'buy',
          reason: 'regime_entry',
          refPrice: toAmount(c!.c),
          atr: toAmount(String(c!.c * 0.01)),
          qty: toAmount(symbol === 'XRP/USDT' ? '500' : '0.01'),
        },
        t + TF_MS,
      ),
    );
    await pubsub.close();
    const rows = page.locator('[data-testid="positions-table"] tr[data-id]');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(held.size + 1);
    await expect.poll(() => chartAttr(page, 'markers'), { timeout: 10_000 }).toBe(markersBefore + 1);
    const fillPrice = (await db.doc(`${PATHS.positions}/${id}`).get()).get('lastPrice') as string;

    // Minutes later the tick marks every position on its 1m guard candles.
    await runTick(T0 + 20 * MIN);
    const status = await db.doc(PATHS.status).get();
    const ids = (await db.collection(PATHS.positions).get()).docs.map((d) => d.id);
    expect(ids).toContain(id);
    const marks = Object.fromEntries(ids.map((p) => [p, status.get(`engine.${p}.guard.lastPrice`) as string]));
    expect(marks[id], 'the test needs the market to have moved since the fill').not.toBe(fillPrice);
    for (const p of ids) {
      expect(marks[p], p).toMatch(/^\d+\.\d{8}$/);
      const last = page.locator(`[data-testid="positions-table"] tr[data-id="${p}"] td`).nth(3);
      await expect.poll(() => last.getAttribute('title'), { timeout: 20_000, message: p }).toBe(`${marks[p]} (the last tick's mark)`);
    }
    // The positions table's unrealized PnL is the performance panel's, to the unit.
    const units = await Promise.all(
      ids.map(async (p) => BigInt((await page.getAttribute(`[data-testid="position-unrealized-${p}"]`, 'data-units'))!)),
    );
    const total = units.reduce((a, b) => a + b, 0n);
    await expect.poll(() => page.getAttribute('[data-testid="perf-unrealized"]', 'data-units'), { timeout: 10_000 }).toBe(String(total));
    if (ids.length === 1)
      expect(await page.textContent('[data-testid="perf-unrealized"]')).toBe(
        await page.textContent(`[data-testid="position-unrealized-${id}"]`),
      );
    // The wallet shows the tick's equity, which counts each position at that same mark.
    await expect
      .poll(() => page.getAttribute('[data-testid="wallet-equity"]', 'title'), { timeout: 10_000 })
      .toBe(status.get('account.equity') as string);
  });

  it('saves 1280 px and 390 px screenshots of the 4h page', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await runTick(T0 + 21 * MIN);
    await select(page, 'BTC-USDT');
    await expect.poll(() => page.getAttribute('[data-testid="connection-status"]', 'data-state'), { timeout: 20_000 }).toBe('live');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-4h-1280.png'), fullPage: true });
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 })).newPage();
    await signIn(phone, users[0]!.email, users[0]!.password);
    await select(phone, 'BTC-USDT');
    expect(await chartAttr(phone, 'candles')).toBeGreaterThanOrEqual(200);
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await runTick(T0 + 22 * MIN);
    await expect.poll(() => phone.getAttribute('body', 'data-stale'), { timeout: 10_000 }).toBe('false');
    await phone.screenshot({ path: join(ARTIFACTS, 'dashboard-4h-390.png'), fullPage: true });
    const height = Number(await phone.evaluate('document.documentElement.scrollHeight'));
    for (let y = 0, i = 1; y < height; y += 844, i++) {
      await phone.screenshot({
        path: join(ARTIFACTS, `dashboard-4h-390-part${i}.png`),
        fullPage: true,
        clip: { x: 0, y, width: 390, height: Math.min(844, height - y) },
      });
    }
    await phone.context().close();
  });

  it('an open tab costs one candle read per new 4h candle: ticks every market minute across a candle close', async () => {
    const close = Math.ceil(T0 / TF_MS) * TF_MS;
    await runTick(close - 6 * MIN);
    await expect.poll(() => page.getAttribute('[data-testid="connection-status"]', 'data-state'), { timeout: 20_000 }).toBe('live');
    const lastClose = await chartAttr(page, 'last-close');
    const before = await readsBy(page);
    const ticks = 12;
    for (let i = 1; i <= ticks; i++) {
      await runTick(close - 6 * MIN + i * MIN);
      // the page has this tick's status (its wall time is what the header ages)
      const at = String((await db.doc(PATHS.status).get()).get('lastTickAt'));
      await expect.poll(() => page.getAttribute('[data-testid="last-tick-age"]', 'data-age-of'), { timeout: 10_000 }).toBe(at);
    }
    await expect.poll(() => chartAttr(page, 'last-close'), { timeout: 10_000 }).not.toBe(lastClose);
    const after = await readsBy(page);
    const spent = Object.fromEntries(
      Object.keys(after)
        .map((k) => [k, after[k]! - (before[k] ?? 0)])
        .filter(([, n]) => n !== 0),
    );
    console.log(
      `dashboard 4h, ${ticks} ticks (1 market minute apart, one 4h candle closing): document reads by listener ${JSON.stringify(spent)}`,
    );
    expect(spent.candles).toBe(1);
  });

  it('1W and All views render with data: days of ticks and a closing fill, read from the daily rollups', async () => {
    // A week of market days, one tick each (the scheduler fires every minute; a tick a day is enough to close each day).
    for (let d = 1; d <= 8; d++) await runTick(T0 + d * DAY);
    const now = T0 + 8 * DAY;
    // A closing sell on the last day (a position the strategy or the test opened): a win or a loss, by reason.
    const { week, all } = await closeAndCheckHorizons(page, db, {
      now,
      timeframe: TF,
      strategyVersion: 'dashboard-4h-test@1',
      atr: (close) => String(close * 0.01),
      spend: 0.42,
    });
    console.log(
      `dashboard 4h horizons: 1W ${week.days} days, realized ${week.realized}; All ${all.days} days, realized ${all.realized} (1e-8 units)`,
    );
    await horizonScreenshots(browser, page, ARTIFACTS, 'dashboard-4h-horizons', (p) => signIn(p, users[0]!.email, users[0]!.password));
  });

  it('when the replay reaches the end of the bundled data, the page says so instead of going stale', async () => {
    await runTick(BUNDLED_SPAN.untilMs);
    await expect.poll(() => page.getAttribute('body', 'data-replay-ended'), { timeout: 20_000 }).toBe('true');
    expect(await page.textContent('[data-testid="stale-warning"]')).toMatch(/^Replay data ended at 2023-06-18 07:00:00 UTC: /);
    expect(await page.getAttribute('body', 'data-stale')).toBe('false');
    // The market clock stops at the end of the data.
    await expect
      .poll(() => page.textContent('[data-testid="market-time"]'), { timeout: 10_000 })
      .toMatch(/^2023-06-18 07:00:00 \(replay\)$/);
  });
});
