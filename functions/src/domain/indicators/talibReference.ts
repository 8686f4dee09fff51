/**
 * TEST-ONLY reference: TA-Lib's TA_EMA, TA_TRANGE, TA_ATR, TA_PLUS_DI, TA_MINUS_DI and TA_ADX
 * transcribed loop by loop from TA-Lib 0.4's C source (default settings: unstable period 0,
 * TA_COMPATIBILITY_DEFAULT, round_pos = identity). It deliberately shares no code with the
 * wrappers or with technicalindicators, so agreement is evidence, not a tautology.
 * Outputs are aligned with the input: NaN where TA-Lib would not produce a value (index < lookback).
 */
import type { Candle } from '../candle.ts';

/** TA-Lib's TA_IS_ZERO: |v| < 1e-8. */
const isZero = (v: number): boolean => -0.00000001 < v && v < 0.00000001;

/** TA-Lib's TRUE_RANGE macro. */
function trueRange(high: number, low: number, prevClose: number): number {
  let out = high - low;
  const a = Math.abs(high - prevClose);
  if (a > out) out = a;
  const b = Math.abs(low - prevClose);
  if (b > out) out = b;
  return out;
}

/** TA_EMA: lookback period−1, seed = SMA of the first `period` values, k = 2/(period+1). */
export function taEma(values: readonly number[], period: number): number[] {
  const out = new Array<number>(values.length).fill(NaN);
  if (values.length < period) return out;
  const k = 2 / (period + 1);
  let sum = 0;
  for (let i = 0; i < period; i++) sum += values[i]!;
  let prev = sum / period;
  out[period - 1] = prev;
  for (let i = period; i < values.length; i++) {
    prev = (values[i]! - prev) * k + prev;
    out[i] = prev;
  }
  return out;
}

/** TA_ATR: lookback period; seed = SMA of TA_TRANGE[1..period]; then (prev·(p−1) + TR)/p. */
export function taAtr(candles: readonly Candle[], period: number): number[] {
  const n = candles.length;
  const out = new Array<number>(n).fill(NaN);
  if (n <= period) return out;
  const tr = new Array<number>(n).fill(NaN);
  for (let i = 1; i < n; i++) tr[i] = trueRange(candles[i]!.h, candles[i]!.l, candles[i - 1]!.c);
  let sum = 0;
  for (let i = 1; i <= period; i++) sum += tr[i]!;
  let prev = sum / period;
  out[period] = prev;
  for (let i = period + 1; i < n; i++) {
    prev *= period - 1;
    prev += tr[i]!;
    prev /= period;
    out[i] = prev;
  }
  return out;
}

export interface TaDmi {
  /** TA_PLUS_DI, lookback period */
  readonly pdi: number[];
  /** TA_MINUS_DI, lookback period */
  readonly mdi: number[];
  /** TA_ADX, lookback 2·period−1 */
  readonly adx: number[];
}

/**
 * TA_PLUS_DI / TA_MINUS_DI / TA_ADX in one pass (their DM/TR recurrences are identical in TA-Lib):
 * DM and TR summed over the first period−1 moves, then Wilder-smoothed (x − x/p + today).
 * DI = 0 when the smoothed TR is zero; ADX seed = mean of the first `period` DX (a DX of 0/0 adds 0);
 * afterwards a 0/0 DX leaves ADX unchanged, exactly as the C code skips the update.
 */
export function taDmi(candles: readonly Candle[], period: number): TaDmi {
  const n = candles.length;
  const pdi = new Array<number>(n).fill(NaN);
  const mdi = new Array<number>(n).fill(NaN);
  const adx = new Array<number>(n).fill(NaN);
  if (n <= period) return { pdi, mdi, adx };
  let plusDM = 0;
  let minusDM = 0;
  let tr = 0;
  let sumDX = 0;
  let prevADX = NaN;
  for (let today = 1; today < n; today++) {
    const cur = candles[today]!;
    const prev = candles[today - 1]!;
    const diffP = cur.h - prev.h;
    const diffM = prev.l - cur.l;
    const seeding = today < period; // the first period−1 moves are summed, not smoothed
    if (!seeding) {
      minusDM -= minusDM / period;
      plusDM -= plusDM / period;
    }
    if (diffM > 0 && diffP < diffM) minusDM += diffM;
    else if (diffP > 0 && diffP > diffM) plusDM += diffP;
    const t = trueRange(cur.h, cur.l, prev.c);
    tr = seeding ? tr + t : tr - tr / period + t;
    if (seeding) continue;

    let dx: number | null = null;
    if (!isZero(tr)) {
      const m = 100 * (minusDM / tr);
      const p = 100 * (plusDM / tr);
      pdi[today] = p;
      mdi[today] = m;
      if (!isZero(m + p)) dx = 100 * (Math.abs(m - p) / (m + p));
    } else {
      pdi[today] = 0;
      mdi[today] = 0;
    }
    if (today < 2 * period - 1) {
      sumDX += dx ?? 0;
    } else if (today === 2 * period - 1) {
      sumDX += dx ?? 0;
      prevADX = sumDX / period;
      adx[today] = prevADX;
    } else {
      if (dx !== null) prevADX = (prevADX * (period - 1) + dx) / period;
      adx[today] = prevADX;
    }
  }
  return { pdi, mdi, adx };
}
