/**
 * A live position has two owners: executeOrder books it (quantity, cost, initial stops) and the tick
 * moves its protective levels candle by candle (high-water mark, trailing stop, how far it is checked,
 * last price). The tick keeps those levels beside its own state, so it never rewrites a document the
 * executor owns; `withGuard` puts the two halves back together.
 */
import type { Timeframe } from '../candle.ts';
import type { Amount } from '../money.ts';
import type { Position } from '../trading.types.ts';

export interface Guard {
  /** the position these levels belong to (its opening trade) */
  readonly tradeId: string;
  readonly highWater: Amount;
  readonly trailingStop: Amount | null;
  /** end (exclusive) of the span checked against the stops */
  readonly checkedUntil: number;
  readonly lastPrice: Amount;
  /** market time of the last tick that ran the protective check (the watchdog reads it) */
  readonly checkedAt: number;
}

export const guardOf = (p: Position, checkedAt: number): Guard => ({
  tradeId: p.openTradeId,
  highWater: p.highWater,
  trailingStop: p.trailingStop,
  checkedUntil: p.checkedUntil,
  lastPrice: p.lastPrice,
  checkedAt,
});

/** The booked position with the tick's levels, when they belong to it; as booked otherwise (a new position). */
export function withGuard(p: Position, g: Guard | null): Position {
  if (!g || g.tradeId !== p.openTradeId) return p;
  // Never before the entry: candles that closed before the position existed are not its business.
  return {
    ...p,
    highWater: g.highWater,
    trailingStop: g.trailingStop,
    checkedUntil: Math.max(g.checkedUntil, p.entryTime),
    lastPrice: g.lastPrice,
  };
}

/** The finest candles there are: open positions are checked on them every tick, whatever the decision timeframe. */
export const GUARD_TIMEFRAME: Timeframe = '1m';

/** The guard series under a decision timeframe; none when decisions are already on the finest candles. */
export const guardTimeframeFor = (decision: Timeframe): Timeframe | null => (decision === GUARD_TIMEFRAME ? null : GUARD_TIMEFRAME);

/** How many guard candles a tick catches up at most (a day of 1m); older spans are checked on the decision candles. */
export const GUARD_WINDOW = 1440;
