import type { Candle } from '../candle.ts';
import { trueRange } from './atr.ts';

export interface AdxPoint {
  readonly adx: number;
  /** +DI */
  readonly pdi: number;
  /** −DI */
  readonly mdi: number;
}

/**
 * Wilder's ADX with +DI/−DI as a streaming step, transcribing TA-Lib's TA_PLUS_DI / TA_MINUS_DI /
 * TA_ADX recurrences: DM and TR are summed over the first period−1 moves, then smoothed
 * (x − x/p + today); DI from the candle at index `period`; the ADX seed is the mean of the first
 * `period` DX (a 0/0 DX adds 0), then (prev·(p−1) + DX)/p, and a later 0/0 DX leaves ADX unchanged.
 *
 * One deliberate difference: TA-Lib treats |smoothed TR| < 1e-8 (in price units) as zero, which
 * would zero the DIs of sub-cent coins; here only an exact 0 is zero. A halt (flat, identical
 * candles) therefore gives DI = 0 and never NaN.
 */
export interface DmiState {
  /** candles seen */
  n: number;
  prevH: number;
  prevL: number;
  prevC: number;
  plusDM: number;
  minusDM: number;
  tr: number;
  sumDX: number;
  adx: number | null;
}

export const dmiInit = (): DmiState => ({ n: 0, prevH: 0, prevL: 0, prevC: 0, plusDM: 0, minusDM: 0, tr: 0, sumDX: 0, adx: null });

/** Advance by one candle (mutates `s`); returns ADX/±DI once ADX exists (index 2·period−1), else null. */
export function dmiNext(s: DmiState, c: Candle, period: number): AdxPoint | null {
  const today = s.n++;
  const { prevH, prevL, prevC } = s;
  s.prevH = c.h;
  s.prevL = c.l;
  s.prevC = c.c;
  if (today === 0) return null;
  const diffP = c.h - prevH;
  const diffM = prevL - c.l;
  const seeding = today < period;
  if (!seeding) {
    s.minusDM -= s.minusDM / period;
    s.plusDM -= s.plusDM / period;
  }
  if (diffM > 0 && diffP < diffM) s.minusDM += diffM;
  else if (diffP > 0 && diffP > diffM) s.plusDM += diffP;
  const t = trueRange(c.h, c.l, prevC);
  s.tr = seeding ? s.tr + t : s.tr - s.tr / period + t;
  if (seeding) return null;

  let pdi = 0;
  let mdi = 0;
  let dx: number | null = null;
  if (s.tr !== 0) {
    mdi = 100 * (s.minusDM / s.tr);
    pdi = 100 * (s.plusDM / s.tr);
    if (mdi + pdi !== 0) dx = 100 * (Math.abs(mdi - pdi) / (mdi + pdi));
  }
  if (today < 2 * period - 1) {
    s.sumDX += dx ?? 0;
    return null;
  }
  if (today === 2 * period - 1) {
    s.sumDX += dx ?? 0;
    s.adx = s.sumDX / period;
  } else if (dx !== null) {
    s.adx = (s.adx! * (period - 1) + dx) / period;
  }
  return { adx: s.adx!, pdi, mdi };
}

/** ADX/±DI aligned with its input: null for the first 2·period−1 candles (TA-Lib's TA_ADX lookback). */
export function adxSeries(candles: readonly Candle[], period: number): (AdxPoint | null)[] {
  if (!Number.isInteger(period) || period < 2) throw new RangeError(`ADX period must be an integer ≥ 2, got ${period}`);
  const s = dmiInit();
  return candles.map((c) => dmiNext(s, c, period));
}
