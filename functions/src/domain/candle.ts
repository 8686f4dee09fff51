/**
 * A closed OHLCV candle. `t` is the candle's OPEN time in Unix ms (UTC), as exchanges report it.
 * Prices are plain numbers here: candles feed indicators (statistics), never balances.
 * Anything that moves money converts a price with `toAmount` from ./money first.
 */
export interface Candle {
  readonly t: number;
  readonly o: number;
  readonly h: number;
  readonly l: number;
  readonly c: number;
  readonly v: number;
}

export const TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function timeframeMs(tf: Timeframe): number {
  const unit = tf.slice(-1) as keyof typeof UNIT_MS;
  return Number(tf.slice(0, -1)) * UNIT_MS[unit];
}

/** Open time of the newest candle that has fully closed at `nowMs` (a candle [t, t+tf) closes at t+tf). */
export function lastClosedOpenTime(nowMs: number, tf: Timeframe): number {
  const step = timeframeMs(tf);
  return Math.floor(nowMs / step) * step - step;
}

export interface Gap {
  /** open time of the last candle before the gap */
  readonly after: number;
  /** open time of the first candle after the gap */
  readonly next: number;
  readonly missing: number;
}

/** Missing candles between consecutive candles (input sorted ascending, unique times). */
export function findGaps(candles: readonly Candle[], tf: Timeframe): Gap[] {
  const step = timeframeMs(tf);
  const gaps: Gap[] = [];
  for (let i = 1; i < candles.length; i++) {
    const prev = candles[i - 1]!.t;
    const cur = candles[i]!.t;
    if (cur - prev > step) gaps.push({ after: prev, next: cur, missing: Math.round((cur - prev) / step) - 1 });
  }
  return gaps;
}

/** Merge candles by open time; later arrays win on conflict. Result sorted ascending, unique. */
export function mergeCandles(...sets: readonly (readonly Candle[])[]): Candle[] {
  const byTime = new Map<number, Candle>();
  for (const set of sets) for (const c of set) byTime.set(c.t, c);
  return [...byTime.values()].sort((a, b) => a.t - b.t);
}
