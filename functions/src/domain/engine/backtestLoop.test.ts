import { describe, expect, it } from 'vitest';
import type { Candle } from '../candle.ts';
import { bundledCandles, type BundledFile } from '../indicators/bundledCandles.testkit.ts';
import { toAmount as A } from '../money.ts';
import { findLedgerDiscrepancies } from '../portfolio/ledger.ts';
import { RegimeParamsSchema } from '../regime/params.ts';
import { resolveRegimeParams } from '../regime/index.ts';
import type { RiskParams } from '../risk/params.ts';
import { getStrategy } from '../../strategies/registry.ts';
import { riskParams, testRules } from '../testing/builders.ts';
import type { Timeframe } from '../candle.ts';
import { rollUp } from '../rollup.ts';
import { initialStops } from '../risk/stops.ts';
import { KILL_SWITCH_VERSION } from './accountStep.ts';
import { backtestLoop, equityPoints, type BacktestInput } from './backtestLoop.ts';

const H = 3_600_000;
const M = 60_000;

const slice = (file: BundledFile, from: number, to: number): Candle[] => bundledCandles(file).filter((c) => c.t >= from && c.t < to);
const rules = testRules('0.00001', '5');

function run(candles: Record<string, Candle[]>, timeframe: Timeframe, risk: RiskParams, over: Partial<BacktestInput> = {}) {
  return backtestLoop({
    timeframe,
    candles,
    strategy: getStrategy('regime_trend'),
    risk,
    regime: resolveRegimeParams(RegimeParamsSchema.parse({}), timeframe),
    rulesFor: () => rules,
    feeBps: 10,
    slippageBps: 5,
    initialCash: A('10000'),
    ...over,
  });
}

describe('backtestLoop on the FTX collapse (real Binance 1h candles, Nov 2022)', () => {
  // 600 hours of history first (as a live tick's window), then the crash week.
  const from = Date.parse('2022-11-06T00:00:00Z');
  const candles = {
    'BTC/USDT': slice('BTC_USDT-1h', from - 600 * H, from + 7 * 24 * H),
    'ETH/USDT': slice('ETH_USDT-1h', from - 600 * H, from + 7 * 24 * H),
  };
  // Hold exposure through the crash on purpose: buy-and-hold, stops 50 ATR away, so only the
  // account-level kill switch can end it.
  const loose = riskParams({
    riskPerTradePct: 10,
    stopAtrMult: 50,
    takeProfitAtrMult: 100,
    trailingAtrMult: 50,
    trailingActivationAtrMult: 100,
    maxExposurePerSymbolPct: 50,
  });
  const result = run(candles, '1h', loose, { strategy: getStrategy('buy_and_hold'), warmupUntil: from - H });

  it('drives buy-and-hold past the 15 % drawdown into the kill switch: KILLED and flat', () => {
    expect(result.maxDrawdownPct).toBeGreaterThan(15);
    expect(result.killedAt).toBeGreaterThan(Date.parse('2022-11-08T00:00:00Z'));
    expect(result.book.mode).toBe('KILLED');
    expect(result.book.positions).toEqual({});
  });

  it('liquidates every open position at the close of the kill candle, and trades no more', () => {
    const killed = result.trades.filter((t) => t.reason === 'kill_switch');
    expect(killed.map((t) => t.symbol).sort()).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(killed.every((t) => t.side === 'sell' && t.time === result.killedAt)).toBe(true);
    expect(result.signals.filter((s) => s.reason === 'kill_switch').every((s) => s.strategyVersion === KILL_SWITCH_VERSION)).toBe(true);
    expect(result.trades.filter((t) => t.time > result.killedAt!)).toEqual([]);
    const points = equityPoints(result.equity);
    expect(points.filter((p) => p.t >= result.killedAt!).every((p) => p.killed)).toBe(true);
    expect(points.filter((p) => p.t < result.killedAt!).every((p) => !p.killed)).toBe(true);
  });

  it('keeps the ledger exact and one equity point per step', () => {
    expect(findLedgerDiscrepancies(result.book.wallet, result.book.positions, result.trades)).toEqual([]);
    expect(result.equity.length).toBe(7 * 24 + 1); // the warm-up batch, then one per hour
    expect(equityPoints(result.equity).every((p) => p.cash >= 0n)).toBe(true);
  });

  it('is deterministic', () => {
    expect(run(candles, '1h', loose, { strategy: getStrategy('buy_and_hold'), warmupUntil: from - H })).toEqual(result);
  });
});

