import { describe, expect, it } from 'vitest';
import type { Candle } from '../candle.ts';
import { bundledCandles } from '../indicators/bundledCandles.testkit.ts';
import { RegimeParamsSchema } from '../regime/params.ts';
import { resolveRegimeParams } from '../regime/index.ts';
import { getStrategy } from '../strategy/registry.ts';
import { A, riskParams, testPosition } from '../testing/builders.ts';
import { initialSymbolState, symbolStep, type SymbolStepInput } from './symbolStep.ts';

const M = 60_000;
const T = Date.parse('2023-03-20T12:00:00Z');
const candle = (i: number, o: number, h: number, l: number, c: number): Candle => ({ t: T + i * M, o, h, l, c, v: 1 });
// A held position: stop 26900, target 27200, checked through the candle before T.
const position = testPosition({ checkedThrough: T - M, entryTime: T });

const base = (over: Partial<SymbolStepInput>): SymbolStepInput => ({
  symbol: 'BTC/USDT', state: initialSymbolState('1m'), candles: [], position: null, now: T + M, tradable: true, mode: 'NORMAL', entriesPaused: false,
  strategy: getStrategy('regime_trend'), risk: riskParams(), regime: resolveRegimeParams(RegimeParamsSchema.parse({}), '1m'), ...over,
});

describe('symbolStep: protective exits over every candle since the last check', () => {
  it('checks each missed candle in order; the first hit wins', () => {
    const candles = [candle(0, 27000, 27050, 26950, 27000), candle(1, 27000, 27010, 26850, 26900), candle(2, 26900, 27300, 26890, 27250)];
    const r = symbolStep(base({ candles, position, now: T + 3 * M }));
    expect(r.intent).toMatchObject({ side: 'sell', reason: 'stop_loss', candleTime: T + M, refPrice: A('26900'), qty: position.qty });
    expect(r.position!.checkedThrough).toBe(T + M);
  });

  it('a gap through the stop exits at the open', () => {
    const r = symbolStep(base({ candles: [candle(0, 26800, 26850, 26700, 26750)], position }));
    expect(r.intent).toMatchObject({ reason: 'stop_loss', refPrice: A('26800') });
  });

  it('never re-checks a candle already checked, and moves the trailing levels', () => {
    const candles = [candle(0, 27000, 27100, 26950, 27050)];
    const once = symbolStep(base({ candles, position }));
    expect(once.intent).toBeNull();
    expect(once.position).toMatchObject({ highWater: A('27100'), checkedThrough: T, lastPrice: A('27050') });
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
  const step = (over: Partial<SymbolStepInput>) => symbolStep(base({ candles: history, now, strategy: getStrategy('buy_and_hold'), ...over }));

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
