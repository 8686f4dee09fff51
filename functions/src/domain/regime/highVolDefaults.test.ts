import { describe, expect, it } from 'vitest';
import { RegimeParamsSchema } from './params.ts';
import { TIMEFRAMES } from '../candle.ts';
import { bundledCandles, type BundledFile } from '../indicators/bundledCandles.testkit.ts';
import { computeIndicators } from '../indicators/computeIndicators.ts';
import { defaultHighVolAtrPct, resolveRegimeParams } from './highVolDefaults.ts';

describe('defaultHighVolAtrPct', () => {
  it('has a positive default for every timeframe, growing with candle length', () => {
    const values = TIMEFRAMES.map(defaultHighVolAtrPct);
    expect(values.every((v) => v > 0)).toBe(true);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]!);
  });

  it.each<[BundledFile, '1m' | '1h', number]>([
    ['BTC_USDT-1m', '1m', 0],
    ['SOL_USDT-1m', '1m', 0],
    ['ETH_USDT-1h', '1h', Date.parse('2022-01-01')],
  ])('flags a minority of real %s candles as high volatility', (file, tf, from) => {
    const pcts = computeIndicators(bundledCandles(file))
      .filter((s) => s.t >= from && s.atrPct !== null)
      .map((s) => s.atrPct!);
    const share = pcts.filter((p) => p >= defaultHighVolAtrPct(tf)).length / pcts.length;
    expect(share).toBeGreaterThan(0.01);
    expect(share).toBeLessThan(0.15);
  });
});

describe('resolveRegimeParams', () => {
  it('fills highVolAtrPct from the timeframe only when the config leaves it unset', () => {
    const defaults = RegimeParamsSchema.parse({});
    expect(defaults.highVolAtrPct).toBeUndefined();
    expect(resolveRegimeParams(defaults, '1m').highVolAtrPct).toBe(defaultHighVolAtrPct('1m'));
    expect(resolveRegimeParams(defaults, '1h').highVolAtrPct).toBe(defaultHighVolAtrPct('1h'));
    expect(resolveRegimeParams({ ...defaults, highVolAtrPct: 0.7 }, '1m').highVolAtrPct).toBe(0.7);
  });
});
