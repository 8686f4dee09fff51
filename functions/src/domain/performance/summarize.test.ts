import { describe, expect, it } from 'vitest';
import { toAmount } from '../money.ts';
import { summarizeTrades, type PerfTrade } from './summarize.ts';

const MIN = 60_000;
const a = (s: string) => toAmount(s);
const trade = (min: number, side: 'buy' | 'sell', qtyDelta: string, fee: string, pnl: string): PerfTrade => ({
  symbol: 'BTC/USDT',
  side,
  qtyDelta: a(qtyDelta),
  fee: a(fee),
  realizedPnl: a(pnl),
  time: min * MIN,
});

describe('summarizeTrades (hand-computed)', () => {
  // a win of +100, a loss of −40, one position still open; equity peaks at 1100 and falls to 1060
  const trades = [
    trade(240, 'buy', '1', '1', '0'),
    trade(0, 'buy', '1', '1', '0'),
    trade(60, 'sell', '-1', '1', '100'),
    trade(120, 'buy', '2', '2', '0'),
    trade(180, 'sell', '-2', '2', '-40'),
  ];
  const equity = [
    [0, '1000'],
    [60, '1100'],
    [120, '1100'],
    [180, '1060'],
    [240, '1060'],
    [300, '1080'],
  ].map(([m, e]) => ({ time: Number(m) * MIN, equity: a(String(e)) }));
  const s = summarizeTrades(trades, equity, [{ qty: a('1'), entryPrice: a('1000'), markPrice: a('1020.5') }]);

  it('sums money exactly', () => {
    expect(s.realizedPnl).toBe(a('60'));
    expect(s.feesPaid).toBe(a('7'));
    expect(s.unrealizedPnl).toBe(a('20.5'));
    expect(s.grossProfit).toBe(a('100'));
    expect(s.grossLoss).toBe(a('-40'));
    expect(s.avgWin).toBe(a('100'));
    expect(s.avgLoss).toBe(a('-40'));
  });

  it('counts round trips', () => {
    expect([s.trades, s.closedTrades, s.wins, s.losses]).toEqual([5, 2, 1, 1]);
    expect(s.winRate).toBe(0.5);
    expect(s.profitFactor).toBe(2.5);
  });

  it('measures drawdown from the running peak and time in the market', () => {
    expect(s.peakEquity).toBe(a('1100'));
    expect(s.maxDrawdown).toBe(a('40'));
    expect(s.maxDrawdownPct).toBeCloseTo(40 / 1100, 12);
    // open 0–60, 120–180 and 240–300 of 0–300
    expect(s.exposure).toBeCloseTo(0.6, 12);
  });

  it('annualizes Sharpe and Sortino from point-to-point returns', () => {
    const day = 24 * 60 * MIN;
    const r = summarizeTrades(
      [],
      [
        { time: 0, equity: a('100') },
        { time: day, equity: a('110') },
        { time: 2 * day, equity: a('104.5') },
      ],
    );
    // returns +10 %, −5 %: mean 2.5 %, sample sd 7.5 %·√2, downside deviation √(0.05²/2)
    expect(r.sharpe).toBeCloseTo((0.025 / (0.075 * Math.SQRT2)) * Math.sqrt(365), 9);
    expect(r.sortino).toBeCloseTo((0.025 / Math.sqrt(0.0025 / 2)) * Math.sqrt(365), 9);
  });

  it('rounds an unrealized loss against the bot and reports empty inputs as null', () => {
    const r = summarizeTrades([], [], [{ qty: 1n, entryPrice: a('1.5'), markPrice: a('1') }]);
    expect(r.unrealizedPnl).toBe(-1n);
    expect([r.winRate, r.profitFactor, r.avgWin, r.avgLoss, r.exposure, r.sharpe, r.peakEquity]).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(r.maxDrawdown).toBe(0n);
  });

  it('gives an infinite profit factor with wins and no losses', () => {
    expect(summarizeTrades([trade(0, 'buy', '1', '0', '0'), trade(1, 'sell', '-1', '0', '5')], []).profitFactor).toBe(Infinity);
  });
});
