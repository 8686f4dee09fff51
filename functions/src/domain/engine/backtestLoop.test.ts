import { describe, expect, it } from 'vitest';
import type { Candle } from '../candle.ts';
import { bundledCandles, type BundledFile } from '../indicators/bundledCandles.testkit.ts';
import { toAmount as A } from '../money.ts';
import { findLedgerDiscrepancies } from '../portfolio/ledger.ts';
import { RegimeParamsSchema } from '../regime/params.ts';
import { resolveRegimeParams } from '../regime/index.ts';
import type { RiskParams } from '../risk/params.ts';
import { getStrategy } from '../strategy/registry.ts';
import { riskParams } from '../testing/builders.ts';
import type { Timeframe } from '../candle.ts';
import { KILL_SWITCH_VERSION } from './accountStep.ts';
import { backtestLoop, equityPoints, type BacktestInput } from './backtestLoop.ts';

const H = 3_600_000;
const M = 60_000;

const slice = (file: BundledFile, from: number, to: number): Candle[] => bundledCandles(file).filter((c) => c.t >= from && c.t < to);
const rules = { amountStep: A('0.00001'), minNotional: A('5') };

function run(candles: Record<string, Candle[]>, timeframe: Timeframe, risk: RiskParams, over: Partial<BacktestInput> = {}) {
  return backtestLoop({
    timeframe, candles, strategy: getStrategy('regime_trend'), risk, regime: resolveRegimeParams(RegimeParamsSchema.parse({}), timeframe),
    rulesFor: () => rules, feeBps: 10, slippageBps: 5, initialCash: A('10000'), ...over,
  });
}

describe('backtestLoop on the FTX collapse (real Binance 1h candles, Nov 2022)', () => {
  // 600 hours of history first (as a live tick's window), then the crash week.
  const from = Date.parse('2022-11-06T00:00:00Z');
  const candles = {
    'BTC/USDT': slice('BTC_USDT-1h', from - 600 * H, from + 7 * 24 * H),
    'ETH/USDT': slice('ETH_USDT-1h', from - 600 * H, from + 7 * 24 * H),
  };
  // Hold exposure through the crash on purpose: buy-and-hold, stops 50 ATR away, so only the
  // account-level kill switch can end it.
  const loose = riskParams({ riskPerTradePct: 10, stopAtrMult: 50, takeProfitAtrMult: 100, trailingAtrMult: 50, trailingActivationAtrMult: 100, maxExposurePerSymbolPct: 50 });
  const result = run(candles, '1h', loose, { strategy: getStrategy('buy_and_hold'), warmupUntil: from - H });

  it('drives buy-and-hold past the 15 % drawdown into the kill switch: KILLED and flat', () => {
    expect(result.maxDrawdownPct).toBeGreaterThan(15);
    expect(result.killedAt).toBeGreaterThan(Date.parse('2022-11-08T00:00:00Z'));
    expect(result.book.mode).toBe('KILLED');
    expect(result.book.positions).toEqual({});
  });

  it('liquidates every open position at the close of the kill candle, and trades no more', () => {
    const killed = result.trades.filter((t) => t.reason === 'kill_switch');
    expect(killed.map((t) => t.symbol).sort()).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(killed.every((t) => t.side === 'sell' && t.time === result.killedAt)).toBe(true);
    expect(result.signals.filter((s) => s.reason === 'kill_switch').every((s) => s.strategyVersion === KILL_SWITCH_VERSION)).toBe(true);
    expect(result.trades.filter((t) => t.time > result.killedAt!)).toEqual([]);
    const points = equityPoints(result.equity);
    expect(points.filter((p) => p.t >= result.killedAt!).every((p) => p.killed)).toBe(true);
    expect(points.filter((p) => p.t < result.killedAt!).every((p) => !p.killed)).toBe(true);
  });

  it('keeps the ledger exact and one equity point per step', () => {
    expect(findLedgerDiscrepancies(result.book.wallet, result.book.positions, result.trades)).toEqual([]);
    expect(result.equity.length).toBe(7 * 24 + 1); // the warm-up batch, then one per hour
    expect(equityPoints(result.equity).every((p) => p.cash >= 0n)).toBe(true);
  });

  it('is deterministic', () => {
    expect(run(candles, '1h', loose, { strategy: getStrategy('buy_and_hold'), warmupUntil: from - H })).toEqual(result);
  });
});

describe('no look-ahead', () => {
  // Six hours of real 1m candles for two symbols after a 600-candle history.
  const from = Date.parse('2023-03-21T09:00:00Z');
  const full = {
    'BTC/USDT': slice('BTC_USDT-1m', from - 600 * M, from + 6 * H),
    'ETH/USDT': slice('ETH_USDT-1m', from - 600 * M, from + 6 * H),
  };
  const whole = run(full, '1m', riskParams(), { warmupUntil: from - M });

  it('trades in the window at all (the check below is not vacuous)', () => {
    expect(whole.trades.length).toBeGreaterThan(10);
  });

  it.each([17, 61, 133, 200, 299])('appending candles after minute %i never changes a decision made before it', (minutes) => {
    const cut = from + minutes * M;
    const prefix = Object.fromEntries(Object.entries(full).map(([s, cs]) => [s, cs.filter((c) => c.t < cut)]));
    const early = run(prefix, '1m', riskParams(), { warmupUntil: from - M });
    const decidedBy = (t: number) => t <= cut;
    expect(whole.trades.filter((t) => decidedBy(t.time))).toEqual(early.trades);
    expect(whole.signals.filter((s) => s.candleTime < cut).map((s) => s.id)).toEqual(early.signals.map((s) => s.id));
    expect(equityPoints(whole.equity).filter((p) => decidedBy(p.t))).toEqual(equityPoints(early.equity));
  });
});
