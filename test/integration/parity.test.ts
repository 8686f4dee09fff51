/**
 * One engine, two drivers: the same real candles through the live path (tick served by
 * functions-framework → Firestore → Pub/Sub push → executeOrder → Firestore, driven by the local
 * scheduler in lock-step) and through backtestLoop must produce the same trades: id, time, side,
 * reason, qty, price, fee — zero differences, printed as a diff when there are any. It runs the
 * product's defaults (no config/bot document, no env overrides): what a fresh deployment trades.
 */
import { describe, expect, it } from 'vitest';
import { loadBundledSeries } from '../../functions/src/adapters/replay/ReplayMarketData.ts';
import { timeframeMs } from '../../functions/src/domain/candle.ts';
import { backtestLoop } from '../../functions/src/domain/engine/index.ts';
import { getStrategy } from '../../functions/src/strategies/registry.ts';
import { resolveRegimeParams } from '../../functions/src/domain/regime/index.ts';
import { toAmount } from '../../functions/src/domain/money.ts';
import { tradeKey, type TradeKey } from '../../functions/src/domain/shadow/compare.ts';
import type { Trade } from '../../functions/src/domain/trading.types.ts';
import { parseBotConfig, parseEnv } from '../../functions/src/config/load.ts';
import { rulesFor } from '../../functions/src/config/botConfig.ts';
import { PATHS, orderPath, parseDoc, TradeDoc } from '../../functions/src/shared/store/index.ts';
import { recordedExchangeRules } from '../../functions/src/adapters/paper/recordedRules.ts';
import { runAudit } from '../../functions/src/services/auditLedger.ts';
import { runLockStep } from '../../scripts/local/scheduler.ts';
import { resetFirestore } from './harness.ts';
import { lockStepLive } from './lockStep.ts';

/** The product's defaults, as a fresh deployment runs them: symbols, timeframe, strategy, risk. */
const ENV = parseEnv({});
const TF = ENV.TIMEFRAME;
const STEP = timeframeMs(TF);
const SYMBOLS = ENV.SYMBOLS;
/** 90 real 4h candles (15 days) holding entries, a stop-loss, trailing stops and regime exits under the defaults. */
const START = Date.parse('2020-06-13T08:00:00Z');
const CANDLES = 90;
const HISTORY = ENV.HISTORY_CANDLES;

/** Both drivers' trades in one order, as the shadow backtest compares them (domain/shadow tradeKey). */
const sort = (ts: readonly Trade[]): TradeKey[] =>
  [...ts].sort((a, b) => a.time - b.time || a.symbol.localeCompare(b.symbol) || a.side.localeCompare(b.side)).map(tradeKey);

function diff(live: TradeKey[], backtest: TradeKey[]): string[] {
  const out: string[] = [];
  const n = Math.max(live.length, backtest.length);
  for (let i = 0; i < n; i++) {
    const a = JSON.stringify(live[i] ?? null);
    const b = JSON.stringify(backtest[i] ?? null);
    if (a !== b) out.push(`#${i}\n  live:     ${a}\n  backtest: ${b}`);
  }
  return out;
}

/** Every protection on (config/bot.protections), set so that they lock in the 1m-guard window below. */
const PROTECTED = {
  protections: {
    cooldown: { minutes: 60 },
    stoplossGuard: { stops: 2, lookbackHours: 24, lockMinutes: 240, scope: 'all' },
    lowProfit: { minTrades: 1, lookbackHours: 48, requiredProfitPct: 0, lockMinutes: 480 },
    maxDrawdown: { minTrades: 2, lookbackHours: 48, maxDrawdownPct: 0.5, lockMinutes: 480 },
  },
};

function backtest(start = START, end = START + (CANDLES - 1) * STEP, guard?: { tickTimes: number[] }, configDoc: object = {}) {
  const cfg = parseBotConfig(configDoc);
  const candles = Object.fromEntries(
    SYMBOLS.map((s) => [s, loadBundledSeries(s, TF).filter((c) => c.t >= start - HISTORY * STEP && c.t < end)]),
  );
  // The 1m candles the live tick fetches for its stops, where the bundle has them (not BNB).
  const minutes = guard
    ? Object.fromEntries(
        SYMBOLS.filter((s) => s !== 'BNB/USDT').map((s) => [
          s,
          loadBundledSeries(s, '1m').filter((c) => c.t >= start - STEP && c.t < end + STEP),
        ]),
      )
    : {};
  return backtestLoop({
    timeframe: TF,
    candles,
    strategy: getStrategy(cfg.strategy.name, cfg.strategy.params),
    risk: cfg.risk,
    regime: resolveRegimeParams(cfg.regime, TF),
    rulesFor: rulesFor(cfg, recordedExchangeRules()),
    feeBps: cfg.paper.feeBps,
    slippageBps: cfg.paper.slippageBps,
    initialCash: toAmount(cfg.paper.initialCash),
    warmupUntil: start - STEP,
    ...(guard && { guard: { timeframe: '1m' as const, candles: minutes }, tickTimes: guard.tickTimes }),
    protections: cfg.protections,
  });
}

