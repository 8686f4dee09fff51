import { describe, expect, it } from 'vitest';
import { toAmount } from '../money.ts';
import { curveStats, monthlyReturns } from './returns.ts';

const DAY = 86_400_000;
const pts = (start: number, step: number, values: number[]) =>
  values.map((v, i) => ({ time: start + i * step, equity: toAmount(String(v)) }));

describe('curveStats (hand-computed)', () => {
  it('a curve that doubles in exactly one year with a 20 % fall on the way', () => {
    // 100 → 125 → 100 → 200 over 365 days: CAGR 100 %, max drawdown 20 %, Calmar 5
    const s = curveStats(pts(0, (365 * DAY) / 3, [100, 125, 100, 200]), toAmount('100'));
    expect(s.totalReturn).toBeCloseTo(1, 12);
    expect(s.cagr).toBeCloseTo(1, 12);
    expect(s.maxDrawdown).toBeCloseTo(0.2, 12);
    expect(s.calmar).toBeCloseTo(5, 12);
    expect(s.sharpe).not.toBeNull();
  });

  it('no span, no CAGR; a wiped-out curve has no CAGR either', () => {
    expect(curveStats(pts(0, DAY, [100]), toAmount('100')).cagr).toBeNull();
    expect(curveStats(pts(0, DAY, [100, 0]), toAmount('100')).cagr).toBeNull();
  });
});

describe('monthlyReturns', () => {
  it('each month from the previous month’s last equity; the first from the base', () => {
    const jan = Date.UTC(2023, 0, 10);
    const feb = Date.UTC(2023, 1, 3);
    const pointsAt = [
      [jan, 100],
      [jan + DAY, 110],
      [feb, 99],
      [feb + DAY, 121],
      [Date.UTC(2023, 3, 1), 121],
    ] as const;
    const r = monthlyReturns(
      pointsAt.map(([time, v]) => ({ time, equity: toAmount(String(v)) })),
      toAmount('100'),
    );
    expect(r.map((m) => m.month)).toEqual(['2023-01', '2023-02', '2023-04']);
    expect(r[0]!.return).toBeCloseTo(0.1, 12);
    expect(r[1]!.return).toBeCloseTo(0.1, 12);
    expect(r[2]!.return).toBe(0);
  });
});
