import { describe, expect, it } from 'vitest';
import { applyPoint, gridPoints, walkForward } from './walkForward.ts';
import { monteCarlo } from './monteCarlo.ts';

const DAY = 86_400_000;

describe('walk-forward', () => {
  it('expands a grid and applies dotted keys', () => {
    expect(gridPoints({ 'risk.stopAtrMult': [2, 3], 'strategy.name': ['a'] })).toEqual([
      { 'risk.stopAtrMult': 2, 'strategy.name': 'a' },
      { 'risk.stopAtrMult': 3, 'strategy.name': 'a' },
    ]);
    expect(applyPoint({ risk: { a: 1 } }, { 'risk.b': 2, 'paper.feeBps': 5 })).toEqual({ risk: { a: 1, b: 2 }, paper: { feeBps: 5 } });
  });

  it('chooses in sample, trades the next window out of sample with the winner, and stitches', () => {
    const candles = { X: Array.from({ length: 10 }, (_, d) => ({ t: d * DAY, o: 1, h: 1, l: 1, c: 1, v: 1 })) };
    const calls: { days: number; point: unknown; warm?: number }[] = [];
    const r = walkForward(candles, { trainDays: 4, testDays: 2, points: [{ k: 1 }, { k: 2 }] }, (cs, point, warm) => {
      calls.push({ days: cs.X!.length, point, warm });
      const k = point.k as number;
      // k = 2 wins in sample; out of sample every day adds k %
      return {
        totalReturnPct: k,
        sharpe: k,
        maxDrawdownPct: 0,
        trades: 1,
        feesPaid: k,
        netPnl: 10 * k,
        equity: cs.X!.map((c, i) => [c.t + DAY, (1 + k / 100) ** i] as const),
      };
    });
    expect(r.windows.map((w) => [w.inSample.from.slice(0, 10), w.outOfSample.from.slice(0, 10), w.chosen])).toEqual([
      ['1970-01-01', '1970-01-05', { k: 2 }],
      ['1970-01-03', '1970-01-07', { k: 2 }],
      ['1970-01-05', '1970-01-09', { k: 2 }],
    ]);
    // each out-of-sample run gets its in-sample candles as warm-up
    expect(calls.filter((c) => c.warm !== undefined).map((c) => c.days)).toEqual([6, 6, 6]);
    expect(r.outOfSample.totalReturnPct).toBeCloseTo(100 * (1.02 ** 6 - 1), 3);
    // 3 windows, each paying 2 in fees on a net 20: 6 of 66 before fees
    expect(r.outOfSample).toMatchObject({ trades: 3, feesPaid: 6, pnlBeforeFees: 66, feesOfGrossPct: 9.09 });
  });

  it('bounds years of 1m candles without spreading them onto the stack', () => {
    // 400k candles: Math.min(...times) threw "Maximum call stack size exceeded" here
    const X = Array.from({ length: 400_000 }, (_, i) => ({ t: i * 60_000, o: 1, h: 1, l: 1, c: 1, v: 1 }));
    const r = walkForward({ X }, { trainDays: 100, testDays: 50, points: [{}] }, () => ({
      totalReturnPct: 0,
      sharpe: 0,
      maxDrawdownPct: 0,
      trades: 0,
      feesPaid: 0,
      netPnl: 0,
      equity: [],
    }));
    expect(r.windows.map((w) => w.outOfSample.to.slice(0, 10))).toEqual(['1970-05-31', '1970-07-20', '1970-09-08']);
  });
});

describe('monteCarlo', () => {
  it('is deterministic per seed, orders its percentiles, and is exact for identical returns', () => {
    const a = monteCarlo([0.1, -0.05, 0.02, -0.03], 100, 500, 7);
    expect(monteCarlo([0.1, -0.05, 0.02, -0.03], 100, 500, 7)).toEqual(a);
    expect(a.finalEquity.p5).toBeLessThanOrEqual(a.finalEquity.p50);
    expect(a.finalEquity.p50).toBeLessThanOrEqual(a.finalEquity.p95);
    const same = monteCarlo([0.1, 0.1], 100, 10);
    expect(same.finalEquity).toEqual({ p5: 121, p50: 121, p95: 121 });
    expect(same.maxDrawdownPct.p95).toBe(0);
  });
});
