import { describe, expect, it } from 'vitest';
import type { Candle } from '../candle.ts';
import { atrSeries } from './atr.ts';
import { HALT_START_1M, bundledCandles, indexAt, relErr, type BundledFile } from './bundledCandles.testkit.ts';
import { taAtr } from './talibReference.ts';

const WINDOWS: readonly [BundledFile, string][] = [
  ['BTC_USDT-1h', '2020-02-01T00:00:00Z'],
  ['ETH_USDT-1h', '2018-01-01T00:00:00Z'],
  ['BTC_USDT-1m', '2023-03-23T20:00:00Z'], // contains the 2023-03-24 halt (72 flat zero-volume rows)
  ['ETH_USDT-1m', '2023-03-24T11:40:00Z'], // starts inside the halt
  ['XRP_USDT-1m', '2023-04-15T00:00:00Z'],
];

function compare(candles: readonly Candle[]): number {
  const ours = atrSeries(candles, 14);
  const ref = taAtr(candles, 14);
  expect(ours).toHaveLength(candles.length);
  let worst = 0;
  ours.forEach((v, i) => {
    expect(v === null).toBe(Number.isNaN(ref[i]));
    if (v !== null) {
      expect(Number.isFinite(v)).toBe(true);
      worst = Math.max(worst, relErr(v, ref[i]!));
    }
  });
  return worst;
}

describe('atrSeries', () => {
  it('is null for the first `period` candles (the first has no previous close)', () => {
    const c = (t: number, h: number, l: number, close: number): Candle => ({ t, o: close, h, l, c: close, v: 1 });
    const out = atrSeries([c(0, 10, 8, 9), c(1, 11, 9, 10), c(2, 13, 10, 12), c(3, 12, 11, 11)], 2);
    // TR: −, 2, 3, 1 → seed mean(2,3)=2.5 at index 2, then (2.5·1 + 1)/2 = 1.75
    expect(out).toEqual([null, null, 2.5, 1.75]);
  });

  it.each(WINDOWS)('matches TA_ATR(14) on %s from %s (3000 rows)', (file, from) => {
    const all = bundledCandles(file);
    const start = indexAt(all, from);
    expect(compare(all.slice(start, start + 3000))).toBeLessThanOrEqual(1e-12);
  });

  it('decays during the halt but stays positive and finite', () => {
    const all = bundledCandles('BTC_USDT-1m');
    const halt = indexAt(all, HALT_START_1M);
    const atr = atrSeries(all.slice(halt - 300, halt + 100), 14);
    const during = atr.slice(300 + 10, 300 + 72) as number[];
    for (let i = 1; i < during.length; i++) expect(during[i]).toBeLessThan(during[i - 1]!);
    expect(during.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
  });
});
