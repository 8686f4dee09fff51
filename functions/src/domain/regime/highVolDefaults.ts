import type { RegimeParams } from './params.ts';
import type { Timeframe } from '../candle.ts';

/**
 * Regime parameters with every threshold known: the fixed one (config's, else the timeframe's
 * default) and the relative multiple, null when the fixed threshold is configured (it wins).
 */
export type ResolvedRegimeParams = Omit<RegimeParams, 'highVolAtrPct' | 'highVolRelative'> & {
  readonly highVolAtrPct: number;
  readonly highVolRelative: number | null;
};

/**
 * Default high-volatility threshold (ATR(14) as % of close) per timeframe.
 *
 * ATR% grows with candle length (roughly with its square root), so no single number works: 0.5 %
 * is the 99.8th percentile of 1m candles but only the 9th of 1h candles (90 % of all 1h candles since
 * 2017 would be "high volatility"). Each default is the 95th percentile of ATR% measured on the bundled
 * Binance candles, to two significant digits, so high_volatility marks the most agitated ~5 % of
 * recent market time:
 *
 * | tf  | data (BTC, ETH, SOL, XRP /USDT)                   | p50   | p90   | p95   | p99   | default |
 * |-----|---------------------------------------------------|-------|-------|-------|-------|---------|
 * | 1m  | 1m files, 2023-03..05, 4 symbols                  | 0.083 | 0.180 | 0.223 | 0.350 | 0.22    |
 * | 5m  | same, rolled up to 5m                             | 0.211 | 0.407 | 0.502 | 0.760 | 0.50    |
 * | 15m | same, rolled up to 15m                            | 0.384 | 0.683 | 0.845 | 1.174 | 0.85    |
 * | 1h  | 1h files (BTC, ETH), 2022-01..2023-06             | 0.853 | 1.552 | 1.906 | 3.196 | 1.9     |
 * | 4h  | same, rolled up to 4h                             | 1.810 | 3.181 | 3.847 | 5.890 | 3.8     |
 * | 1d  | same, rolled up to 1d                             | 4.799 | 7.988 | 9.018 | 11.52 | 9.0     |
 *
 * The 1h-and-up rows use 2022 onwards because 2017–2019 were far wilder (1h p95 over 2017–2023 is
 * 2.7 %), which would set a threshold recent markets almost never reach.
 */
const DEFAULT_HIGH_VOL_ATR_PCT: Readonly<Record<Timeframe, number>> = {
  '1m': 0.22,
  '5m': 0.5,
  '15m': 0.85,
  '1h': 1.9,
  '4h': 3.8,
  '1d': 9.0,
};

export function defaultHighVolAtrPct(timeframe: Timeframe): number {
  const v = DEFAULT_HIGH_VOL_ATR_PCT[timeframe];
  if (v === undefined) throw new RangeError(`no default highVolAtrPct for timeframe ${String(timeframe)}`);
  return v;
}

/**
 * A configured highVolAtrPct is used as is (and turns the relative threshold off); otherwise the
 * per-timeframe default, which also stands in while the symbol's own average is not known yet.
 */
export function resolveRegimeParams(params: RegimeParams, timeframe: Timeframe): ResolvedRegimeParams {
  if (params.highVolAtrPct !== undefined) return { ...params, highVolAtrPct: params.highVolAtrPct, highVolRelative: null };
  return { ...params, highVolAtrPct: defaultHighVolAtrPct(timeframe), highVolRelative: params.highVolRelative };
}
