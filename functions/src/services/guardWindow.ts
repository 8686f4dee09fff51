/**
 * The guard series of one held symbol: the finest closed candles (1m) since its position was last
 * checked, so the tick can run its stops every minute whatever the decision timeframe.
 *
 * The source is the authority (no store read, even on a cold instance): a warm instance keeps what it
 * fetched and asks only for the candles closed since. What is new is upserted to the candle store (by the tick, `store`),
 * where executeOrder checks a protective exit's price. A fetch that fails is not fatal: the candles
 * already known are used, and with none the decision candles serve (the report says which).
 */
import { lastClosedOpenTime, mergeCandles, timeframeMs, type Candle, type Timeframe } from '../domain/candle.ts';
import { MarketDataError } from '../domain/errors.ts';
import { GUARD_WINDOW } from '../domain/engine/index.ts';
import type { CandleStore, MarketData } from '../ports/index.ts';
import { storeThenRemember, type CandleWindowCache } from './candleWindow.ts';

export interface GuardWindow {
  readonly timeframe: Timeframe;
  /** closed candles from `from` (at most GUARD_WINDOW of them), ascending */
  readonly candles: Candle[];
  /** why the source could not be asked (the known candles still serve) */
  readonly error: string | null;
  /** the series reaches the newest closed candle (or none has closed since `from`): the stops run on it */
  readonly current: boolean;
  /** writes the fetched candles, then caches them (WindowResult.store) */
  readonly store: () => Promise<unknown>;
}

export async function refreshGuard(args: {
  symbol: string;
  timeframe: Timeframe;
  /** the position's checkedUntil: the first open time not checked yet */
  from: number;
  nowMs: number;
  cache: CandleWindowCache;
  store: CandleStore;
  source: MarketData;
}): Promise<GuardWindow> {
  const { symbol, timeframe, nowMs, cache, store, source } = args;
  const step = timeframeMs(timeframe);
  const closedUntil = lastClosedOpenTime(nowMs, timeframe) + step;
  const since = Math.max(args.from, closedUntil - GUARD_WINDOW * step);
  const key = `guard|${symbol}|${timeframe}`;
  // What this instance holds counts only if it was asked from `since` or earlier (else it says nothing of the start).
  const asked = cache.askedFrom(key);
  const covered = asked !== undefined && asked <= since;
  const held = covered ? (cache.get(key) ?? []) : [];
  const known = held.filter((c) => c.t >= since && c.t < closedUntil);
  const fetchFrom = held.length > 0 ? Math.max(since, held.at(-1)!.t + step) : since;
  let fresh: Candle[] = [];
  let error: string | null = null;
  if (fetchFrom < closedUntil) {
    try {
      fresh = await source.fetchClosedCandles({
        symbol,
        timeframe,
        sinceMs: fetchFrom,
        untilMs: closedUntil,
        nowMs,
        ...(source.startDeadline && { deadline: source.startDeadline() }),
      });
    } catch (err) {
      if (!(err instanceof MarketDataError)) throw err;
      error = err.message;
    }
  }
  const candles = mergeCandles(known, fresh).slice(-GUARD_WINDOW);
  const remember = () => {
    cache.set(key, candles);
    if (error === null && !covered) cache.setAskedFrom(key, since);
  };
  const newest = candles.at(-1)?.t;
  return {
    timeframe,
    candles,
    error,
    current: since >= closedUntil || newest === closedUntil - step,
    store: storeThenRemember(store, symbol, timeframe, fresh, remember),
  };
}