describe('no look-ahead', () => {
  // Six hours of real 1m candles for two symbols after a 600-candle history.
  const from = Date.parse('2023-03-21T09:00:00Z');
  const full = {
    'BTC/USDT': slice('BTC_USDT-1m', from - 600 * M, from + 6 * H),
    'ETH/USDT': slice('ETH_USDT-1m', from - 600 * M, from + 6 * H),
  };
  const whole = run(full, '1m', riskParams(), { warmupUntil: from - M });

  it('trades in the window at all (the check below is not vacuous)', () => {
    expect(whole.trades.length).toBeGreaterThan(10);
  });

  it.each([17, 61, 133, 200, 299])('appending candles after minute %i never changes a decision made before it', (minutes) => {
    const cut = from + minutes * M;
    const prefix = Object.fromEntries(Object.entries(full).map(([s, cs]) => [s, cs.filter((c) => c.t < cut)]));
    const early = run(prefix, '1m', riskParams(), { warmupUntil: from - M });
    const decidedBy = (t: number) => t <= cut;
    expect(whole.trades.filter((t) => decidedBy(t.time))).toEqual(early.trades);
    expect(whole.signals.filter((s) => s.candleTime < cut).map((s) => s.id)).toEqual(early.signals.map((s) => s.id));
    expect(equityPoints(whole.equity).filter((p) => decidedBy(p.t))).toEqual(equityPoints(early.equity));
  });
});

describe('backtestLoop with 1m guard candles under 4h decisions', () => {
  it('stops a 4h position on the minute: the first 1m candle that crossed, priced at its close, booked at its close', () => {
    const open = Date.parse('2023-04-10T12:00:00Z');
    const H4 = 4 * H;
    const decisions = { 'BTC/USDT': rollUp(slice('BTC_USDT-1h', open - 700 * H4, open + 2 * H4), '1h', '4h') };
    const minutes = slice('BTC_USDT-1m', open - H4, open + 2 * H4);
    // the Scheduler's ticks: one a minute
    const tickTimes = minutes.map((c) => c.t + M);
    // a stop half an ATR away, no cost floor: the entry is stopped inside the next 4h candle
    const tight = riskParams({ stopAtrMult: 0.5, minStopCostMultiple: 0, trailingActivationAtrMult: 1000, takeProfitAtrMult: 1000 });
    const r = run(decisions, '4h', tight, {
      strategy: getStrategy('buy_and_hold'),
      warmupUntil: open - H4,
      guard: { timeframe: '1m', candles: { 'BTC/USDT': minutes } },
      tickTimes,
    });
    const entry = r.signals.find((s) => s.side === 'buy')!;
    const [buy, sell] = r.trades;
    expect(buy).toMatchObject({ side: 'buy', time: open });
    const { stopLoss } = initialStops(buy!.price, entry.atr, tight);
    const crossing = minutes.find((c) => c.t >= open && A(c.l) <= stopLoss)!;
    expect(crossing.t, 'crossed between two 4h closes').toBeLessThan(open + H4 - M);
    const exit = r.signals.find((s) => s.side === 'sell')!;
    expect(exit).toMatchObject({ reason: 'stop_loss', timeframe: '1m', candleTime: crossing.t, refPrice: A(crossing.c) });
    // booked at that candle's close: within a minute of the crossing, not at the next 4h close
    expect(sell).toMatchObject({ side: 'sell', reason: 'stop_loss', time: crossing.t + M });
    expect(findLedgerDiscrepancies(r.book.wallet, r.book.positions, r.trades)).toEqual([]);
  });
});

describe('backtestLoop step times', () => {
  const c = (t: number): Candle => ({ t, o: 100, h: 101, l: 99, c: 100, v: 1 });
  const risk = riskParams({});

  it('one step per distinct candle time across symbols (merged, each once), the warm-up candles in the first', () => {
    // A: hours 0..5; B: hours 2..7 and a gap at 4; warm-up through hour 1 → steps at 1 (the batch), 2, 3, 4, 5, 6, 7
    const candles = { A: [0, 1, 2, 3, 4, 5].map((h) => c(h * H)), B: [2, 3, 5, 6, 7].map((h) => c(h * H)) };
    const times = Array.from(run(candles, '1h', risk, { warmupUntil: H }).equity.t);
    expect(times).toEqual([1, 2, 3, 4, 5, 6, 7].map((h) => h * H + H));
  });

  it('refuses candles out of order, repeated or at a time that is not a number, naming the symbol and index', () => {
    expect(() => run({ A: [c(0), c(2 * H), c(H)] }, '1h', risk)).toThrow(
      'A: candle times must be finite and strictly ascending (at index 2)',
    );
    expect(() => run({ A: [c(0)], B: [c(H), c(H)] }, '1h', risk)).toThrow(
      'B: candle times must be finite and strictly ascending (at index 1)',
    );
    expect(() => run({ A: [c(NaN)] }, '1h', risk)).toThrow('A: candle times must be finite and strictly ascending (at index 0)');
  });
});
