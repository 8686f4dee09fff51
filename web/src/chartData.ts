/**
 * Chart inputs from the documents the page reads (candle bucket documents, a day of equity points,
 * the trades list), decoded by the shared store's codecs. The EMAs and the regime are the bot's own:
 * what the tick's symbol step read from each decision candle, stored beside it in the bucket
 * document (shared/store/codec.ts, `readings`). The page computes no indicator.
 */
import type { Candle, Timeframe } from '../../functions/src/domain/candle.ts';
import { TIMEFRAMES, timeframeMs } from '../../functions/src/domain/candle.ts';
import type { CandleReading } from '../../functions/src/domain/engine/index.ts';
import { bucketSpanMs, bucketStart, candleBucketPath } from '../../functions/src/shared/store/index.ts';
import type { Regime } from './views.ts';

/** The chart shows at least this many candles once that many are stored. */
export const MIN_SHOWN_CANDLES = 200;

export interface CandleBuckets {
  /** the bucket the market's clock is in: listened to */
  current: string;
  /** the bucket before it, read once when the current one cannot yet fill the chart */
  previous: string | null;
}

/**
 * The candle bucket documents a chart of `timeframe` needs when its newest stored candle opens at
 * `newest`, by the functions' own bucket rule: that candle's bucket, and the previous one while it
 * holds fewer than MIN_SHOWN_CANDLES candles (on 1m: before 03:20 UTC; on 4h: the first 34 days of
 * a 240-day bucket). Keyed on the newest candle, not the clock, so the page moves
 * to a new bucket only once the tick has written into it, by when the previous one is complete.
 */
export function candleBuckets(symbol: string, timeframe: string, newest: number): CandleBuckets {
  const tf = timeframeOf(timeframe);
  const start = bucketStart(newest, tf);
  const inCurrent = Math.floor((newest - start) / timeframeMs(tf)) + 1;
  return {
    current: candleBucketPath(symbol, tf, start),
    previous: inCurrent < MIN_SHOWN_CANDLES ? candleBucketPath(symbol, tf, start - bucketSpanMs(tf)) : null,
  };
}

/** A bucket document as the chart uses it: its candles and the bot's readings, by open time. */
export interface ChartBucket {
  candles: Candle[];
  readings: CandleReading[];
}

/** Several bucket documents as one, de-duplicated by open time. */
export function mergeBuckets(...buckets: ChartBucket[]): ChartBucket {
  const candles = new Map<number, Candle>();
  const readings = new Map<number, CandleReading>();
  for (const b of buckets) {
    for (const c of b.candles) candles.set(c.t, c);
    for (const r of b.readings) readings.set(r.t, r);
  }
  const byTime = <T extends { t: number }>(m: Map<number, T>) => [...m.values()].sort((x, y) => x.t - y.t);
  return { candles: byTime(candles), readings: byTime(readings) };
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

/**
 * One row per candle: the bot's stored reading of it, or nothing known (a candle stored before the
 * bot walked it: a backfill older than its window, or before readings were stored).
 */
export function indicatorRows(candles: readonly Candle[], readings: readonly CandleReading[]): IndicatorRow[] {
  const byTime = new Map(readings.map((r) => [r.t, r]));
  return candles.map((c) => {
    const r = byTime.get(c.t);
    return r ? { t: c.t, ema50: r.ema50, ema200: r.ema200, regime: r.regime } : { t: c.t, ema50: null, ema200: null, regime: 'unknown' };
  });
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

/**
 * Where a redraw of `next` may start when `prev` is on the chart: the index of the first candle that
 * is new or changed, when only the newest drawn candle changed and newer ones were appended (what a
 * tick does), so the chart can `update()` those few instead of setting every point again; null when
 * anything older changed, was inserted or dropped (a backfill, a new bucket, another market): redraw all.
 */
export function tailFrom(
  prev: readonly Candle[],
  prevRows: readonly IndicatorRow[],
  next: readonly Candle[],
  nextRows: readonly IndicatorRow[],
): number | null {
  if (prev.length === 0 || next.length < prev.length) return null;
  const same = (i: number) => {
    const [a, b, r, s] = [prev[i]!, next[i]!, prevRows[i], nextRows[i]];
    return (
      a.t === b.t &&
      a.o === b.o &&
      a.h === b.h &&
      a.l === b.l &&
      a.c === b.c &&
      a.v === b.v &&
      r?.ema50 === s?.ema50 &&
      r?.ema200 === s?.ema200 &&
      r?.regime === s?.regime
    );
  };
  for (let i = 0; i < prev.length - 1; i++) if (!same(i)) return null;
  if (next[prev.length - 1]!.t !== prev[prev.length - 1]!.t) return null;
  return same(prev.length - 1) ? prev.length : prev.length - 1;
}
