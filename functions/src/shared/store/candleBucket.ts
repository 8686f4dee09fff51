/**
 * Where candles live: `candles/{BTC-USDT}_{tf}/days/{yyyymmdd}`, 1440 candles per document, named
 * after the first UTC day of the bucket. The functions' candle store and the dashboard both import
 * this rule, so the page reads the documents the tick writes (for 4h a bucket spans 240 days).
 */
import { timeframeMs, type Timeframe } from '../../domain/candle.ts';
import { PATHS, symbolKey } from './paths.ts';

/** 1440 candles per document: one UTC day of 1m candles, ~90 KB, far below Firestore's 1 MiB. */
export const CANDLES_PER_BUCKET = 1440;

/** Market ms one bucket document spans (a day on 1m, 240 days on 4h). */
export function bucketSpanMs(tf: Timeframe): number {
  return timeframeMs(tf) * CANDLES_PER_BUCKET;
}

/** Start of the bucket holding the candle that opens at `t`. */
export function bucketStart(t: number, tf: Timeframe): number {
  const span = bucketSpanMs(tf);
  return Math.floor(t / span) * span;
}

/** yyyymmdd of the bucket's start (UTC): for 1m candles, exactly the candle's day. */
export function bucketId(start: number): string {
  return new Date(start).toISOString().slice(0, 10).replaceAll('-', '');
}

/** The collection of `symbol`'s `tf` candle buckets. */
export function candleBucketsPath(symbol: string, tf: Timeframe): string {
  return `${PATHS.candles}/${symbolKey(symbol)}_${tf}/days`;
}

/** The bucket document of `symbol`'s `tf` candles that starts at `start` (a bucketStart). */
export function candleBucketPath(symbol: string, tf: Timeframe, start: number): string {
  return `${candleBucketsPath(symbol, tf)}/${bucketId(start)}`;
}
