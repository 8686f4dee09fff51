/**
 * The strategy's candle window and indicator values, advanced by the engine once per closed candle
 * and stored with the symbol's state (status/system.engine.{symbol}.strategy): one array per
 * declared field, at most `window.size` long, and the indicator values at the newest candle.
 */
import type { Candle } from '../candle.ts';
import { indicatorValue } from './indicators.ts';
import type { Bars, Strategy, StrategyWindow } from './strategy.types.ts';

export interface StrategyState {
  readonly bars: Bars;
  readonly values: Readonly<Record<string, number | null>>;
}

export const EMPTY_STRATEGY_STATE: StrategyState = Object.freeze({ bars: Object.freeze({}), values: Object.freeze({}) });

/**
 * Append one closed candle to every declared field, dropping the oldest beyond the window. With
 * `inPlace` the arrays are the caller's to mutate (the backtester's hot path); otherwise they are copied.
 * A field the window no longer declares is dropped; one it newly declares starts empty.
 */
export function pushBar(bars: Bars, c: Candle, window: StrategyWindow, inPlace: boolean): Bars {
  if (window.size === 0) return EMPTY_STRATEGY_STATE.bars;
  const out: Partial<Record<keyof Candle, number[]>> =
    inPlace && sameFields(bars, window) ? (bars as Partial<Record<keyof Candle, number[]>>) : {};
  for (const f of window.fields) {
    const prev = bars[f] ?? [];
    const arr = out === bars ? (prev as number[]) : prev.slice(Math.max(0, prev.length - window.size + 1));
    arr.push(c[f]);
    if (arr.length > window.size) arr.splice(0, arr.length - window.size);
    out[f] = arr;
  }
  return out;
}

/**
 * A window shorter than the strategy's, or with other fields (the strategy changed, or state from
 * before it), rebuilt from the walked candles the caller holds (the live tick's history window): the
 * same window an uninterrupted run would have. Unchanged when those candles give no more.
 */
export function reseedBars(bars: Bars, candles: readonly Candle[], upTo: number, window: StrategyWindow): Bars {
  const have = sameFields(bars, window) ? (bars[window.fields[0]!]?.length ?? 0) : 0;
  if (have >= window.size) return bars;
  let end = candles.length;
  while (end > 0 && candles[end - 1]!.t > upTo) end--;
  const from = Math.max(0, end - window.size);
  if (end - from <= have) return bars;
  const out: Partial<Record<keyof Candle, number[]>> = {};
  for (const f of window.fields) out[f] = candles.slice(from, end).map((c) => c[f]);
  return out;
}

function sameFields(bars: Bars, window: StrategyWindow): boolean {
  const keys = Object.keys(bars);
  return keys.length === window.fields.length && window.fields.every((f) => bars[f] !== undefined);
}

/** Each declared indicator over the window; null until the window holds `window.size` candles. */
export function strategyValues(strategy: Strategy, bars: Bars): Readonly<Record<string, number | null>> {
  const closes = bars.c ?? [];
  const full = closes.length >= strategy.window.size;
  const out: Record<string, number | null> = {};
  for (const [name, spec] of Object.entries(strategy.indicators)) out[name] = full ? indicatorValue(spec, closes) : null;
  return out;
}
