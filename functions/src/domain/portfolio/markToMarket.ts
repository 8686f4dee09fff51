/**
 * Mark-to-market: equity = cash + Σ qty × price, positions valued rounding down (never overstate).
 * The first mark of a new UTC day starts that day: dayStartEquity becomes the equity at that mark,
 * which is what the daily loss limit compares against.
 */
import { mul, type Amount } from '../money.ts';
import type { Position, Wallet } from '../trading.types.ts';
import { utcDay } from '../wallet.ts';

export function positionValue(p: Position, price: Amount = p.lastPrice): Amount {
  return mul(p.qty, price, 'down');
}

/** Prices missing from `prices` fall back to the position's lastPrice. */
export function markToMarket(
  wallet: Wallet,
  positions: Readonly<Record<string, Position>>,
  prices: Readonly<Record<string, Amount>>,
  now: number,
): Wallet {
  let equity = wallet.cash;
  for (const p of Object.values(positions)) equity += positionValue(p, prices[p.symbol] ?? p.lastPrice);
  const day = utcDay(now);
  // yyyymmdd compares as text; a late, out-of-order mark never moves the day backwards.
  const newDay = day > wallet.day;
  return {
    ...wallet,
    equity,
    peakEquity: equity > wallet.peakEquity ? equity : wallet.peakEquity,
    day: newDay ? day : wallet.day,
    dayStartEquity: newDay ? equity : wallet.dayStartEquity,
  };
}

/** Positions with lastPrice moved to the given prices (those without a price are unchanged). */
export function markPositions(
  positions: Readonly<Record<string, Position>>,
  prices: Readonly<Record<string, Amount>>,
): Record<string, Position> {
  const out: Record<string, Position> = {};
  for (const [symbol, p] of Object.entries(positions)) {
    const price = prices[symbol];
    out[symbol] = price === undefined ? p : { ...p, lastPrice: price };
  }
  return out;
}
