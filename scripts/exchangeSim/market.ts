/**
 * Market data of the simulator: the bundled real candles (the replay source's own reader,
 * loadBundledSeries), as they would have looked at the simulator's market time.
 *
 * - Klines: only candles CLOSED at market time are served; the forming candle is absent (the bundled
 *   data has no intra-candle states to build an honest partial one from). Binance's slicing:
 *   startTime/endTime inclusive on the open time, limit default 500, max 1000, the oldest `limit`
 *   rows when startTime is given, else the newest.
 * - The current price of a symbol is the close of its newest closed 1m candle (1h where the 1m file
 *   does not reach back that far or none is bundled: XRP before April 2023, BNB). No candle yet
 *   (before the data) means no liquidity.
 */
import { lowerBound, loadBundledSeries } from '../../functions/src/adapters/replay/ReplayMarketData.ts';
import { TIMEFRAMES, timeframeMs, type Candle, type Timeframe } from '../../functions/src/domain/candle.ts';
import { toAmount, toDecimalString, type Amount } from '../../functions/src/domain/money.ts';

export type KlineRow = [number, string, string, string, string, string, number, string, number, string, string, string];

const FINEST: readonly Timeframe[] = ['1m', '1h'];
const d8 = (n: number) => toDecimalString(toAmount(n));

function series(symbol: string, tf: Timeframe): Candle[] | null {
  try {
    return loadBundledSeries(symbol, tf);
  } catch {
    return null;
  }
}

export const isInterval = (x: string): x is Timeframe => (TIMEFRAMES as readonly string[]).includes(x);

/** Candles of `tf` closed at `now` with open time in [from, to]. */
export function closedCandles(symbol: string, tf: Timeframe, now: number, from = -Infinity, to = Infinity): Candle[] {
  const all = series(symbol, tf);
  if (!all) return [];
  const step = timeframeMs(tf);
  const out: Candle[] = [];
  for (let i = from === -Infinity ? 0 : lowerBound(all, from); i < all.length; i++) {
    const c = all[i]!;
    if (c.t > to || c.t + step > now) break;
    out.push(c);
  }
  return out;
}

export function klines(symbol: string, tf: Timeframe, now: number, q: { startTime?: number; endTime?: number; limit: number }): KlineRow[] {
  const step = timeframeMs(tf);
  const all = series(symbol, tf) ?? [];
  // Newest closed candle index + 1: the end of what exists at `now`.
  const end = lowerBound(all, Math.floor(now / step) * step - step + 1);
  const upTo = q.endTime === undefined ? end : Math.min(end, lowerBound(all, q.endTime + 1));
  const from = q.startTime === undefined ? Math.max(0, upTo - q.limit) : lowerBound(all, q.startTime);
  return all
    .slice(from, Math.min(upTo, from + q.limit))
    .map((c) => [
      c.t,
      d8(c.o),
      d8(c.h),
      d8(c.l),
      d8(c.c),
      d8(c.v),
      c.t + step - 1,
      d8(c.v * ((c.h + c.l + c.c) / 3)),
      0,
      '0.00000000',
      '0.00000000',
      '0',
    ]);
}

/** The newest closed candle of the finest bundled series at `now`, or null before the data. */
export function lastCandle(symbol: string, now: number): { candle: Candle; tf: Timeframe } | null {
  for (const tf of FINEST) {
    const all = series(symbol, tf);
    if (!all) continue;
    const step = timeframeMs(tf);
    const i = lowerBound(all, Math.floor(now / step) * step - step + 1) - 1;
    if (i >= 0) return { candle: all[i]!, tf };
  }
  return null;
}

export function currentPrice(symbol: string, now: number): Amount | null {
  const last = lastCandle(symbol, now);
  return last ? toAmount(last.candle.c) : null;
}

/** GET /api/v3/ticker/24hr for one symbol, from the closed candles of the last 24 h. */
export function ticker24h(id: string, symbol: string, now: number): Record<string, unknown> | null {
  const last = lastCandle(symbol, now);
  if (!last) return null;
  const day = closedCandles(symbol, last.tf, now, now - 86_400_000);
  const open = day[0]?.o ?? last.candle.o;
  const close = last.candle.c;
  const volume = day.reduce((s, c) => s + c.v, 0);
  const quoteVolume = day.reduce((s, c) => s + c.v * c.c, 0);
  return {
    symbol: id,
    priceChange: d8(close - open),
    priceChangePercent: ((100 * (close - open)) / open).toFixed(3),
    weightedAvgPrice: d8(volume > 0 ? quoteVolume / volume : close),
    prevClosePrice: d8(day.at(-2)?.c ?? open),
    lastPrice: d8(close),
    lastQty: '0.00000000',
    bidPrice: d8(close),
    bidQty: '0.00000000',
    askPrice: d8(close),
    askQty: '0.00000000',
    openPrice: d8(open),
    highPrice: d8(Math.max(...day.map((c) => c.h), close)),
    lowPrice: d8(Math.min(...day.map((c) => c.l), close)),
    volume: d8(volume),
    quoteVolume: d8(quoteVolume),
    openTime: day[0]?.t ?? last.candle.t,
    closeTime: now,
    firstId: -1,
    lastId: -1,
    count: 0,
  };
}
