import { describe, expect, it } from 'vitest';
import { RiskParamsSchema } from './params.ts';
import { toAmount as A } from '../money.ts';
import type { Wallet } from '../trading.types.ts';
import { nextUtcDayStart, riskLimits } from './limits.ts';

const risk = RiskParamsSchema.parse({}); // kill switch 15 %, daily loss 3 %
const wallet = (equity: string, peak = '10000', dayStart = '10000'): Wallet => ({
  initialCash: A('10000'),
  cash: A(equity),
  realizedPnl: 0n,
  feesPaid: 0n,
  tradeSeq: 0,
  equity: A(equity),
  peakEquity: A(peak),
  day: '20230320',
  dayStartEquity: A(dayStart),
});

describe('riskLimits', () => {
  it('kill switch fires strictly beyond the drawdown limit, exactly', () => {
    expect(riskLimits(wallet('8500'), risk).killSwitch).toBe(false);
    expect(riskLimits(wallet('8499.99999999'), risk).killSwitch).toBe(true);
    expect(riskLimits(wallet('11000', '12000', '11000'), risk)).toMatchObject({ killSwitch: false });
    expect(riskLimits(wallet('10199.99999999', '12000', '10199.99999999'), risk)).toMatchObject({ killSwitch: true, dailyLossHit: false });
  });

  it('daily loss is measured from the day start, not the peak', () => {
    expect(riskLimits(wallet('9700'), risk).dailyLossHit).toBe(false);
    expect(riskLimits(wallet('9699.99999999'), risk).dailyLossHit).toBe(true);
    expect(riskLimits(wallet('9000', '10000', '9200'), risk).dailyLossHit).toBe(false);
  });

  it('reports percentages for display', () => {
    const l = riskLimits(wallet('9000'), risk);
    expect(l.drawdownPct).toBeCloseTo(10);
    expect(l.dayChangePct).toBeCloseTo(-10);
  });
});

describe('nextUtcDayStart', () => {
  it('is the next 00:00 UTC, also at exactly midnight', () => {
    expect(nextUtcDayStart(Date.parse('2023-03-20T13:45:00Z'))).toBe(Date.parse('2023-03-21T00:00:00Z'));
    expect(nextUtcDayStart(Date.parse('2023-03-21T00:00:00Z'))).toBe(Date.parse('2023-03-22T00:00:00Z'));
  });
});
