import { describe, expect, it } from 'vitest';
import { bundledCandles } from './indicators/bundledCandles.testkit.ts';
import { rollUp } from './rollup.ts';

const M = 60_000;
const c = (m: number, o: number, h: number, l: number, cl: number, v = 1) => ({ t: Date.UTC(2023, 2, 20, 0, m), o, h, l, c: cl, v });

describe('rollUp', () => {
  it('builds complete buckets and drops partial ones (first, last, and around a gap)', () => {
    const ones = [
      c(3, 9, 9, 9, 9),
      c(5, 1, 3, 0.5, 2),
      c(6, 2, 4, 1, 3),
      c(7, 3, 3, 2, 2.5),
      c(8, 2.5, 5, 2, 4),
      c(9, 4, 4, 3, 3.5, 2),
      c(10, 1, 1, 1, 1),
      c(12, 1, 1, 1, 1),
    ];
    expect(rollUp(ones, '1m', '5m')).toEqual([{ t: Date.UTC(2023, 2, 20, 0, 5), o: 1, h: 5, l: 0.5, c: 3.5, v: 6 }]);
  });

  it('equals the bundled 1h file for every complete hour of the 1m file (real data, both from Binance)', () => {
    const hours = new Map(bundledCandles('BTC_USDT-1h').map((x) => [x.t, x]));
    const rolled = rollUp(bundledCandles('BTC_USDT-1m'), '1m', '1h');
    expect(rolled.length).toBeGreaterThan(1000);
    const differing = rolled.filter((x) => {
      const h = hours.get(x.t);
      return h && (h.o !== x.o || h.h !== x.h || h.l !== x.l || h.c !== x.c);
    });
    expect(differing).toEqual([]);
  });

  it('refuses a target that is not a multiple', () => {
    expect(() => rollUp([], '5m', '1m')).toThrow(RangeError);
    expect(rollUp([c(0, 1, 1, 1, 1)], '1m', '1m')).toHaveLength(1);
    expect(M).toBe(60_000);
  });
});
