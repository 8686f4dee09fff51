import { findGaps, mergeCandles, timeframeMs, type Candle, type Gap, type Timeframe } from '../domain/candle.ts';
import type { CandleStore, MarketData } from '../ports/index.ts';

/**
 * The recent candles of each symbol, kept by a warm instance so a steady-state tick reads nothing
 * from the candle store: closed candles never change, so the cache can only be incomplete, never wrong.
 */
export class CandleWindowCache {
  private readonly windows = new Map<string, Candle[]>();
  /** gaps the source itself could not fill (real exchange outages): not asked again by this instance */
  private readonly unfillable = new Set<string>();
  get(key: string): Candle[] | undefined {
    return this.windows.get(key);
  }
  set(key: string, candles: Candle[]): void {
    this.windows.set(key, candles);
  }
  isUnfillable(key: string, gap: Gap): boolean {
    return this.unfillable.has(`${key}:${gap.after}:${gap.next}`);
  }
  markUnfillable(key: string, gap: Gap): void {
    this.unfillable.add(`${key}:${gap.after}:${gap.next}`);
  }
  clear(): void {
    this.windows.clear();
    this.unfillable.clear();
  }
}

export interface WindowResult {
  candles: Candle[];
  /** candles that were new to the store (upserted this tick) */
  ingested: number;
  /** candles recovered by gap repair */
  backfilled: number;
  /** gaps that remain after repair (the source has no data for them) */
  gaps: Gap[];
  readsFromStore: number;
}

/**
 * Bring a symbol's window up to `closedUntil` (exclusive open time of the forming candle):
 * fetch new closed candles, repair holes inside the window from the source, upsert what is new.
 */
export async function refreshWindow(args: {
  symbol: string;
  timeframe: Timeframe;
  closedUntil: number;
  nowMs: number;
  size: number;
  cache: CandleWindowCache;
  store: CandleStore;
  source: MarketData;
}): Promise<WindowResult> {
  const { symbol, timeframe, closedUntil, nowMs, size, cache, store, source } = args;
  const step = timeframeMs(timeframe);
  const key = `${symbol}|${timeframe}`;
  const windowStart = closedUntil - size * step;
  let readsFromStore = 0;
  let window = (cache.get(key) ?? []).filter((c) => c.t >= windowStart && c.t < closedUntil);
  if (window.length === 0) {
    window = await store.read(symbol, timeframe, windowStart, closedUntil);
    readsFromStore = 1;
  }
  const newest = window.at(-1)?.t;
  const since = newest === undefined ? windowStart : newest + step;
  const fresh = since < closedUntil ? await source.fetchClosedCandles({ symbol, timeframe, sinceMs: since, untilMs: closedUntil, nowMs }) : [];

  // Holes inside the window (a missed tick, a failed fetch): ask the source once per hole.
  let recovered: Candle[] = [];
  const holes = findGaps(window.length ? [{ t: windowStart - step } as Candle, ...window] : [], timeframe).filter((g) => !cache.isUnfillable(key, g));
  for (const gap of holes) {
    const got = await source.fetchClosedCandles({ symbol, timeframe, sinceMs: gap.after + step, untilMs: gap.next, nowMs });
    if (got.length === 0) cache.markUnfillable(key, gap);
    recovered = recovered.concat(got);
  }
  const toStore = mergeCandles(recovered, fresh);
  if (toStore.length) await store.upsert(symbol, timeframe, toStore);
  const candles = mergeCandles(window, toStore).slice(-size);
  cache.set(key, candles);
  const remaining = findGaps(candles, timeframe);
  return { candles, ingested: fresh.length, backfilled: recovered.length, gaps: remaining, readsFromStore };
}
