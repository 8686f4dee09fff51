/**
 * Book a fill: the only function that moves money. Opening creates the position with its stops
 * (from the fill price and the signal's ATR); closing removes it and realizes PnL net of both
 * fees. Every invariant the planner should have guaranteed is re-asserted here and throws
 * InvariantError — aborting the transaction — rather than write an inconsistent ledger.
 *
 * Dust policy: a live buy whose fee is taken in the base asset leaves a quantity the exchange's
 * amount step cannot sell to the last unit. A closing sell may therefore leave `fill.dust`, and only
 * less than one amount step of it: the position is closed, the dust written off with the trade
 * (qtyDelta = −(qty + dust)) and its cost, already in the cost basis, lands in the realized PnL.
 * Anything larger is a partial sell, not dust, and is refused like any other broken invariant.
 */
import { initialStops } from '../risk/stops.ts';
import type { Fill, Position, Signal, Trade } from '../trading.types.ts';
import type { Book, OrderContext } from './book.ts';
import { InvariantError } from './invariantError.ts';
import { cashDelta } from './paperFill.ts';
import { decisionTime } from './planOrder.ts';

export interface AppliedFill {
  readonly book: Book;
  readonly trade: Trade;
  /** the symbol's position after the fill: the new one, or null once closed */
  readonly position: Position | null;
}

/** One fill per signal, so the signal id is also the trade id: a replayed signal cannot book twice. */
export const tradeIdFor = (signal: Signal): string => signal.id;

/**
 * Moves the ledger only (cash, PnL, fees, quantities). Equity, peak and the day's start are marks:
 * the account step alone updates them, in both drivers.
 */
export function applyFill(book: Book, signal: Signal, fill: Fill, ctx: Pick<OrderContext, 'risk' | 'rules'>): AppliedFill {
  const at = decisionTime(signal);
  const dust = fill.dust ?? 0n;
  if (fill.qty <= 0n || fill.price <= 0n || fill.fee < 0n || dust < 0n) throw new InvariantError(`malformed fill for ${signal.id}`);
  if (dust > 0n && signal.side === 'buy') throw new InvariantError(`buy ${signal.id} reports dust; only a closing sell can leave any`);
  const { wallet, positions } = book;
  const held = positions[signal.symbol];
  const delta = cashDelta(signal.side, fill);
  const cash = wallet.cash + delta;
  if (cash < 0n) throw new InvariantError(`cash would go negative (${cash}) on ${signal.id}: the planner must prevent this`);

  let position: Position | null;
  let realizedPnl = 0n;
  const rest: Record<string, Position> = { ...positions };
  if (signal.side === 'buy') {
    if (held) throw new InvariantError(`${signal.symbol} is already open; one position per symbol`);
    if (signal.atr <= 0n) throw new InvariantError(`entry ${signal.id} has no ATR to place its stop`);
    position = {
      symbol: signal.symbol,
      qty: fill.qty,
      entryPrice: fill.price,
      entryTime: at,
      checkedUntil: at,
      costBasis: -delta,
      ...initialStops(fill.price, signal.atr, ctx.risk, signal),
      trailingStop: null,
      highWater: fill.price,
      openTradeId: tradeIdFor(signal),
      // marked at the market price, so equity shows the slippage and fee just paid
      lastPrice: signal.refPrice,
    };
    rest[signal.symbol] = position;
  } else {
    if (!held) throw new InvariantError(`sell ${signal.id}: no open ${signal.symbol} position`);
    if (fill.qty + dust !== held.qty)
      throw new InvariantError(`sell ${signal.id} must close the whole position: ${fill.qty} + dust ${dust} ≠ ${held.qty}`);
    const step = ctx.rules?.amountStep ?? 0n;
    if (dust > 0n && dust >= step)
      throw new InvariantError(`sell ${signal.id} leaves ${dust} unsold: not dust, it is at least one amount step (${step})`);
    realizedPnl = delta - held.costBasis;
    position = null;
    delete rest[signal.symbol];
  }

  const trade: Trade = {
    id: tradeIdFor(signal),
    seq: wallet.tradeSeq + 1,
    signalId: signal.id,
    symbol: signal.symbol,
    side: signal.side,
    reason: signal.reason,
    qty: fill.qty,
    price: fill.price,
    fee: fill.fee,
    cashDelta: delta,
    qtyDelta: signal.side === 'buy' ? fill.qty : -(fill.qty + dust),
    realizedPnl,
    time: at,
    ...(dust > 0n ? { dust } : {}),
  };
  const moved = {
    ...wallet,
    cash,
    realizedPnl: wallet.realizedPnl + realizedPnl,
    feesPaid: wallet.feesPaid + fill.fee,
    tradeSeq: trade.seq,
  };
  return { book: { ...book, wallet: moved, positions: rest }, trade, position };
}
