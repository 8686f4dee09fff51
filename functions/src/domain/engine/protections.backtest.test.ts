/**
 * Each protection in the backtester (the engine step both drivers call): buy-and-hold with stops one
 * ATR away on real Binance 1h candles (the FTX week) is stopped out again and again. With a protection
 * configured, every lock it places holds the entries on its scope until it ends, and the same run
 * without it bought inside those windows (so each test can fail). Stops still run under every lock.
 */
import { describe, expect, it } from 'vitest';
import type { Candle } from '../candle.ts';
import { bundledCandles } from '../indicators/bundledCandles.testkit.ts';
import { toAmount as A } from '../money.ts';
import { ALL_SYMBOLS, ProtectionParamsSchema, type Lock, type ProtectionParams } from '../protections/index.ts';
import { RegimeParamsSchema } from '../regime/params.ts';
import { resolveRegimeParams } from '../regime/index.ts';
import { getStrategy } from '../../strategies/registry.ts';
import { riskParams, testRules } from '../testing/builders.ts';
import type { Trade } from '../trading.types.ts';
import { backtestLoop, type BacktestResult } from './backtestLoop.ts';

const H = 3_600_000;
const from = Date.parse('2022-11-06T00:00:00Z');
const series = (file: 'BTC_USDT-1h' | 'ETH_USDT-1h'): Candle[] =>
  bundledCandles(file).filter((c) => c.t >= from - 300 * H && c.t < from + 10 * 24 * H);
const candles = { 'BTC/USDT': series('BTC_USDT-1h'), 'ETH/USDT': series('ETH_USDT-1h') };
const tight = riskParams({
  stopAtrMult: 1,
  trailingAtrMult: 1,
  trailingActivationAtrMult: 1,
  killSwitchDrawdownPct: 50,
  dailyLossLimitPct: 100,
});

function run(protections?: ProtectionParams): BacktestResult {
  return backtestLoop({
    timeframe: '1h',
    candles,
    strategy: getStrategy('buy_and_hold'),
    risk: tight,
    regime: resolveRegimeParams(RegimeParamsSchema.parse({}), '1h'),
    rulesFor: () => testRules('0.00001', '5'),
    feeBps: 10,
    slippageBps: 5,
    initialCash: A('10000'),
    warmupUntil: from - H,
    ...(protections && { protections: ProtectionParamsSchema.parse(protections) }),
  });
}

const baseline = run();
const buysIn = (trades: readonly Trade[], l: Lock) =>
  trades.filter((t) => t.side === 'buy' && (l.symbol === ALL_SYMBOLS || t.symbol === l.symbol) && t.time > l.from && t.time < l.until);

function expectLocksHold(result: BacktestResult, protection: Lock['protection'], scope: 'symbol' | 'all') {
  const locks = result.locks.filter((l) => l.protection === protection);
  expect(locks.length, `${protection} placed locks`).toBeGreaterThan(0);
  for (const l of locks) {
    expect(l.symbol === ALL_SYMBOLS).toBe(scope === 'all');
    expect(buysIn(result.trades, l), `no entry on ${l.symbol} while ${l.id} holds`).toEqual([]);
  }
  expect(result.skipped.locked ?? 0).toBeGreaterThan(0);
  // the same run without the protection entered inside a window it locked
  expect(locks.some((l) => buysIn(baseline.trades, l).length > 0)).toBe(true);
}

describe('protections in the backtester (buy-and-hold, stops 1 ATR away, BTC+ETH 1h, Nov 2022)', () => {
  it('the unprotected run is stopped out many times and re-enters at once (what the protections act on)', () => {
    expect(baseline.trades.filter((t) => t.reason === 'stop_loss').length).toBeGreaterThan(10);
    expect(baseline.locks).toEqual([]);
    expect(baseline.skipped.locked).toBeUndefined();
  });

  it('cooldown: no entry on a symbol for N minutes after its stop-out', () => {
    const result = run({ cooldown: { minutes: 6 * 60 } });
    expectLocksHold(result, 'cooldown', 'symbol');
    for (const l of result.locks) expect(l.until - l.from).toBe(6 * H);
    // one lock per stop-out exit, placed on the step that exited
    const stopOuts = result.trades.filter((t) => t.side === 'sell' && (t.reason === 'stop_loss' || t.reason === 'trailing_stop'));
    expect(result.locks.length).toBeLessThanOrEqual(stopOuts.length);
    for (const l of result.locks) expect(stopOuts.some((t) => t.symbol === l.symbol && t.time === l.from)).toBe(true);
  });

  it('stop-loss guard: 3 stop-outs within 12 h lock every symbol for 12 h', () => {
    const result = run({ stoplossGuard: { stops: 3, lookbackHours: 12, lockMinutes: 12 * 60, scope: 'all' } });
    expectLocksHold(result, 'stoploss_guard', 'all');
  });

  it('stop-loss guard per symbol: only the symbol that hit the stops is locked', () => {
    const result = run({ stoplossGuard: { stops: 2, lookbackHours: 12, lockMinutes: 12 * 60, scope: 'symbol' } });
    expectLocksHold(result, 'stoploss_guard', 'symbol');
  });

  it('low-profit lock: a symbol whose exits lost over 24 h is locked', () => {
    const result = run({ lowProfit: { minTrades: 2, lookbackHours: 24, requiredProfitPct: 0, lockMinutes: 24 * 60 } });
    expectLocksHold(result, 'low_profit', 'symbol');
  });

  it('drawdown lock: exits drawing the account down more than 1 % within 24 h lock every symbol', () => {
    const result = run({ maxDrawdown: { minTrades: 2, lookbackHours: 24, maxDrawdownPct: 1, lockMinutes: 24 * 60 } });
    expectLocksHold(result, 'max_drawdown', 'all');
  });

  it("a locked symbol's open position keeps its stop: it is stopped out while the lock holds", () => {
    // every stop-out locks all symbols for two days: the other symbol's position is held under that lock
    const result = run({ stoplossGuard: { stops: 1, lookbackHours: 1, lockMinutes: 48 * 60, scope: 'all' } });
    const underLock = (t: Trade) => result.locks.some((l) => l.from < t.time && t.time < l.until);
    const stoppedUnderLock = result.trades.filter(
      (t) => t.side === 'sell' && (t.reason === 'stop_loss' || t.reason === 'trailing_stop') && underLock(t),
    );
    expect(stoppedUnderLock.length).toBeGreaterThan(0);
    // and it was held into the lock, not entered under it
    for (const t of stoppedUnderLock) {
      const entry = result.trades.filter((b) => b.side === 'buy' && b.symbol === t.symbol && b.time < t.time).at(-1)!;
      expect(underLock(entry)).toBe(false);
    }
  });
});
