import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toAmount } from '../money.ts';
import { EXIT_REASONS, type SignalReason } from '../trading.types.ts';
import {
  addTrade,
  closeDay,
  dailySeries,
  emptyDay,
  horizonStartDay,
  inHorizon,
  rollupLedger,
  summarizeDays,
  type RollupTrade,
} from './daily.ts';
import { roundTrips } from './roundTrips.ts';
import { summarizeTrades } from './summarize.ts';

const a = (s: string) => toAmount(s);
const DAY = 86_400_000;
const D0 = Date.parse('2023-04-10T00:00:00Z');
let seq = 0;
const t = (time: number, side: 'buy' | 'sell', reason: SignalReason, fee: string, pnl: string): RollupTrade => ({
  seq: ++seq,
  side,
  reason,
  fee: a(fee),
  realizedPnl: a(pnl),
  time,
});

describe('daily rollups (hand-computed)', () => {
  seq = 0;
  const ledger = [
    t(D0 + 1000, 'buy', 'regime_entry', '1.5', '0'),
    t(D0 + 2000, 'sell', 'take_profit', '1.25', '100.10000001'),
    t(D0 + 3000, 'buy', 'regime_entry', '1', '0'),
    t(D0 + DAY - 1, 'sell', 'stop_loss', '1', '-40.5'),
    t(D0 + DAY, 'buy', 'regime_entry', '2', '0'),
    t(D0 + DAY + 5, 'sell', 'stop_loss', '2', '-0.00000001'),
  ];
  const days = rollupLedger(ledger);

  it('splits the ledger at UTC midnight and sums money to the unit', () => {
    expect(days.map((d) => d.day)).toEqual(['20230410', '20230411']);
    expect(days[0]).toMatchObject({
      trades: 4,
      closed: 2,
      wins: 1,
      losses: 1,
      realizedPnl: a('59.60000001'),
      grossProfit: a('100.10000001'),
      grossLoss: a('-40.5'),
      fees: a('4.75'),
      lastSeq: 4,
    });
    expect(days[1]).toMatchObject({ trades: 2, closed: 1, wins: 0, losses: 1, realizedPnl: a('-0.00000001'), fees: a('4') });
  });

  it('breaks wins and losses down by exit reason', () => {
    expect(days[0]!.byReason).toEqual({
      take_profit: { wins: 1, losses: 0, pnl: a('100.10000001') },
      stop_loss: { wins: 0, losses: 1, pnl: a('-40.5') },
    });
    expect(summarizeDays(days).byReason).toEqual({
      take_profit: { wins: 1, losses: 0, pnl: a('100.10000001') },
      stop_loss: { wins: 0, losses: 2, pnl: a('-40.50000001') },
    });
  });

  it('counts a fill once: a redelivered or rebuilt trade leaves the rollup as it was', () => {
    const once = addTrade(emptyDay('20230410'), ledger[1]!);
    expect(addTrade(once, ledger[1]!)).toBe(once);
    expect(() => addTrade(emptyDay('20230411'), ledger[0]!)).toThrow(RangeError);
  });

  it('measures drawdown from the running peak the tick recorded, and draws cumulative profit', () => {
    const closed = [
      closeDay(days[0]!, { open: a('1000'), close: a('1050'), peak: a('1100') }),
      closeDay(days[1]!, { open: a('1050'), close: a('1045'), peak: a('1100') }),
    ];
    const series = dailySeries(closed);
    expect(series.map((p) => [p.time, p.cumulative, p.drawdown])).toEqual([
      [D0, a('59.60000001'), a('50')],
      [D0 + DAY, a('59.6'), a('55')],
    ]);
    const s = summarizeDays(closed);
    expect([s.maxDrawdown, s.maxDrawdownPct]).toEqual([a('55'), 55 / 1100]);
    expect([s.days, s.trades, s.closed, s.wins, s.losses, s.winRate]).toEqual([2, 6, 3, 1, 2, 1 / 3]);
    expect(s.profitFactor).toBeCloseTo(100.10000001 / 40.50000001, 12);
  });

  it('bounds horizons at UTC day starts: today, the last 7 days, the last 30 days, all', () => {
    const now = D0 + DAY - 1; // 2023-04-10 23:59:59.999
    expect(['1D', '1W', '1M', 'All'].map((h) => horizonStartDay(h as '1D', now))).toEqual(['20230410', '20230404', '20230312', '00000000']);
    expect(inHorizon('1W', now, '20230403')).toBe(false);
    expect(inHorizon('1W', now, '20230404')).toBe(true);
    expect(inHorizon('1D', now + 1, '20230410')).toBe(false);
    expect(inHorizon('All', now, '20230411')).toBe(false);
  });
});

