import { describe, expect, it } from 'vitest';
import type { Candle } from '../candle.ts';
import type { IndicatorSnapshot, Regime } from '../regime.types.ts';
import { signalId } from '../signal.ts';
import { getStrategy } from '../strategy/registry.ts';
import { A, riskParams, testPosition } from '../testing/builders.ts';
import type { SystemMode } from '../trading.types.ts';
import { decideOnCandle, type DecideInput } from './decideOnCandle.ts';

const H = 3_600_000;
const t = Date.parse('2023-03-20T12:00:00Z');
const now = t + H + 5_000;
const candle = (o: number, h: number, l: number, c: number): Candle => ({ t, o, h, l, c, v: 10 });
const indicators = (over: Partial<IndicatorSnapshot> = {}): IndicatorSnapshot => ({
  t, close: 27100, adx: 30, pdi: 28, mdi: 12, atr: 50.123456789, atrPct: 0.18, ema50: 27000, ema200: 26000, ...over,
});
const strategy = getStrategy('regime_trend');
const input = (over: Partial<DecideInput> = {}): DecideInput => ({
  symbol: 'BTC/USDT', timeframe: '1h', candle: candle(27050, 27150, 27000, 27100), indicators: indicators(), regime: 'bull_trend' as Regime,
  position: null, mode: 'NORMAL', entriesPaused: false, stale: false, strategy, risk: riskParams(), now, ...over,
});
// entry 27000, stop 26900, target 27200
const held = testPosition({ entryTime: t - H });

describe('decideOnCandle', () => {
  it('emits an entry at the close with the candle ATR and a deterministic id', () => {
    const { signals, position } = decideOnCandle(input());
    expect(position).toBeNull();
    expect(signals).toEqual([{
      id: signalId({ strategyVersion: 'regime_trend@1', symbol: 'BTC/USDT', timeframe: '1h', candleTime: t, side: 'buy' }),
      symbol: 'BTC/USDT', timeframe: '1h', candleTime: t, side: 'buy', reason: 'regime_entry',
      refPrice: A('27100'), atr: A('50.12345679'), strategyVersion: 'regime_trend@1', createdAt: now,
    }]);
    expect(decideOnCandle(input({ now: now + 1 })).signals[0]!.id).toBe(signals[0]!.id);
  });

  const noEntry: [string, Partial<DecideInput>][] = [
    ['stale feed', { stale: true }],
    ['entries paused', { entriesPaused: true }],
    ['no ATR yet', { indicators: indicators({ atr: null }) }],
    ['not a bull trend', { regime: 'high_volatility' }],
    ['mode PAUSED', { mode: 'PAUSED' }],
    ['mode KILLED', { mode: 'KILLED' }],
  ];
  it.each(noEntry)('no entry when %s', (_why, over) => {
    expect(decideOnCandle(input(over)).signals).toEqual([]);
  });

  it('OBSERVATION still records the entry it would make (the executor rejects it)', () => {
    expect(decideOnCandle(input({ mode: 'OBSERVATION' })).signals.map((s) => s.side)).toEqual(['buy']);
  });

  it('protective exit first, at the stop level, and nothing else on that candle', () => {
    const r = decideOnCandle(input({ position: held, candle: candle(27000, 27250, 26850, 27100) }));
    expect(r.signals.map((s) => [s.side, s.reason, s.refPrice])).toEqual([['sell', 'stop_loss', A('26900')]]);
    // still open until the executor fills the sell; levels updated for the case it is refused
    expect(r.position).toMatchObject({ symbol: 'BTC/USDT', highWater: A('27250'), lastPrice: A('27100') });
  });

  it.each(['NORMAL', 'OBSERVATION', 'PAUSED', 'KILLED'] as SystemMode[])('emits exits when holding in mode %s', (mode) => {
    const stop = decideOnCandle(input({ mode, position: held, candle: candle(26800, 26850, 26700, 26750) }));
    expect(stop.signals.map((s) => [s.reason, s.refPrice])).toEqual([['stop_loss', A('26800')]]);
    const regime = decideOnCandle(input({ mode, position: held, regime: 'bear_trend' }));
    expect(regime.signals.map((s) => [s.reason, s.refPrice])).toEqual([['regime_exit', A('27100')]]);
  });

  it('holding in a bull trend: no signal, position marked and trailing updated', () => {
    const r = decideOnCandle(input({ position: held, candle: candle(27100, 27180, 27050, 27150) }));
    expect(r.signals).toEqual([]);
    // gain 180 ≥ 1 ATR (≈50.12): trail armed at 27180 − 2 × 50.12345679 (rounded up)
    expect(r.position).toMatchObject({ highWater: A('27180'), lastPrice: A('27150'), trailingStop: A('27079.75308642') });
  });

  it('holding through an unknown regime keeps the position (stops still apply)', () => {
    expect(decideOnCandle(input({ position: held, regime: 'unknown' })).signals).toEqual([]);
  });

  it('ignores candles that closed before the position was opened', () => {
    const fresh = testPosition({ entryTime: t + H });
    const r = decideOnCandle(input({ position: fresh, candle: candle(27000, 27000, 26000, 26500) }));
    expect(r.signals).toEqual([]);
    expect(r.position).toBe(fresh);
  });
});
