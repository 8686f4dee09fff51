import { describe, expect, it } from 'vitest';
import { bundledCandles, indexAt, relErr, type BundledFile } from './bundledCandles.testkit.ts';
import { emaSeries } from './ema.ts';
import { taEma } from './talibReference.ts';

const WINDOWS: readonly [BundledFile, string][] = [
  ['BTC_USDT-1h', '2020-02-01T00:00:00Z'],
  ['ETH_USDT-1h', '2021-04-01T00:00:00Z'],
  ['BTC_USDT-1m', '2023-03-23T20:00:00Z'],
  ['SOL_USDT-1m', '2023-04-10T00:00:00Z'],
];

describe('emaSeries', () => {
  it('is null for the first period−1 values, then SMA-seeded like TA-Lib', () => {
    const out = emaSeries([1, 2, 3, 4, 5, 6], 3);
    expect(out).toEqual([null, null, 2, 3, 4, 5]);
  });

  it.each(WINDOWS)('matches TA_EMA(50) and TA_EMA(200) on %s from %s (3000 rows)', (file, from) => {
    const all = bundledCandles(file);
    const start = indexAt(all, from);
    const closes = all.slice(start, start + 3000).map((c) => c.c);
    for (const period of [50, 200]) {
      const ours = emaSeries(closes, period);
      const ref = taEma(closes, period);
      expect(ours).toHaveLength(closes.length);
      let worst = 0;
      ours.forEach((v, i) => {
        expect(v === null).toBe(Number.isNaN(ref[i]));
        if (v !== null) worst = Math.max(worst, relErr(v, ref[i]!));
      });
      expect(worst).toBeLessThanOrEqual(1e-12);
    }
  });

  it('rejects a non-positive or fractional period', () => {
    expect(() => emaSeries([1, 2], 0)).toThrow(RangeError);
    expect(() => emaSeries([1, 2], 2.5)).toThrow(RangeError);
  });
});
