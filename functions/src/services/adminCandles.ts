/**
 * Backfill and gap checks over the candle store, shared by the admin function and the `eagle` CLI.
 * Backfill never writes past `marketNow` — the target stack's clock (a replay's market time, or
 * the wall clock live) — so it cannot push candles into a demo's future.
 */
import { findGaps, lastClosedOpenTime, timeframeMs, type Timeframe } from '../domain/candle.ts';
import type { CandleStore, MarketData } from '../ports/index.ts';

export const DAY_MS = 86_400_000;
/** Candles fetched and stored per step: one candle document of 1m candles. */
const STEP_CANDLES = 1440;

export interface BackfillRequest {
  symbol: string;
  timeframe: Timeframe;
  since: number;
  until?: number;
}

export interface BackfillResult {
  symbol: string;
  timeframe: Timeframe;
  from: string;
  to: string;
  candles: number;
  steps: number;
  gaps: number;
  /** true when `until` was cut back to the newest candle closed by the stack's clock */
  capped: boolean;
}

export class NothingToDoError extends Error {
  override readonly name = 'NothingToDoError';
}

export async function backfillCandles(
  deps: { source: MarketData; candles: CandleStore },
  req: BackfillRequest,
  marketNow: number,
  onStep?: (done: number, total: number, fetched: number, to: number) => void,
): Promise<BackfillResult> {
  const tfMs = timeframeMs(req.timeframe);
  const closedUntil = lastClosedOpenTime(marketNow, req.timeframe) + tfMs;
  const until = Math.min(req.until ?? Infinity, closedUntil);
  if (until <= req.since) {
    throw new NothingToDoError(
      `nothing to do: since ${new Date(req.since).toISOString()} is not before ${new Date(until).toISOString()}, the newest candle closed by the stack's clock`,
    );
  }
  const span = tfMs * STEP_CANDLES;
  const total = Math.ceil((until - req.since) / span);
  let candles = 0;
  let gaps = 0;
  let steps = 0;
  for (let from = req.since; from < until; from += span) {
    const to = Math.min(until, from + span);
    const got = await deps.source.fetchClosedCandles({
      symbol: req.symbol,
      timeframe: req.timeframe,
      sinceMs: from,
      untilMs: to,
      nowMs: marketNow,
    });
    await deps.candles.upsert(req.symbol, req.timeframe, got);
    candles += got.length;
    gaps += findGaps(got, req.timeframe).length;
    onStep?.(++steps, total, candles, to);
  }
  return {
    symbol: req.symbol,
    timeframe: req.timeframe,
    from: new Date(req.since).toISOString(),
    to: new Date(until).toISOString(),
    candles,
    steps,
    gaps,
    capped: req.until === undefined || req.until > closedUntil,
  };
}

export interface GapReport {
  symbol: string;
  timeframe: Timeframe;
  stored: number;
  first: number | null;
  last: number | null;
  gaps: { after: number; next: number; missing: number }[];
}

/** Missing candles in the last `days` days of stored history, ending at each symbol's newest candle. */
export async function checkGaps(
  candles: CandleStore,
  symbols: readonly string[],
  timeframes: readonly Timeframe[],
  days: number,
): Promise<GapReport[]> {
  const out: GapReport[] = [];
  for (const tf of timeframes) {
    for (const symbol of symbols) {
      const newest = await candles.newest(symbol, tf);
      const end = (newest ?? 0) + timeframeMs(tf);
      const stored = newest === null ? [] : await candles.read(symbol, tf, end - days * DAY_MS, end);
      out.push({
        symbol,
        timeframe: tf,
        stored: stored.length,
        first: stored[0]?.t ?? null,
        last: stored.at(-1)?.t ?? null,
        gaps: findGaps(stored, tf).map((g) => ({ after: g.after, next: g.next, missing: g.missing })),
      });
    }
  }
  return out;
}
