import type { Candle } from '../candle.ts';

/**
 * Wilder's ATR as a streaming step: the first candle has no previous close (no true range); the
 * seed is the mean of the first `period` true ranges, then (prev·(p−1) + TR)/p, as TA-Lib's TA_ATR.
 */
export interface AtrState {
  n: number;
  prevClose: number | null;
  sum: number;
  value: number | null;
}

export const atrInit = (): AtrState => ({ n: 0, prevClose: null, sum: 0, value: null });

export function trueRange(h: number, l: number, prevClose: number): number {
  return Math.max(h - l, Math.abs(h - prevClose), Math.abs(l - prevClose));
}

/** Advance by one candle (mutates `s`); returns the ATR after it, or null during the seed. */
export function atrNext(s: AtrState, c: Candle, period: number): number | null {
  const prev = s.prevClose;
  s.prevClose = c.c;
  if (prev === null) return null;
  const tr = trueRange(c.h, c.l, prev);
  if (s.value === null) {
    s.n++;
    s.sum += tr;
    if (s.n === period) s.value = s.sum / period;
    return s.value;
  }
  s.value = (s.value * (period - 1) + tr) / period;
  return s.value;
}

/** ATR aligned with its input: null for the first `period` candles. */
export function atrSeries(candles: readonly Candle[], period: number): (number | null)[] {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`ATR period must be a positive integer, got ${period}`);
  const s = atrInit();
  return candles.map((c) => atrNext(s, c, period));
}
