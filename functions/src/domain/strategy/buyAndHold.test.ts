import { describe, expect, it } from 'vitest';
import { getStrategy } from '../../strategies/registry.ts';
import type { IndicatorSnapshot } from '../regime.types.ts';

const ind: IndicatorSnapshot = { t: 0, close: 100, adx: 30, pdi: 25, mdi: 10, atr: 1, atrPct: 1, atrPctAvg: 1, ema50: 99, ema200: 95 };

describe('buy_and_hold', () => {
  const s = getStrategy('buy_and_hold');
  it('enters once indicators are warm, in any regime', () => {
    for (const regime of ['bull_trend', 'bear_trend', 'sideways_range', 'high_volatility'] as const) {
      expect(s.advise({ regime, market: ind, indicators: {}, history: {}, hasPosition: false })).toEqual({
        action: 'enter_long',
        reason: 'benchmark_entry',
      });
    }
    expect(s.advise({ regime: 'unknown', market: ind, indicators: {}, history: {}, hasPosition: false })).toEqual({ action: 'hold' });
  });
  it('never exits on its own', () => {
    for (const regime of ['bull_trend', 'bear_trend', 'high_volatility', 'unknown'] as const) {
      expect(s.advise({ regime, market: ind, indicators: {}, history: {}, hasPosition: true })).toEqual({ action: 'hold' });
    }
  });
  it('rejects unknown params', () => {
    expect(() => getStrategy('buy_and_hold', { foo: 1 })).toThrow(/strategy\.params/);
  });
});