describe('parity: live path on the emulators vs backtestLoop, same candles', () => {
  // One market time for the tick and executeOrder (each tick moves it to its asOf).
  // CONFIG_CACHE_MS=0: the second case writes config/bot, and a warm instance would keep the first case's for 5 minutes
  const { runtime, cache, tickUrl } = lockStepLive({
    SYMBOLS: SYMBOLS.join(','),
    TIMEFRAME: TF,
    HISTORY_CANDLES: String(HISTORY),
    CONFIG_CACHE_MS: '0',
  });

  it('produces identical trades (id, time, side, reason, qty, price, fee): 0 differences', async () => {
    // One tick 30 s after each candle closes: the first walks the 600-candle history, like a cold start.
    const times = Array.from({ length: CANDLES }, (_, k) => START + k * STEP + 30_000);
    const db = runtime.db;
    const ticks = await runLockStep({
      url: tickUrl(),
      times,
      settled: async (ids) => ids.length === 0 || (await db.getAll(...ids.map((id) => db.doc(orderPath(id))))).every((s) => s.exists),
    });
    expect(
      ticks.every((t) => t.pending.length === 0),
      'lock-step: no order may still be pending at the next tick',
    ).toBe(true);

    const liveTrades = (await db.collection(PATHS.trades).get()).docs.map((d) => parseDoc(TradeDoc, d.ref.path, d.data()));
    const live = sort(liveTrades);
    const result = backtest();
    const bt = sort(result.trades);
    const reasons = new Set(bt.map((t) => t.reason));
    // The window is worth comparing: it holds entries, both protective exits and a regime exit.
    expect([...reasons].sort()).toEqual(expect.arrayContaining(['regime_entry', 'regime_exit', 'stop_loss', 'trailing_stop']));
    const differences = diff(live, bt);
    if (differences.length) console.error(`parity: ${differences.length} differences\n${differences.join('\n')}`);
    expect(differences).toEqual([]);
    expect(live.length).toBeGreaterThanOrEqual(4);

    // Both drivers also agree on the money: cash, realized PnL and fees to the last unit.
    const book = await (await runtime.executeDeps()).store.getBook(toAmount('10000'), Date.now());
    expect([book.wallet.cash, book.wallet.realizedPnl, book.wallet.feesPaid]).toEqual([
      result.book.wallet.cash,
      result.book.wallet.realizedPnl,
      result.book.wallet.feesPaid,
    ]);
    expect((await runAudit((await runtime.executeDeps()).store, Date.now())).discrepancies).toEqual([]);
  });

  it('with 1m guard candles between 4h closes (ticks every 15 minutes) and every protection on: stops on the minute they crossed, the same locks, 0 differences', async () => {
    await resetFirestore({ empty: true });
    cache.clear();
    // 2023-04-26: BTC and ETH bought on 4h closes, then stopped out on 1m candles at 19:39 and 19:47, between two
    // 4h closes. Unprotected, BTC re-enters on the 20:00 decision; here the stop-outs lock it (cooldown, low profit,
    // stop-loss guard, drawdown) and the live path must lock exactly as the backtester does.
    await runtime.db.doc(PATHS.config).set(PROTECTED);
    const start = Date.parse('2023-04-26T00:00:00Z');
    const end = Date.parse('2023-04-27T04:00:00Z');
    const QUARTER = 15 * 60_000;
    const steps = Array.from({ length: (end - start) / QUARTER + 1 }, (_, k) => start + k * QUARTER);
    const db = runtime.db;
    const ticks = await runLockStep({
      url: tickUrl(),
      times: steps.map((t) => t + 30_000),
      settled: async (ids) => ids.length === 0 || (await db.getAll(...ids.map((id) => db.doc(orderPath(id))))).every((s) => s.exists),
    });
    expect(ticks.every((t) => t.pending.length === 0)).toBe(true);
    const liveTrades = (await db.collection(PATHS.trades).get()).docs.map((d) => parseDoc(TradeDoc, d.ref.path, d.data()));
    const result = backtest(start, end, { tickTimes: steps }, PROTECTED);
    const bt = sort(result.trades);
    // the protections acted: every kind locked, and an entry waited for a lock
    expect(new Set(result.locks.map((l) => l.protection))).toEqual(new Set(['cooldown', 'low_profit', 'stoploss_guard', 'max_drawdown']));
    expect(result.skipped.locked).toBeGreaterThan(0);
    const liveLocks = (await db.collection(PATHS.alerts).get()).docs.map((d) => d.id).filter((id) => id.startsWith('lock_'));
    expect(liveLocks).toHaveLength(result.locks.length);
    // the window is worth comparing: protective exits on 1m candles, between two 4h closes
    const minuteExits = result.signals.filter((s) => s.timeframe === '1m' && s.side === 'sell');
    expect(minuteExits.map((s) => s.reason)).toEqual(expect.arrayContaining(['trailing_stop', 'stop_loss']));
    for (const s of minuteExits) expect((s.candleTime + 60_000) % STEP, 'a stop between two 4h closes').not.toBe(0);
    const differences = diff(sort(liveTrades), bt);
    if (differences.length) console.error(`parity (1m guard): ${differences.length} differences\n${differences.join('\n')}`);
    expect(differences).toEqual([]);
    expect(bt.length).toBeGreaterThanOrEqual(4);
    const book = await (await runtime.executeDeps()).store.getBook(toAmount('10000'), Date.now());
    expect([book.wallet.cash, book.wallet.realizedPnl, book.wallet.feesPaid]).toEqual([
      result.book.wallet.cash,
      result.book.wallet.realizedPnl,
      result.book.wallet.feesPaid,
    ]);
    expect((await runAudit((await runtime.executeDeps()).store, Date.now())).discrepancies).toEqual([]);
  });
});

