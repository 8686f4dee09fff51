import { findGaps, mergeCandles, timeframeMs, type Candle, type Gap, type Timeframe } from '../domain/candle.ts';
import type { CandleReading } from '../domain/engine/index.ts';
import type { CandleStore, Deadline, MarketData } from '../ports/index.ts';
import { MarketDataError } from '../domain/errors.ts';

/**
 * The recent candles of each symbol, kept by a warm instance so a steady-state tick reads nothing
 * from the candle store: closed candles never change, so the cache can only be incomplete, never wrong.
 */
export class CandleWindowCache {
  private readonly windows = new Map<string, Candle[]>();
  /** for a series fetched from a start time (the guard series): the time it was asked from */
  private readonly asked = new Map<string, number>();
  /** gaps the source itself could not fill (real exchange outages): not asked again by this instance */
  private readonly unfillable = new Set<string>();
  get(key: string): Candle[] | undefined {
    return this.windows.get(key);
  }
  set(key: string, candles: Candle[]): void {
    this.windows.set(key, candles);
  }
  askedFrom(key: string): number | undefined {
    return this.asked.get(key);
  }
  setAskedFrom(key: string, t: number): void {
    this.asked.set(key, t);
  }
  isUnfillable(key: string, gap: Gap): boolean {
    return this.unfillable.has(`${key}:${gap.after}:${gap.next}`);
  }
  markUnfillable(key: string, gap: Gap): void {
    this.unfillable.add(`${key}:${gap.after}:${gap.next}`);
  }
  clear(): void {
    this.windows.clear();
    this.asked.clear();
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
  /** gap repairs not attempted or failed this tick (budget spent, exchange error): retried next tick */
  repairsDeferred?: number;
  /**
   * Writes what was new to the store, then caches the window: called by the tick once its status write
   * is on its way (the page sees the tick one commit sooner: scripts/bench-latency.ts). Never rejects:
   * null once stored, else the write's error. Not called, or failed: the cache stays as it was, so the
   * next refresh fetches those candles again (the cache can be incomplete, never ahead of the store).
   */
  store: (readings?: readonly CandleReading[]) => Promise<unknown>;
}

/**
 * A `store` step: upsert `candles` and the readings the step hands it (the symbol step's, for the
 * chart), then `remember` (the cache update); at once when there is nothing to write.
 */
export function storeThenRemember(
  store: CandleStore,
  symbol: string,
  timeframe: Timeframe,
  candles: readonly Candle[],
  remember: () => void,
): (readings?: readonly CandleReading[]) => Promise<unknown> {
  return (readings = []) => {
    if (candles.length === 0 && readings.length === 0) {
      remember();
      return Promise.resolve(null);
    }
    return store.upsert(symbol, timeframe, candles, readings).then(
      () => (remember(), null),
      (err: unknown) => err ?? new Error('candle upsert failed'),
    );
  };
}

/**
 * Bring a symbol's window up to `closedUntil` (exclusive open time of the forming candle):
 * fetch new closed candles, repair holes inside the window from the source, and say what to
 * upsert (`store`: the tick writes the candles beside its status write, not before it).
 *
 * All fetches of one refresh share ONE deadline (`deadline`, or one the source starts when it has a
 * budget, see Deadline in ports/index.ts): gap repairs spend what the new candles left, never a budget of their
 * own. A repair that fails or finds no time left is deferred to the next tick; the new candles
 * already fetched are kept. Only the fetch of new candles can fail the refresh.
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
  deadline?: Deadline;
}): Promise<WindowResult> {
  const { symbol, timeframe, closedUntil, nowMs, size, cache, store, source } = args;
  const deadline = args.deadline ?? source.startDeadline?.();
  const fetch = (sinceMs: number, untilMs: number) => {
    const req = { symbol, timeframe, sinceMs, untilMs, nowMs, ...(deadline && { deadline }) };
    return source.fetchClosedCandles(req);
  };
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
  const fresh = since < closedUntil ? await fetch(since, closedUntil) : [];

  // Holes inside the window (a missed tick, a failed fetch): ask the source once per hole.
  let recovered: Candle[] = [];
  let repairsDeferred = 0;
  const holes = findGaps(window.length ? [{ t: windowStart - step } as Candle, ...window] : [], timeframe).filter(
    (g) => !cache.isUnfillable(key, g),
  );
  for (const gap of holes) {
    if (deadline && deadline.remainingMs() <= 0) {
      repairsDeferred++;
      continue;
    }
    let got: Candle[];
    try {
      got = await fetch(gap.after + step, gap.next);
    } catch (err) {
      if (!(err instanceof MarketDataError)) throw err;
      repairsDeferred++;
      continue;
    }
    if (got.length === 0) cache.markUnfillable(key, gap);
    recovered = recovered.concat(got);
  }
  const toStore = mergeCandles(recovered, fresh);
  const candles = mergeCandles(window, toStore).slice(-size);
  const remaining = findGaps(candles, timeframe);
  return {
    candles,
    ingested: fresh.length,
    backfilled: recovered.length,
    gaps: remaining,
    readsFromStore,
    ...(repairsDeferred && { repairsDeferred }),
    store: storeThenRemember(store, symbol, timeframe, toStore, () => cache.set(key, candles)),
  };
}
