/**
 * The strategy API as the engine runs it: indicators equal an independent implementation
 * (technicalindicators), the window stays bounded, and a catch-up step over many candles ends in
 * the same strategy state as one step per candle, handed over or not (what makes live = backtest).
 */
import { describe, expect, it } from 'vitest';
import { RSI, SMA, EMA, ROC } from 'technicalindicators';
import { z } from 'zod';
import { bundledCandles } from '../indicators/bundledCandles.testkit.ts';
import { initialSymbolState, symbolStep, type SymbolState, type SymbolStepInput } from '../engine/symbolStep.ts';
import { RegimeParamsSchema } from '../regime/params.ts';
import { resolveRegimeParams } from '../regime/index.ts';
import { riskParams } from '../testing/builders.ts';
import { ConfigError } from '../errors.ts';
import { symbolFromDoc, symbolToDoc, SymbolDoc } from '../../shared/store/codec.ts';
import { defineStrategy, MAX_HISTORY, STRATEGY_API_VERSION, sma } from './api.ts';
import { indicatorValue, type IndicatorSpec } from './indicators.ts';
import { getStrategy } from '../../strategies/registry.ts';
import { pushBar, strategyValues } from './window.ts';

const candles = bundledCandles('BTC_USDT-1h').slice(10_000, 10_400);
const closes = candles.map((c) => c.c);

describe('declared indicators', () => {
  it.each([
    [{ kind: 'sma', period: 20 }, (v: number[]) => SMA.calculate({ values: v, period: 20 }), 1e-9],
    [{ kind: 'ema', period: 20 }, (v: number[]) => EMA.calculate({ values: v, period: 20 }), 1e-9],
    [{ kind: 'roc', period: 10 }, (v: number[]) => ROC.calculate({ values: v, period: 10 }), 1e-9],
    // technicalindicators rounds RSI to two decimals
    [{ kind: 'rsi', period: 14 }, (v: number[]) => RSI.calculate({ values: v, period: 14 }), 0.0051],
  ] as const)('%j matches technicalindicators on real candles', (spec, reference, tol) => {
    const ref = reference(closes);
    const offset = closes.length - ref.length;
    let compared = 0;
    for (let i = offset; i < closes.length; i += 7) {
      const ours = indicatorValue(spec as IndicatorSpec, closes.slice(0, i + 1))!;
      expect(Math.abs(ours - ref[i - offset]!)).toBeLessThanOrEqual(tol * (spec.kind === 'rsi' ? 1 : Math.abs(ours)));
      compared++;
    }
    expect(compared).toBeGreaterThan(40);
    expect(indicatorValue(spec as IndicatorSpec, closes.slice(0, offset - 1))).toBeNull();
  });
});

describe('defineStrategy', () => {
  const base = {
    apiVersion: STRATEGY_API_VERSION as typeof STRATEGY_API_VERSION,
    name: 'probe',
    version: 'probe@1',
    description: 'test',
    params: z.strictObject({}),
    advise: () => ({ action: 'hold' }) as const,
  };
  it('derives the window from the declared history and indicators', () => {
    expect(defineStrategy(base).create({}).window).toEqual({ size: 0, fields: [] });
    expect(defineStrategy({ ...base, indicators: () => ({ s: sma(30) }) }).create({}).window).toEqual({ size: 30, fields: ['c'] });
    expect(
      defineStrategy({ ...base, indicators: () => ({ s: sma(30) }), history: () => ({ candles: 50, fields: ['h', 'l'] }) }).create({})
        .window,
    ).toEqual({ size: 50, fields: ['h', 'l', 'c'] });
  });
  it.each([
    [{ apiVersion: 2 }, /apiVersion 2/],
    [{ name: 'Bad-Name' }, /lower_snake_case/],
    [{ version: 'other@1' }, /must start with "probe@"/],
  ])('refuses %j', (over, msg) => {
    expect(() => defineStrategy({ ...base, ...over } as unknown as typeof base)).toThrow(msg);
  });
  it('refuses a history beyond MAX_HISTORY and a malformed indicator, naming it', () => {
    expect(() => defineStrategy({ ...base, history: () => ({ candles: MAX_HISTORY + 1 }) }).create({})).toThrow(ConfigError);
    expect(() => defineStrategy({ ...base, indicators: () => ({ fast: { kind: 'rsi', period: 1 } }) }).create({})).toThrow(
      /indicator fast/,
    );
  });
});

