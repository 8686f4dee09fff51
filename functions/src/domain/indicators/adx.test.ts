import { ADX } from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import type { Candle } from '../candle.ts';
import { adxSeries } from './adx.ts';
import { HALT_START_1M, bundledCandles, indexAt, relErr, type BundledFile } from './bundledCandles.testkit.ts';
import { taDmi } from './talibReference.ts';

/** Worst relative error of adx/pdi/mdi vs the TA-Lib reference; also checks both report on the same rows. */
function compare(candles: readonly Candle[]): number {
  const ours = adxSeries(candles, 14);
  const ref = taDmi(candles, 14);
  expect(ours).toHaveLength(candles.length);
  let worst = 0;
  ours.forEach((p, i) => {
    expect(p === null).toBe(Number.isNaN(ref.adx[i]));
    if (p === null) return;
    for (const v of [p.adx, p.pdi, p.mdi]) expect(Number.isFinite(v)).toBe(true);
    worst = Math.max(worst, relErr(p.adx, ref.adx[i]!), relErr(p.pdi, ref.pdi[i]!), relErr(p.mdi, ref.mdi[i]!));
  });
  return worst;
}

const WINDOWS: readonly [BundledFile, string][] = [
  ['BTC_USDT-1h', '2020-02-01T00:00:00Z'], // includes the March 2020 crash
  ['ETH_USDT-1h', '2017-08-17T04:00:00Z'], // the file's first rows
  ['ETH_USDT-1h', '2022-04-01T00:00:00Z'],
  ['BTC_USDT-1m', '2023-03-23T20:00:00Z'], // contains the 2023-03-24 halt
  ['ETH_USDT-1m', '2023-03-23T20:00:00Z'],
  ['SOL_USDT-1m', '2023-03-24T11:33:00Z'], // starts inside the halt: 67 flat identical rows first
  ['XRP_USDT-1m', '2023-04-19T08:14:00Z'],
];

const flat = (t: number, p: number): Candle => ({ t, o: p, h: p, l: p, c: p, v: 0 });

describe('adxSeries', () => {
  it.each(WINDOWS)('matches TA_ADX / TA_PLUS_DI / TA_MINUS_DI (14) on %s from %s (3000 rows)', (file, from) => {
    const all = bundledCandles(file);
    const start = indexAt(all, from);
    // Agreement is to float rounding from the first value on, not only after the warm-up.
    expect(compare(all.slice(start, start + 3000))).toBeLessThanOrEqual(1e-10);
  });

  it('reports nothing for the first 2·14−1 candles (TA-Lib lookback)', () => {
    const out = adxSeries(bundledCandles('BTC_USDT-1h').slice(0, 60), 14);
    expect(out.findIndex((p) => p !== null)).toBe(27);
    expect(out.slice(27).every((p) => p !== null)).toBe(true);
  });

  it('never yields NaN when the series starts with 30 flat candles (the package ADX class does)', () => {
    const real = bundledCandles('BTC_USDT-1h').slice(1000, 1400);
    const p0 = real[0]!.o;
    const series = [...Array.from({ length: 30 }, (_, i) => flat(real[0]!.t - (30 - i) * 3_600_000, p0)), ...real];

    const pkg = ADX.calculate({ period: 14, high: series.map((c) => c.h), low: series.map((c) => c.l), close: series.map((c) => c.c) });
    expect(pkg.some((r) => Number.isNaN(r.adx))).toBe(true);

    expect(compare(series)).toBeLessThanOrEqual(1e-10);
    const ours = adxSeries(series, 14);
    expect(ours.slice(27).every((p) => p !== null && p.adx >= 0 && p.adx <= 100)).toBe(true);
  });

  it('gives DI = 0 and holds ADX at 0 on an entirely flat series', () => {
    const out = adxSeries(
      Array.from({ length: 60 }, (_, i) => flat(i * 60_000, 100)),
      14,
    );
    expect(out.slice(27)).toEqual(Array(33).fill({ adx: 0, pdi: 0, mdi: 0 }));
  });

  it('keeps the halt window finite and in [0, 100]', () => {
    const all = bundledCandles('ETH_USDT-1m');
    const halt = indexAt(all, HALT_START_1M);
    const out = adxSeries(all.slice(halt - 300, halt + 300), 14);
    for (const p of out.slice(27)) {
      expect(p).not.toBeNull();
      for (const v of [p!.adx, p!.pdi, p!.mdi]) expect(v >= 0 && v <= 100).toBe(true);
    }
  });

  it('rejects a period below 2', () => {
    expect(() => adxSeries([], 1)).toThrow(RangeError);
  });
});
