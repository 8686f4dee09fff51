import { describe, expect, it } from 'vitest';
import type { Candle } from '../candle.ts';
import { bundledCandles } from '../indicators/bundledCandles.testkit.ts';
import { RegimeParamsSchema } from '../regime/params.ts';
import { resolveRegimeParams } from '../regime/index.ts';
import { getStrategy } from '../../strategies/registry.ts';
import { A, riskParams, testPosition } from '../testing/builders.ts';
import { initialSymbolState, symbolStep, type SymbolState, type SymbolStepInput } from './symbolStep.ts';

const M = 60_000;
const T = Date.parse('2023-03-20T12:00:00Z');
const candle = (i: number, o: number, h: number, l: number, c: number): Candle => ({ t: T + i * M, o, h, l, c, v: 1 });
// A held position: stop 26900, target 27200, entered (and checked) until T.
const position = testPosition({ checkedUntil: T, entryTime: T });

const base = (over: Partial<SymbolStepInput>): SymbolStepInput => ({
  symbol: 'BTC/USDT',
  state: initialSymbolState('1m'),
  candles: [],
  position: null,
  now: T + M,
  tradable: true,
  mode: 'NORMAL',
  entriesPaused: false,
  strategy: getStrategy('regime_trend'),
  risk: riskParams(),
  regime: resolveRegimeParams(RegimeParamsSchema.parse({}), '1m'),
  ...over,
});

describe('symbolStep: protective exits over every candle since the last check', () => {
  it('checks each missed candle in order; the first hit wins, priced at the close of the candle that crossed', () => {
    const candles = [candle(0, 27000, 27050, 26950, 27000), candle(1, 27000, 27010, 26850, 26880), candle(2, 26900, 27300, 26890, 27250)];
    const r = symbolStep(base({ candles, position, now: T + 3 * M }));
    expect(r.intent).toMatchObject({
      side: 'sell',
      reason: 'stop_loss',
      timeframe: '1m',
      candleTime: T + M,
      refPrice: A('26880'),
      qty: position.qty,
    });
    expect(r.position!.checkedUntil).toBe(T + 2 * M);
  });

  it('a gap through the stop sells at the close too: the market order goes out when the candle has closed', () => {
    const r = symbolStep(base({ candles: [candle(0, 26800, 26850, 26700, 26750)], position }));
    expect(r.intent).toMatchObject({ reason: 'stop_loss', refPrice: A('26750') });
  });

  it('a take-profit needs a close at or above the target: a wick that falls back does not sell, and it never books below the target', () => {
    const wick = symbolStep(base({ candles: [candle(0, 27000, 27300, 26990, 27100)], position }));
    expect(wick.intent).toBeNull();
    const close = symbolStep(
      base({
        state: wick.state,
        candles: [candle(0, 27000, 27300, 26990, 27100), candle(1, 27100, 27260, 27090, 27240)],
        position: wick.position,
        now: T + 2 * M,
      }),
    );
    expect(close.intent).toMatchObject({ reason: 'take_profit', candleTime: T + M, refPrice: A('27240') });
    expect(close.intent!.refPrice).toBeGreaterThanOrEqual(position.takeProfit);
  });

  it('never re-checks a candle already checked, and moves the trailing levels', () => {
    const candles = [candle(0, 27000, 27100, 26950, 27050)];
    const once = symbolStep(base({ candles, position }));
    expect(once.intent).toBeNull();
    expect(once.position).toMatchObject({ highWater: A('27100'), checkedUntil: T + M, lastPrice: A('27050') });
    // the same candle again (a repeated tick): nothing new
    const again = symbolStep(base({ state: once.state, candles, position: once.position }));
    expect(again.walked).toBe(0);
    expect(again.position).toEqual(once.position);
  });

  it('decides nothing for a symbol with an order in flight, but still walks its candles', () => {
    const state = { ...initialSymbolState('1m'), pending: { signalId: 'x', side: 'sell' as const, emittedAt: T } };
    const r = symbolStep(base({ state, candles: [candle(0, 26800, 26850, 26700, 26750)], position }));
    expect(r.intent).toBeNull();
    expect(r.walked).toBe(1);
    expect(r.position).toEqual(position);
  });
});