describe('the engine keeps the window and computes the indicators', () => {
  const strategy = getStrategy('rsi_dip');
  const input = (state: SymbolState, cs: typeof candles, handOver = false): SymbolStepInput => ({
    symbol: 'BTC/USDT',
    state,
    candles: cs,
    position: null,
    now: cs.at(-1)!.t + 3_600_000,
    tradable: true,
    mode: 'NORMAL',
    entriesPaused: false,
    strategy,
    risk: riskParams(),
    regime: resolveRegimeParams(RegimeParamsSchema.parse({}), '1h'),
    handOver,
  });

  it('keeps at most window.size closes; values are null until the window is full', () => {
    let bars = {};
    for (const c of candles.slice(0, 139)) bars = pushBar(bars, c, strategy.window, false);
    expect(strategyValues(strategy, bars)).toEqual({ rsi: null });
    for (const c of candles.slice(139, 300)) bars = pushBar(bars, c, strategy.window, true);
    expect((bars as { c: number[] }).c).toEqual(closes.slice(160, 300));
    expect(strategyValues(strategy, bars).rsi).toBe(indicatorValue({ kind: 'rsi', period: 14 }, closes.slice(160, 300)));
  });

  it('one catch-up step equals one step per candle, handed over or not, and survives the store codec', () => {
    const once = symbolStep(input(initialSymbolState('1h'), candles)).state;
    let stepped = initialSymbolState('1h');
    let handed = initialSymbolState('1h');
    for (let i = 0; i < candles.length; i++) {
      stepped = symbolStep(input(stepped, candles.slice(Math.max(0, i - 1), i + 1))).state;
      handed = symbolStep(input(handed, [candles[i]!], true)).state;
    }
    expect(once.strategy.values.rsi).toEqual(expect.any(Number));
    expect(stepped.strategy).toEqual(once.strategy);
    expect(handed.strategy).toEqual(once.strategy);
    const stored = symbolFromDoc(SymbolDoc.parse(JSON.parse(JSON.stringify(symbolToDoc({ state: once, guard: null })))));
    expect(stored.state.strategy).toEqual(once.strategy);
  });

  it.each([
    [0.25, 2_500],
    [2, 10_000],
    [Number.NaN, 0],
    [-1, 0],
  ])("passes the size hook's %d to the account step as %d basis points (clamped)", (size, bps) => {
    const sizing = defineStrategy({
      apiVersion: STRATEGY_API_VERSION,
      name: 'sizing',
      version: 'sizing@1',
      description: 'test',
      params: z.strictObject({}),
      advise: () => ({ action: 'enter_long', reason: 'strategy_entry', size }),
    }).create({});
    const r = symbolStep({ ...input(initialSymbolState('1h'), candles), strategy: sizing });
    expect(r.intent).toMatchObject({ side: 'buy', reason: 'strategy_entry', sizeBps: bps });
  });

  it.each([
    [
      { stop: 1.5, target: 3 },
      { stopAtrBps: 15_000, targetAtrBps: 30_000 },
    ],
    [
      { stop: 0.001, target: 1e9 },
      { stopAtrBps: 100, targetAtrBps: 1_000_000 },
    ],
    [{ stop: Number.NaN }, {}],
  ])("passes the stop hook's %o to the signal as %o (ATR basis points, clamped; not a number: the risk's)", (levels, bps) => {
    const own = defineStrategy({
      apiVersion: STRATEGY_API_VERSION,
      name: 'levels',
      version: 'levels@1',
      description: 'test',
      params: z.strictObject({}),
      advise: () => ({ action: 'enter_long', reason: 'strategy_entry', ...levels }),
    }).create({});
    const r = symbolStep({ ...input(initialSymbolState('1h'), candles), strategy: own });
    expect(r.intent).toMatchObject({ side: 'buy', ...bps });
    if (!('stopAtrBps' in bps)) expect(r.intent).not.toHaveProperty('stopAtrBps');
  });

  it('a strategy switched on mid-run rebuilds its window from the history the tick holds: the values an uninterrupted run has', () => {
    const before = symbolStep({ ...input(initialSymbolState('1h'), candles.slice(0, 399)), strategy: getStrategy('regime_trend') }).state;
    expect(before.strategy.bars).toEqual({});
    const switched = symbolStep(input(before, candles)).state;
    const uninterrupted = symbolStep(input(initialSymbolState('1h'), candles)).state;
    expect(switched.strategy).toEqual(uninterrupted.strategy);
    expect(switched.strategy.values.rsi).toEqual(expect.any(Number));
  });

  it('stores nothing for a strategy that declares nothing', () => {
    const s = symbolStep({ ...input(initialSymbolState('1h'), candles), strategy: getStrategy('regime_trend') }).state;
    expect(s.strategy).toEqual({ bars: {}, values: {} });
  });
});
