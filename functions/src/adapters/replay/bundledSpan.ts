/**
 * The market-time span of the bundled candles (functions/data/candles, every file): from the first
 * open time to the last close time. A replay tick outside it can only see no data, so `asOf` is
 * bounded by it. A constant, because reading it from the files costs parsing all of them;
 * bundledSpan.test.ts recomputes it from the files and fails when the data changes.
 */
export const BUNDLED_SPAN = {
  /** 2017-08-17T04:00:00Z, first 1h candle of BTC/USDT and ETH/USDT */
  fromMs: 1_502_942_400_000,
  /** 2023-06-18T07:00:00Z, close of the last 1h candle */
  untilMs: 1_687_071_600_000,
} as const;