describe('parity with a user strategy written from the template (config/bot names it)', () => {
  // its own stop and target (the strategy API's stop hook): they travel on the signal to executeOrder
  const doc = { strategy: { name: 'rsi_dip', params: { stopAtr: 1, targetAtr: 2.5 } } };
  const { runtime, tickUrl } = lockStepLive(
    { SYMBOLS: SYMBOLS.join(','), TIMEFRAME: TF, HISTORY_CANDLES: String(HISTORY) },
    { configDoc: doc },
  );

  it('rsi_dip (RSI over its own candle window in the tick state): 0 differences', async () => {
    const db = runtime.db;
    // 30 candles from 2019-08-14: RSI entries on four symbols, RSI exits and a stop-loss under the defaults
    const start = Date.parse('2019-08-14T00:00:00Z');
    const n = 30;
    const ticks = await runLockStep({
      url: tickUrl(),
      times: Array.from({ length: n }, (_, k) => start + k * STEP + 30_000),
      settled: async (ids) => ids.length === 0 || (await db.getAll(...ids.map((id) => db.doc(orderPath(id))))).every((s) => s.exists),
    });
    expect(ticks.every((t) => t.pending.length === 0)).toBe(true);
    const liveTrades = (await db.collection(PATHS.trades).get()).docs.map((d) => parseDoc(TradeDoc, d.ref.path, d.data()));
    const result = backtest(start, start + (n - 1) * STEP, undefined, doc);
    const bt = sort(result.trades);
    expect(bt.map((t) => t.reason)).toEqual(expect.arrayContaining(['stop_loss', 'strategy_entry']));
    // the hook changed what traded: the same window with the risk's stops trades otherwise
    const riskStops = sort(backtest(start, start + (n - 1) * STEP, undefined, { strategy: { name: 'rsi_dip', params: {} } }).trades);
    expect(diff(riskStops, bt).length).toBeGreaterThan(0);
    const differences = diff(sort(liveTrades), bt);
    if (differences.length) console.error(`parity (rsi_dip): ${differences.length} differences\n${differences.join('\n')}`);
    expect(differences).toEqual([]);
    expect(bt.length).toBeGreaterThanOrEqual(4);
    const book = await (await runtime.executeDeps()).store.getBook(toAmount('10000'), Date.now());
    expect([book.wallet.cash, book.wallet.realizedPnl, book.wallet.feesPaid]).toEqual([
      result.book.wallet.cash,
      result.book.wallet.realizedPnl,
      result.book.wallet.feesPaid,
    ]);
  });
});
