import { describe, expect, it } from 'vitest';
import type { Candle } from '../candle.ts';
import { toAmount as A } from '../money.ts';
import { findLedgerDiscrepancies } from '../portfolio/ledger.ts';
import type { IndicatorSnapshot, Regime } from '../regime.types.ts';
import { getStrategy } from '../strategy/registry.ts';
import { riskParams } from '../testing/builders.ts';
import type { RiskParams } from '../risk/params.ts';
import { backtestLoop, type BacktestBar, type BacktestInput } from './backtestLoop.ts';
import { FTX_CRASH_1H } from './fixtures/ftxCrash2022.ts';
import { KILL_SWITCH_VERSION } from './killSwitch.ts';

const H = 3_600_000;

/** Wilder ATR(14), computed here so this test does not depend on the indicators module. */
function wilderAtr(candles: readonly Candle[], n = 14): (number | null)[] {
  let atr = 0;
  return candles.map((k, i) => {
    const prev = candles[i - 1];
    const tr = prev ? Math.max(k.h - k.l, Math.abs(k.h - prev.c), Math.abs(k.l - prev.c)) : k.h - k.l;
    if (i < n) {
      atr += tr / n;
      return i === n - 1 ? atr : null;
    }
    atr = (atr * (n - 1) + tr) / n;
    return atr;
  });
}

const snapshot = (k: Candle, atr: number | null): IndicatorSnapshot => ({ t: k.t, close: k.c, adx: null, pdi: null, mdi: null, atr, atrPct: null, ema50: null, ema200: null });

function barsOf(candles: readonly Candle[], regime: Regime): BacktestBar[] {
  const atr = wilderAtr(candles);
  return candles.map((candle, i) => ({ candle, indicators: snapshot(candle, atr[i]!), regime }));
}

const run = (risk: RiskParams, over: Partial<BacktestInput> = {}) =>
  backtestLoop({
    timeframe: '1h',
    // The regime is held at bull_trend through the whole decline: a classifier whose hysteresis lags
    // the crash. The kill switch is the line of defence that must hold when the regime call fails.
    bars: { 'BTC/USDT': barsOf(FTX_CRASH_1H['BTC/USDT'], 'bull_trend'), 'ETH/USDT': barsOf(FTX_CRASH_1H['ETH/USDT'], 'bull_trend') },
    strategy: getStrategy('regime_trend'),
    risk,
    markets: { 'ETH/USDT': { amountStep: A('0.0001'), minNotional: A('5') } },
    defaultMarket: { amountStep: A('0.00001'), minNotional: A('5') },
    feeBps: 10,
    slippageBps: 5,
    initialCash: A('10000'),
    ...over,
  });

describe('backtestLoop on the FTX collapse (real Binance 1h candles, Nov 2022)', () => {
  // Loose but schema-valid: stops 30 ATR away, 10 % risk per trade, half the equity per symbol.
  const loose = riskParams({ riskPerTradePct: 10, stopAtrMult: 30, takeProfitAtrMult: 60, trailingActivationAtrMult: 30, maxExposurePerSymbolPct: 50, maxOpenPositions: 2 });
  const result = run(loose);

  it('drives a loose configuration past the 15 % drawdown into the kill switch: KILLED and flat', () => {
    expect(result.maxDrawdownPct).toBeGreaterThan(15);
    expect(result.killedAt).not.toBeNull();
    expect(result.book.mode).toBe('KILLED');
    expect(result.book.positions).toEqual({});
    const last = result.equity.at(-1)!;
    expect(last.drawdownPct).toBeGreaterThan(15);
    expect(last.equity).toBe(result.book.wallet.cash);
  });

  it('liquidates every open position at the close of the kill candle, and trades no more', () => {
    const killed = result.trades.filter((t) => t.reason === 'kill_switch');
    expect(killed.map((t) => t.symbol).sort()).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(killed.every((t) => t.side === 'sell' && t.time === result.killedAt)).toBe(true);
    expect(result.signals.filter((s) => s.reason === 'kill_switch').every((s) => s.strategyVersion === KILL_SWITCH_VERSION)).toBe(true);
    expect(result.trades.filter((t) => t.time > result.killedAt!)).toEqual([]);
    expect(result.equity.filter((p) => p.t >= result.killedAt!).every((p) => p.mode === 'KILLED')).toBe(true);
    expect(result.equity.filter((p) => p.t < result.killedAt!).every((p) => p.mode === 'NORMAL')).toBe(true);
  });

  it('keeps the ledger exact and one equity point per hour', () => {
    expect(findLedgerDiscrepancies(result.book.wallet, result.book.positions, result.trades)).toEqual([]);
    expect(result.equity).toHaveLength(FTX_CRASH_1H['BTC/USDT'].length);
    expect(result.equity.every((p) => p.cash >= 0n)).toBe(true);
  });

  it('is deterministic', () => {
    expect(run(loose)).toEqual(result);
  });

  it('with the default risk parameters, stops cap the same decline well short of the kill switch', () => {
    const defaults = run(riskParams());
    expect(defaults.killedAt).toBeNull();
    expect(defaults.maxDrawdownPct).toBeLessThan(10);
    expect(defaults.trades.some((t) => t.reason === 'stop_loss')).toBe(true);
    expect(findLedgerDiscrepancies(defaults.book.wallet, defaults.book.positions, defaults.trades)).toEqual([]);
  });
});

