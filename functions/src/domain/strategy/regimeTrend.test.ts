import { describe, expect, it } from 'vitest';
import { REGIMES, type IndicatorSnapshot, type Regime } from '../regime.types.ts';
import { adviseRegimeTrend, RegimeTrendParamsSchema } from './regimeTrend.ts';

const defaults = RegimeTrendParamsSchema.parse({});
const ind = (over: Partial<IndicatorSnapshot> = {}): IndicatorSnapshot => ({
  t: 0,
  close: 100,
  adx: 30,
  pdi: 25,
  mdi: 10,
  atr: 2,
  atrPct: 2,
  atrPctAvg: 2,
  ema50: 98,
  ema200: 90,
  ...over,
});
const advise = (regime: Regime, hasPosition: boolean, p = defaults, i = ind()) => adviseRegimeTrend(p, { regime, market: i, hasPosition });

describe('regime_trend', () => {
  it('enters only in bull_trend when flat', () => {
    const entries = REGIMES.filter((r) => advise(r, false).action === 'enter_long');
    expect(entries).toEqual(['bull_trend']);
    expect(advise('bull_trend', false)).toEqual({ action: 'enter_long', reason: 'regime_entry' });
    expect(advise('high_volatility', false)).toEqual({ action: 'hold' });
    expect(advise('unknown', false)).toEqual({ action: 'hold' });
  });

  it('holds in bull_trend and exits on any other known regime', () => {
    expect(advise('bull_trend', true)).toEqual({ action: 'hold' });
    for (const r of ['bear_trend', 'sideways_range', 'high_volatility'] as const) {
      expect(advise(r, true)).toEqual({ action: 'exit', reason: 'regime_exit' });
    }
  });

  it('keeps the position on unknown by default, exits on unknown when configured', () => {
    expect(advise('unknown', true)).toEqual({ action: 'hold' });
    const strict = RegimeTrendParamsSchema.parse({ exitOnUnknown: true });
    expect(advise('unknown', true, strict)).toEqual({ action: 'exit', reason: 'regime_exit' });
  });

  describe('pullbackToEma50', () => {
    const p = RegimeTrendParamsSchema.parse({ pullbackToEma50: true, pullbackAtrMult: 1.5 });
    it.each([
      [98, 'enter_long'], // on the EMA
      [101, 'enter_long'], // exactly 1.5 ATR above
      [101.01, 'hold'], // chasing
      [97.9, 'hold'], // below the EMA: not "within N ATRs above"
    ])('close %d → %s', (close, action) => {
      expect(advise('bull_trend', false, p, ind({ close })).action).toBe(action);
    });
    it('stays out while EMA50 or ATR is still warming up', () => {
      expect(advise('bull_trend', false, p, ind({ ema50: null })).action).toBe('hold');
      expect(advise('bull_trend', false, p, ind({ atr: null })).action).toBe('hold');
    });
  });
});
