import { ATR } from 'technicalindicators';
import type { Candle } from '../candle.ts';

const raw = (v: number): number => v;

/**
 * Wilder's ATR aligned with its input: `out[i]` is the ATR after candles[0..i], `null` for the
 * first `period` candles (the first candle has no previous close, so no true range). Seeded with
 * the mean of the first `period` true ranges, as TA-Lib's TA_ATR does, so the two agree from the
 * first value on (up to float rounding).
 */
export function atrSeries(candles: readonly Candle[], period: number): (number | null)[] {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`ATR period must be a positive integer, got ${period}`);
  const atr = new ATR({ period, high: [], low: [], close: [], format: raw });
  return candles.map((c) => atr.nextValue({ high: c.h, low: c.l, close: c.c }) ?? null);
}
