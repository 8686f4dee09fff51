import type { Candle } from '../candle.ts';
import type { IndicatorSnapshot } from '../regime.types.ts';
import { dmiInit, dmiNext, type DmiState } from './adx.ts';
import { atrInit, atrNext, type AtrState } from './atr.ts';
import { emaInit, emaNext, type EmaState } from './ema.ts';

export const EMA_FAST_PERIOD = 50;
export const EMA_SLOW_PERIOD = 200;
export const ATR_PERIOD = 14;
export const ADX_PERIOD = 14;
/**
 * The symbol's own recent ATR%: an EMA of ATR% over this many candles, fed from the first ATR
 * (candle 15), so it is seeded (candle 214) before the warm-up ends and adds none. The relative
 * high-volatility threshold compares ATR% with it (domain/regime).
 */
export const ATR_PCT_AVG_PERIOD = 200;

/**
 * Candles needed before any value is reported: `snapshots[i]` carries values iff i ≥ INDICATOR_WARMUP − 1,
 * i.e. the 250th candle given is the first with indicators; all earlier snapshots are all-null.
 *
 * Why 250 (measured on every 7th 400-row window of all bundled files, 1m and 1h):
 * - Matching TA-Lib on the same rows does not need a warm-up any more: adx.ts seeds like TA-Lib, so
 *   every value agrees with a transcription of TA-Lib's C code to ≤ 1e-14 relative from its first output.
 *   (The package's own ADX class needed ~260 rows on ordinary windows and ~300 on windows that start
 *   inside the 2023-03-24 halt to get within 1e-6; that is why adx.ts does not use it.)
 * - EMA200 has no value before row 200.
 * - ADX, ±DI and ATR still depend on where the window starts (TA-Lib's "unstable period"): compared
 *   with values computed from the full history, the worst ADX difference is 6e-4 relative at row 200,
 *   1.6e-5 at row 250 (±DI, ATR ≤ 1.7e-6), at most ~0.001 ADX points, far below any threshold that matters.
 * Counting input rows (not time) keeps every result a function of the rows given only.
 * (EMA200 remembers much longer: in a 600-row window its last value is within 0.2 % of the full-history one.)
 */
export const INDICATOR_WARMUP = 250;

/**
 * Everything the indicators remember between candles, as plain numbers: a live tick stores it
 * (status/system) and resumes where it stopped, so live values equal a single pass over the series,
 * which is what the backtester computes. `n` counts candles seen, for the warm-up.
 */
export interface IndicatorStream {
  n: number;
  ema50: EmaState;
  ema200: EmaState;
  atr: AtrState;
  dmi: DmiState;
  atrPctAvg: EmaState;
}

export const indicatorStreamInit = (): IndicatorStream => ({
  n: 0,
  ema50: emaInit(),
  ema200: emaInit(),
  atr: atrInit(),
  dmi: dmiInit(),
  atrPctAvg: emaInit(),
});

export const cloneStream = (s: IndicatorStream): IndicatorStream => ({
  n: s.n,
  ema50: { ...s.ema50 },
  ema200: { ...s.ema200 },
  atr: { ...s.atr },
  dmi: { ...s.dmi },
  atrPctAvg: { ...s.atrPctAvg },
});

/**
 * Advance the stream by one closed candle (mutates `s`) and return that candle's snapshot. With
 * `into`, that object is overwritten and returned instead of a new one (the backtester's hot path).
 */
export function nextIndicators(s: IndicatorStream, c: Candle, into?: IndicatorSnapshot): IndicatorSnapshot {
  s.n++;
  const ema50 = emaNext(s.ema50, c.c, EMA_FAST_PERIOD);
  const ema200 = emaNext(s.ema200, c.c, EMA_SLOW_PERIOD);
  const atr = atrNext(s.atr, c, ATR_PERIOD);
  const d = dmiNext(s.dmi, c, ADX_PERIOD);
  // A non-positive close would make the percentage meaningless (or Infinity): report nothing.
  const atrPct = atr !== null && c.c > 0 ? (100 * atr) / c.c : null;
  const atrPctAvg = atrPct === null ? s.atrPctAvg.value : emaNext(s.atrPctAvg, atrPct, ATR_PCT_AVG_PERIOD);
  const out = (into ?? {}) as { -readonly [K in keyof IndicatorSnapshot]: IndicatorSnapshot[K] };
  out.t = c.t;
  out.close = c.c;
  if (s.n < INDICATOR_WARMUP) {
    out.adx = out.pdi = out.mdi = out.atr = out.atrPct = out.atrPctAvg = out.ema50 = out.ema200 = null;
    return out;
  }
  out.adx = d?.adx ?? null;
  out.pdi = d?.pdi ?? null;
  out.mdi = d?.mdi ?? null;
  out.atr = atr;
  out.atrPct = atrPct;
  out.atrPctAvg = atrPctAvg;
  out.ema50 = ema50;
  out.ema200 = ema200;
  return out;
}

/** One snapshot per input candle, same order; input must be ascending by time (gaps are not filled). */
export function computeIndicators(candles: readonly Candle[], stream: IndicatorStream = indicatorStreamInit()): IndicatorSnapshot[] {
  return candles.map((c) => nextIndicators(stream, c));
}
