import { describe, expect, it } from 'vitest';
import { toAmount as A } from '../money.ts';
import { addTrade, emptyDay, type DayRollup } from './daily.ts';
import { performanceBySymbol, periodReports, periodsFromDay, periodStart } from './periods.ts';

const at = (iso: string) => Date.parse(iso);
const sell = (seq: number, iso: string, pnl: string) => ({
  seq,
  side: 'sell' as const,
  reason: 'take_profit' as const,
  fee: A('1'),
  realizedPnl: A(pnl),
  time: at(iso),
});
const day = (d: string, ...trades: ReturnType<typeof sell>[]): DayRollup => trades.reduce(addTrade, emptyDay(d));

describe('period reports from the daily rollups', () => {
  it('a period starts on the day, the ISO Monday, the 1st', () => {
    expect(periodStart('day', '20261205')).toBe('20261205');
    expect(periodStart('week', '20261205')).toBe('20261130'); // Saturday → Monday
    expect(periodStart('week', '20261130')).toBe('20261130');
    expect(periodStart('week', '20261206')).toBe('20261130'); // Sunday ends the ISO week
    expect(periodStart('month', '20261205')).toBe('20261201');
  });

  it("the last n periods, newest first, empty ones as zeros; the sums are the rollups' exactly", () => {
    const now = at('2026-12-05T12:00:00Z');
    const rollups = [
      day('20261130', sell(1, '2026-11-30T10:00:00Z', '10.5')),
      day('20261204', sell(2, '2026-12-04T10:00:00Z', '-3.25'), sell(3, '2026-12-04T11:00:00Z', '2')),
    ];
    const days = periodReports(rollups, 'day', 3, now);
    expect(days.map((p) => [p.start, p.realizedPnl, p.closed])).toEqual([
      ['20261205', 0n, 0],
      ['20261204', A('-1.25'), 2],
      ['20261203', 0n, 0],
    ]);
    const weeks = periodReports(rollups, 'week', 2, now);
    expect(weeks.map((p) => [p.start, p.realizedPnl, p.wins, p.losses])).toEqual([
      ['20261130', A('9.25'), 2, 1],
      ['20261123', 0n, 0, 0],
    ]);
    const months = periodReports(rollups, 'month', 2, now);
    expect(months.map((p) => [p.start, p.realizedPnl, p.fees])).toEqual([
      ['20261201', A('-1.25'), A('2')],
      ['20261101', A('10.5'), A('1')],
    ]);
    expect(periodsFromDay('month', 2, now)).toBe('20261101');
    expect(periodsFromDay('week', 2, now)).toBe('20261123');
  });

  it('performance by symbol: best first, adjustments left out, wins and losses by the closing rule', () => {
    const t = (
      symbol: string,
      side: 'buy' | 'sell',
      pnl: string,
      reason: 'regime_entry' | 'stop_loss' | 'adjustment' = side === 'buy' ? 'regime_entry' : 'stop_loss',
    ) => ({ symbol, side, reason, fee: A('0.5'), realizedPnl: A(pnl) });
    const rows = performanceBySymbol([
      t('ETH/USDT', 'buy', '0'),
      t('ETH/USDT', 'sell', '-4'),
      t('BTC/USDT', 'buy', '0'),
      t('BTC/USDT', 'sell', '7'),
      t('BTC/USDT', 'sell', '99', 'adjustment'),
    ]);
    expect(rows).toEqual([
      { symbol: 'BTC/USDT', trades: 2, closed: 1, wins: 1, losses: 0, realizedPnl: A('7'), fees: A('1') },
      { symbol: 'ETH/USDT', trades: 2, closed: 1, wins: 0, losses: 1, realizedPnl: A('-4'), fees: A('1') },
    ]);
  });
});
