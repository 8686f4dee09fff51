/**
 * Trade duration and profit % of each closing trade, from the ledger: a round trip opens with the
 * first buy on a flat symbol and ends with the sell that makes it flat again. Its cost is the cash
 * that left the wallet for its buys (notional + fee, −cashDelta), so profit % = realized PnL ÷ cost.
 * A closing trade whose opening is not among the trades given has no round trip.
 */
import { ZERO, type Amount } from '../money.ts';
import type { Trade } from '../trading.types.ts';

export interface RoundTrip {
  readonly openedAt: number;
  readonly durationMs: number;
  readonly cost: Amount;
  readonly realizedPnl: Amount;
  /** realized PnL ÷ cost (a fraction; statistics only) */
  readonly profitPct: number;
}

export type RoundTripTrade = Pick<Trade, 'id' | 'seq' | 'symbol' | 'side' | 'cashDelta' | 'qtyDelta' | 'realizedPnl' | 'time'>;

/** By closing trade id. Trades in any order; they are walked in ledger order. */
export function roundTrips(trades: readonly RoundTripTrade[]): Map<string, RoundTrip> {
  const open = new Map<string, { at: number; qty: Amount; cost: Amount } | null>();
  const out = new Map<string, RoundTrip>();
  for (const t of [...trades].sort((a, b) => a.seq - b.seq)) {
    const o = open.get(t.symbol);
    if (t.side === 'buy') {
      // a buy on an unknown symbol is the start of what we can see: the walk begins flat for each symbol
      open.set(
        t.symbol,
        o ? { ...o, qty: o.qty + t.qtyDelta, cost: o.cost - t.cashDelta } : { at: t.time, qty: t.qtyDelta, cost: -t.cashDelta },
      );
      continue;
    }
    if (!o) continue;
    const qty = o.qty + t.qtyDelta;
    if (o.cost > ZERO)
      out.set(t.id, {
        openedAt: o.at,
        durationMs: t.time - o.at,
        cost: o.cost,
        realizedPnl: t.realizedPnl,
        profitPct: Number(t.realizedPnl) / Number(o.cost),
      });
    open.set(t.symbol, qty > ZERO ? { ...o, qty } : null);
  }
  return out;
}
