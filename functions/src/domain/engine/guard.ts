/**
 * A live position has two owners: executeOrder books it (quantity, cost, initial stops) and the tick
 * moves its protective levels candle by candle (high-water mark, trailing stop, last check, last
 * price). The tick keeps those levels beside its own state, so it never rewrites a document the
 * executor owns; `withGuard` puts the two halves back together.
 */
import type { Amount } from '../money.ts';
import type { Position } from '../trading.types.ts';

export interface Guard {
  /** the position these levels belong to (its opening trade) */
  readonly tradeId: string;
  readonly highWater: Amount;
  readonly trailingStop: Amount | null;
  readonly checkedThrough: number;
  readonly lastPrice: Amount;
}

export const guardOf = (p: Position): Guard => ({
  tradeId: p.openTradeId, highWater: p.highWater, trailingStop: p.trailingStop, checkedThrough: p.checkedThrough, lastPrice: p.lastPrice,
});

/** The booked position with the tick's levels, when they belong to it; as booked otherwise (a new position). */
export function withGuard(p: Position, g: Guard | null): Position {
  if (!g || g.tradeId !== p.openTradeId) return p;
  return { ...p, highWater: g.highWater, trailingStop: g.trailingStop, checkedThrough: g.checkedThrough, lastPrice: g.lastPrice };
}