describe('round trips', () => {
  it('gives each closing sell its duration and profit % on the cash its buys cost', () => {
    const trips = roundTrips([
      { id: 's', seq: 2, symbol: 'X', side: 'sell', cashDelta: a('1049'), qtyDelta: a('-1'), realizedPnl: a('48'), time: 5000 },
      { id: 'b', seq: 1, symbol: 'X', side: 'buy', cashDelta: a('-1001'), qtyDelta: a('1'), realizedPnl: 0n, time: 1000 },
      { id: 'orphan', seq: 3, symbol: 'Y', side: 'sell', cashDelta: a('10'), qtyDelta: a('-1'), realizedPnl: a('1'), time: 6000 },
    ]);
    expect([...trips.keys()]).toEqual(['s']);
    expect(trips.get('s')).toMatchObject({ openedAt: 1000, durationMs: 4000, cost: a('1001'), profitPct: 48 / 1001 });
  });
});

describe('rollups sum to the ledger (property)', () => {
  const money = fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n });
  const trade = fc.record({
    time: fc.integer({ min: D0, max: D0 + 60 * DAY }),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    reason: fc.constantFrom<SignalReason>('regime_entry', ...EXIT_REASONS),
    fee: fc.bigInt({ min: 0n, max: 10n ** 10n }),
    realizedPnl: fc.oneof(fc.constant(0n), money),
  });
  it('in money, counts, wins and losses, whatever the ledger, and any horizon is a sum of its days', () => {
    fc.assert(
      fc.property(fc.array(trade, { maxLength: 60 }), fc.integer({ min: 0, max: 70 }), (raw, nowDay) => {
        const ledger = raw.sort((x, y) => x.time - y.time).map((x, i) => ({ ...x, seq: i + 1 }));
        const days = rollupLedger(ledger);
        const s = summarizeDays(days);
        const ref = summarizeTrades(
          ledger.map((x) => ({ ...x, symbol: 'S', qtyDelta: 0n })),
          [],
        );
        expect([s.realizedPnl, s.fees, s.trades, s.closed, s.wins, s.losses, s.grossProfit, s.grossLoss]).toEqual([
          ref.realizedPnl,
          ref.feesPaid,
          ref.trades,
          ref.closedTrades,
          ref.wins,
          ref.losses,
          ref.grossProfit,
          ref.grossLoss,
        ]);
        const reasons = Object.values(s.byReason);
        const exits = ledger.filter(
          (x) => (EXIT_REASONS as readonly string[]).includes(x.reason) && (x.realizedPnl !== 0n || x.side === 'sell'),
        );
        expect(reasons.reduce((n, r) => n + r.pnl, 0n)).toBe(exits.reduce((n, x) => n + x.realizedPnl, 0n));
        const now = D0 + nowDay * DAY;
        const week = summarizeDays(days.filter((d) => inHorizon('1W', now, d.day)));
        const inWeek = ledger.filter(
          (x) =>
            x.time >= Date.parse(`${horizonStartDay('1W', now).replace(/(\d{4})(\d\d)(\d\d)/, '$1-$2-$3')}T00:00:00Z`) &&
            x.time < Math.floor(now / DAY) * DAY + DAY,
        );
        expect(week.realizedPnl).toBe(inWeek.reduce((n, x) => n + x.realizedPnl, 0n));
        expect(week.trades).toBe(inWeek.length);
      }),
    );
  });
});