describe('backtestLoop daily loss limit', () => {
  // Synthetic 1h bars from 2023-03-20 00:00 UTC: two quick stop-outs cost ~4 % before 04:00.
  const day0 = Date.parse('2023-03-20T00:00:00Z');
  const shapes: [number, number, number, number][] = [
    [1000, 1001, 999, 1000], // 00:00 enter 2 @ 1000 (2 % risk over a 100 stop)
    [1000, 1001, 890, 895], // 01:00 stopped at 900: −200
    [895, 1000, 895, 1000], // 02:00 re-enter 1.96 @ 1000
    [1000, 1001, 890, 895], // 03:00 stopped at 900: −196 ⇒ −3.96 % on the day
    ...Array.from({ length: 22 }, (): [number, number, number, number] => [1000, 1000, 1000, 1000]),
  ];
  const bars: BacktestBar[] = shapes.map(([o, h, l, c], i) => {
    const candle = { t: day0 + i * H, o, h, l, c, v: 1 };
    return { candle, indicators: snapshot(candle, 50), regime: 'bull_trend' };
  });
  const r = backtestLoop({
    timeframe: '1h', bars: { 'BTC/USDT': bars }, strategy: getStrategy('regime_trend'),
    risk: riskParams({ riskPerTradePct: 2, stopAtrMult: 2, takeProfitAtrMult: 10, trailingActivationAtrMult: 100, maxExposurePerSymbolPct: 100 }),
    markets: {}, defaultMarket: { amountStep: A('0.01'), minNotional: A('5') }, feeBps: 0, slippageBps: 0, initialCash: A('10000'),
  });

  it('pauses entries for the rest of the UTC day, then resumes at the first candle closing on the next day', () => {
    const buys = r.trades.filter((t) => t.side === 'buy');
    expect(buys.map((t) => new Date(t.time).toISOString())).toEqual([
      '2023-03-20T01:00:00.000Z', '2023-03-20T03:00:00.000Z', '2023-03-21T00:00:00.000Z', // the 23:00 candle closes at midnight
    ]);
    // 2 % of equity over the 100 stop distance: 10 000 ⇒ 2; 9 800 ⇒ 1.96; 9 604 ⇒ 1.9208 ↓ step 0.01
    expect(buys.map((t) => t.qty)).toEqual([A('2'), A('1.96'), A('1.92')]);
    expect(r.trades.filter((t) => t.side === 'sell').map((t) => [t.reason, t.realizedPnl])).toEqual([
      ['stop_loss', A('-200')], ['stop_loss', A('-196')],
    ]);
    // while paused the tick emits no entry signals at all (not even rejected ones)
    expect(r.rejections).toEqual([]);
    expect(r.book.mode).toBe('NORMAL');
    expect(r.book.wallet).toMatchObject({ day: '20230321', dayStartEquity: A('9604') });
  });
});
