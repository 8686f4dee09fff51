/**
 * Chart inputs from the documents the page reads (candle bucket documents, a day of equity points,
 * the trades list), decoded by the shared store's codecs. Indicators and regimes are computed with the bot's own domain code over the candles
 * on display, so the shading is what the bot's rules say about those candles.
 */
import type { Candle, Timeframe } from '../../functions/src/domain/candle.ts';
import { TIMEFRAMES, timeframeMs } from '../../functions/src/domain/candle.ts';
import { bucketSpanMs, bucketStart, candleBucketPath } from '../../functions/src/shared/store/index.ts';
import { computeIndicators } from '../../functions/src/domain/indicators/computeIndicators.ts';
import { classifyRegimeSeries } from '../../functions/src/domain/regime/classifyRegime.ts';
import { resolveRegimeParams } from '../../functions/src/domain/regime/highVolDefaults.ts';
import { RegimeParamsSchema } from '../../functions/src/domain/regime/params.ts';
import type { Regime } from './views.ts';

/** EMA200 needs 200 candles and the regime's ADX and hysteresis a few dozen more before they say anything. */
export const WARMUP_CANDLES = 250;
/** The chart shows at least this many candles once that many are stored. */
export const MIN_SHOWN_CANDLES = 200;

export interface CandleBuckets {
  /** the bucket the market's clock is in: listened to */
  current: string;
  /** the bucket before it, read once when the current one cannot yet fill the chart and its warm-up */
  previous: string | null;
}

/**
 * The candle bucket documents a chart of `timeframe` needs when its newest stored candle opens at
 * `newest`, by the functions' own bucket rule: that candle's bucket, and the previous one while it
 * holds fewer than WARMUP_CANDLES + MIN_SHOWN_CANDLES candles (on 1m: before 07:30 UTC; on 4h: the
 * first 75 days of a 240-day bucket). Keyed on the newest candle, not the clock, so the page moves
 * to a new bucket only once the tick has written into it, by when the previous one is complete.
 */
export function candleBuckets(symbol: string, timeframe: string, newest: number): CandleBuckets {
  const tf = timeframeOf(timeframe);
  const start = bucketStart(newest, tf);
  const inCurrent = Math.floor((newest - start) / timeframeMs(tf)) + 1;
  return {
    current: candleBucketPath(symbol, tf, start),
    previous: inCurrent < WARMUP_CANDLES + MIN_SHOWN_CANDLES ? candleBucketPath(symbol, tf, start - bucketSpanMs(tf)) : null,
  };
}

/**
 * Of `n` loaded candles, how many leading ones are warm-up only: computed over, not drawn. At most
 * WARMUP_CANDLES, and never so many that fewer than MIN_SHOWN_CANDLES remain.
 */
export function warmupOf(n: number): number {
  return Math.max(0, Math.min(WARMUP_CANDLES, n - MIN_SHOWN_CANDLES));
}

/** Candles from several bucket documents, de-duplicated by open time. */
export function mergeCandles(...days: Candle[][]): Candle[] {
  const byTime = new Map<number, Candle>();
  for (const day of days) for (const c of day) byTime.set(c.t, c);
  return [...byTime.values()].sort((a, b) => a.t - b.t);
}

export interface EquityPointView {
  time: number;
  /** 8-decimal amount string */
  equity: string;
}

export interface IndicatorRow {
  t: number;
  ema50: number | null;
  ema200: number | null;
  regime: Regime;
}

export function timeframeOf(tf: string): Timeframe {
  return (TIMEFRAMES as readonly string[]).includes(tf) ? (tf as Timeframe) : '1m';
}

/** EMA50/EMA200 and the confirmed regime after each candle (default regime parameters). */
export function indicatorRows(candles: readonly Candle[], timeframe: string): IndicatorRow[] {
  const snaps = computeIndicators(candles);
  const regimes = classifyRegimeSeries(snaps, resolveRegimeParams(RegimeParamsSchema.parse({}), timeframeOf(timeframe)));
  return snaps.map((s, i) => ({ t: s.t, ema50: s.ema50, ema200: s.ema200, regime: regimes[i]!.regime }));
}

export interface RegimeSegment {
  regime: Regime;
  from: number;
  /** open time of the last candle in the segment */
  to: number;
}

/** Consecutive candles of one regime → one segment (the regime timeline). */
export function regimeSegments(rows: readonly IndicatorRow[]): RegimeSegment[] {
  const out: RegimeSegment[] = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last && last.regime === r.regime) last.to = r.t;
    else out.push({ regime: r.regime, from: r.t, to: r.t });
  }
  return out;
}