describe('symbolStep: entries', () => {
  const history = bundledCandles('BTC_USDT-1m').slice(0, 300);
  const now = history.at(-1)!.t + M;
  const step = (over: Partial<SymbolStepInput>) =>
    symbolStep(base({ candles: history, now, strategy: getStrategy('buy_and_hold'), ...over }));

  it('reads out each candle it walks (EMA50, EMA200, confirmed regime): what the chart draws; none when handed over', () => {
    const first = step({});
    expect(first.readings.map((r) => r.t)).toEqual(history.map((c) => c.t));
    expect(first.readings.at(-1)).toEqual({
      t: history.at(-1)!.t,
      ema50: first.state.snapshot!.ema50,
      ema200: first.state.snapshot!.ema200,
      regime: first.state.regime.regime,
    });
    // a catch-up in two steps reads out the same as one step over all of it
    const half = step({ candles: history.slice(0, 150), now: history[149]!.t + M });
    const rest = step({ state: half.state });
    expect([...half.readings, ...rest.readings]).toEqual(first.readings);
    expect(step({ state: initialSymbolState('1m'), handOver: true }).readings).toEqual([]);
  });

  it('enters on the newest candle once warmed up', () => {
    expect(step({}).intent).toMatchObject({ side: 'buy', reason: 'benchmark_entry', candleTime: history.at(-1)!.t, qty: null });
  });

  it('never enters a held-but-unconfigured symbol, a stale feed, a paused account or a PAUSED mode', () => {
    expect(step({ tradable: false }).intent).toBeNull();
    expect(step({ now: now + 5 * M }).intent).toBeNull();
    expect(step({ entriesPaused: true }).intent).toBeNull();
    expect(step({ mode: 'PAUSED' }).intent).toBeNull();
  });

  it('raises one stale alert at the onset of an outage, dated when it began', () => {
    const first = step({ now: now + 5 * M });
    expect(first.alerts).toEqual([expect.objectContaining({ kind: 'stale_feed', createdAt: now + 5 * M })]);
    const second = symbolStep(base({ state: first.state, now: now + 9 * M }));
    expect(second.alerts).toEqual([]);
    expect(second.state.staleSince).toBe(now + 5 * M);
  });
});

describe('symbolStep: protection on 1m guard candles under 4h decisions', () => {
  const H4 = 4 * 60 * M;
  const D = Date.parse('2023-03-20T08:00:00Z'); // a 4h candle; it closes at D + H4, where the position was entered
  const decision = { t: D, o: 27000, h: 27100, l: 26950, c: 27000, v: 1 };
  const entered = testPosition({ entryTime: D + H4, checkedUntil: D + H4 }); // stop 26900, target 27200
  const state4h = { ...initialSymbolState('4h'), lastCandleAt: D, price: 27000 };
  const g = (minute: number, o: number, h: number, l: number, c: number): Candle => ({ t: D + H4 + minute * M, o, h, l, c, v: 1 });
  const guardOf = (candles: Candle[]) => ({ timeframe: '1m' as const, candles });
  const step4h = (over: Partial<SymbolStepInput>) =>
    symbolStep(
      base({
        state: state4h,
        candles: [decision],
        position: entered,
        regime: resolveRegimeParams(RegimeParamsSchema.parse({}), '4h'),
        ...over,
      }),
    );

  it('a stop crossed between two 4h closes is sold at the close of the 1m candle that crossed it, on the tick a minute later', () => {
    const minutes = [
      g(0, 27000, 27010, 26990, 27000),
      g(1, 27000, 27005, 26950, 26960),
      g(2, 26960, 26970, 26880, 26890),
      g(3, 26890, 26900, 26800, 26820),
    ];
    // ticks every minute: nothing until the tick after minute 2 closes
    let pos = entered;
    let st: SymbolState = state4h;
    for (let k = 1; k <= 2; k++) {
      const r = step4h({ state: st, position: pos, guard: guardOf(minutes.slice(0, k)), now: D + H4 + k * M });
      expect(r.intent).toBeNull();
      expect(r.protectedOn).toBe('1m');
      pos = r.position!;
      st = r.state;
    }
    const hit = step4h({ state: st, position: pos, guard: guardOf(minutes.slice(0, 3)), now: D + H4 + 3 * M });
    expect(hit.intent).toMatchObject({
      side: 'sell',
      reason: 'stop_loss',
      timeframe: '1m',
      candleTime: D + H4 + 2 * M,
      refPrice: A('26890'),
    });
    expect(hit.mark).toEqual({ price: A('26890'), candleTime: D + H4 + 2 * M, timeframe: '1m' });
    // a tick that catches up the same minutes at once decides the same exit
    const catchUp = step4h({ guard: guardOf(minutes), now: D + H4 + 4 * M });
    expect(catchUp.intent).toEqual(hit.intent);
  });

  it('never checks guard candles from before the entry, nor any already checked', () => {
    const before = { t: D + H4 - M, o: 26000, h: 26000, l: 25000, c: 25500, v: 1 };
    const r = step4h({ guard: guardOf([before, g(0, 27000, 27010, 26990, 27000)]), now: D + H4 + M });
    expect(r.intent).toBeNull();
    expect(r.position!.checkedUntil).toBe(D + H4 + M);
  });

  it('without guard candles (a source with no 1m) the stops run on the decision candles, priced at the level as before', () => {
    const next = { t: D + H4, o: 27000, h: 27050, l: 26800, c: 26850, v: 1 };
    const r = step4h({ candles: [decision, next], now: D + 2 * H4 });
    expect(r.protectedOn).toBe('4h');
    expect(r.intent).toMatchObject({ reason: 'stop_loss', timeframe: '4h', candleTime: D + H4, refPrice: A('26900') });
  });

  it('an order in flight: stops wait for its outcome, and the step says it did not check', () => {
    const pendingState = { ...state4h, pending: { signalId: 'x', side: 'sell' as const, emittedAt: D } };
    const r = step4h({ state: pendingState, guard: guardOf([g(0, 26800, 26850, 26700, 26750)]), now: D + H4 + M });
    expect(r.intent).toBeNull();
    expect(r.protectedOn).toBeNull();
  });
});
