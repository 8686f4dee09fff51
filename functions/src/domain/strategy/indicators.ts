/**
 * The indicators a strategy may declare. Each is a pure function of the bounded candle window the
 * engine keeps for the strategy (domain/strategy/window.ts), so live and backtest compute the same
 * value from the same candles. Values match technicalindicators (indicators.test.ts), which rounds
 * RSI to two decimals and is ~60 µs a call: too slow to run on every backtest candle.
 */
import { z } from 'zod';
import { emaSeries } from '../indicators/index.ts';

export const BAR_FIELDS = ['o', 'h', 'l', 'c', 'v'] as const;
export type BarField = (typeof BAR_FIELDS)[number];

const period = z.number().int().min(2).max(500);
export const IndicatorSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('rsi'), period }),
  z.strictObject({ kind: z.literal('sma'), period }),
  z.strictObject({ kind: z.literal('ema'), period }),
  z.strictObject({ kind: z.literal('roc'), period }),
]);
export type IndicatorSpec = z.output<typeof IndicatorSpecSchema>;

export const rsi = (p: number): IndicatorSpec => ({ kind: 'rsi', period: p });
export const sma = (p: number): IndicatorSpec => ({ kind: 'sma', period: p });
export const ema = (p: number): IndicatorSpec => ({ kind: 'ema', period: p });
export const roc = (p: number): IndicatorSpec => ({ kind: 'roc', period: p });

/** The candle fields an indicator reads (all of these read closes). */
export const fieldsOf = (_spec: IndicatorSpec): readonly BarField[] => ['c'];

/** The fewest candles that give a value; RSI and EMA remember further back (`eagle recursive` measures how far). */
export function minCandles(spec: IndicatorSpec): number {
  return spec.kind === 'rsi' || spec.kind === 'roc' ? spec.period + 1 : spec.period;
}

/** The indicator's value at the newest of `closes` (ascending), or null when there are too few. */
export function indicatorValue(spec: IndicatorSpec, closes: readonly number[]): number | null {
  const n = closes.length;
  if (n < minCandles(spec)) return null;
  switch (spec.kind) {
    case 'sma': {
      let s = 0;
      for (let i = n - spec.period; i < n; i++) s += closes[i]!;
      return s / spec.period;
    }
    case 'ema':
      return emaSeries(closes, spec.period)[n - 1] ?? null;
    case 'roc': {
      const then = closes[n - 1 - spec.period]!;
      return then === 0 ? null : (100 * (closes[n - 1]! - then)) / then;
    }
    case 'rsi':
      return wilderRsi(closes, spec.period);
  }
}

/** Wilder's RSI, seeded with the mean gain and loss of the first `p` changes (TA-Lib, technicalindicators). */
function wilderRsi(closes: readonly number[], p: number): number {
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= p; i++) {
    const d = closes[i]! - closes[i - 1]!;
    if (d > 0) gain += d;
    else loss -= d;
  }
  gain /= p;
  loss /= p;
  for (let i = p + 1; i < closes.length; i++) {
    const d = closes[i]! - closes[i - 1]!;
    gain = (gain * (p - 1) + (d > 0 ? d : 0)) / p;
    loss = (loss * (p - 1) + (d < 0 ? -d : 0)) / p;
  }
  if (loss === 0) return gain === 0 ? 50 : 100;
  return 100 - 100 / (1 + gain / loss);
}
