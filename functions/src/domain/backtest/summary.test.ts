import { describe, expect, it } from 'vitest';
import type { BacktestResult } from '../engine/backtestLoop.ts';
import { toAmount as A } from '../money.ts';
import { openingBook } from '../portfolio/book.ts';
import type { Trade } from '../trading.types.ts';
import { benchmark, scoreBacktest, summarizeBacktest } from './summary.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2023, 0, 1);
const trade = (id: string, day: number, side: 'buy' | 'sell', pnl: string, fee = '1'): Trade => ({
  id,
  seq: day + 1,
  signalId: id,
  symbol: 'BTC/USDT',
  side,
  reason: side === 'buy' ? 'regime_entry' : 'regime_exit',
  qty: A('1'),
  price: A('100'),
  fee: A(fee),
  cashDelta: 0n,
  qtyDelta: side === 'buy' ? A('1') : A('-1'),
  realizedPnl: A(pnl),
  time: T0 + day * DAY,
});

function result(equity: number[], trades: Trade[]): BacktestResult {
  const n = equity.length;
  return {
    book: openingBook(A('100'), T0),
    trades,
    signals: [],
    rejections: [],
    skipped: {},
    regimes: {},
    killedAt: null,
    dailyLossPauses: 1,
    maxDrawdownPct: 0,
    locks: [],
    entryRegimes: new Map([
      ['b1', 'bull_trend'],
      ['b2', 'bull_trend'],
      ['b3', 'high_volatility'],
    ]),
    equity: {
      length: n,
      t: Float64Array.from(equity.map((_, i) => T0 + i * DAY)),
      equity: BigInt64Array.from(equity.map((e) => A(String(e)))),
      cash: new BigInt64Array(n),
      drawdownPct: new Float64Array(n),
      killed: new Uint8Array(n),
    },
  };
}

describe('summarizeBacktest (hand-computed)', () => {
  // Equity 100 → 110 → 104.5 → 114.95: daily returns +10 %, −5 %, +10 %.
  // Round trips +30, −10, +20 (net of fees).
  const trades = [
    trade('b1', 0, 'buy', '0'),
    trade('s1', 1, 'sell', '30'),
    trade('b2', 1, 'buy', '0'),
    trade('s2', 2, 'sell', '-10'),
    trade('b3', 2, 'buy', '0'),
    trade('s3', 3, 'sell', '20'),
  ];
  const s = summarizeBacktest(result([100, 110, 104.5, 114.95], trades), {}, A('100'));

  it('returns and drawdown', () => {
    expect(s.totalReturnPct).toBe(14.95);
    expect(s.finalEquity).toBe('114.95000000');
    expect(s.maxDrawdownPct).toBe(5); // 110 → 104.5
  });

  it('Sharpe from the mean over the sample deviation of the returns, annualized by √(periods a year)', () => {
    // mean 0.05; deviations 0.05, −0.1, 0.05 → sample variance 0.015 / 2 → σ 0.0866025
    expect(s.sharpe).toBeCloseTo((0.05 / Math.sqrt(0.0075)) * Math.sqrt(365), 3);
    expect(s.sortino).toBeCloseTo((0.05 / Math.sqrt(0.0025 / 3)) * Math.sqrt(365), 3);
  });

  it('profit factor, win rate and the splits count round trips', () => {
    expect(s.profitFactor).toBe(5); // (30 + 20) / 10
    expect(s.winRatePct).toBe(66.6667);
    expect([s.trades, s.fills, s.dailyLossPauses]).toEqual([3, 6, 1]);
    expect(s.feesPaid).toBe('6.00000000');
    expect(s.perRegime).toEqual({
      bull_trend: { roundTrips: 2, realizedPnl: '20.00000000', winRatePct: 50, feesPaid: '4.00000000' },
      high_volatility: { roundTrips: 1, realizedPnl: '20.00000000', winRatePct: 100, feesPaid: '2.00000000' },
    });
    expect(s.perSymbol['BTC/USDT']!.roundTrips).toBe(3);
  });

  it('splits by exit reason; lists every round trip with its entry, exit, duration and reason; months from the curve', () => {
    expect(s.perExitReason).toEqual({
      regime_exit: { roundTrips: 3, realizedPnl: '40.00000000', winRatePct: 66.6667, feesPaid: '6.00000000' },
    });
    expect(s.tradeList.map((r) => [r.entryTime.slice(0, 10), r.exitTime.slice(0, 10), r.durationMs, r.reason, r.regime, r.pnl])).toEqual([
      ['2023-01-01', '2023-01-02', DAY, 'regime_exit', 'bull_trend', '30.00000000'],
      ['2023-01-02', '2023-01-03', DAY, 'regime_exit', 'bull_trend', '-10.00000000'],
      ['2023-01-03', '2023-01-04', DAY, 'regime_exit', 'high_volatility', '20.00000000'],
    ]);
    expect(s.monthly).toEqual([{ month: '2023-01', returnPct: 14.95, benchmarkReturnPct: null }]);
    expect(s.warmupFrom).toBeNull();
  });

  it('scoreBacktest is the head of the summary without the benchmark, months and lists (what the optimiser scores a trial by)', () => {
    const { totalReturnPct, cagrPct, maxDrawdownPct, sharpe, sortino, calmar } = s;
    expect(scoreBacktest(result([100, 110, 104.5, 114.95], trades), A('100'))).toEqual({
      ...{ totalReturnPct, cagrPct, maxDrawdownPct, sharpe, sortino, calmar },
      trades: 3,
      feesPaid: '6.00000000',
    });
  });

  it('benchmark: equal weight, held from the first close to the last', () => {
    const c = (t: number, close: number) => ({ t, o: close, h: close, l: close, c: close, v: 1 });
    const b = benchmark({ A: [c(0, 10), c(1, 5), c(2, 20)], B: [c(0, 100), c(1, 100), c(2, 100)] });
    expect(b.totalReturnPct).toBe(50); // (0.5·2 + 0.5·1) − 1
    expect(b.maxDrawdownPct).toBe(25); // 1 → 0.75
    expect(b.series.map(([t]) => t)).toEqual([0, 1, 2]);
    expect(benchmark({ A: [c(0, 10), c(5, 20)] }, 5).series).toEqual([
      [5, 1],
      [10, 2],
    ]); // at each close
  });
});
