/**
 * The ledger invariant (DESIGN §4): replaying trades from the initial cash reproduces the wallet and
 * the positions exactly, to the last 1e-8 unit. Sums are order-independent, so the trades need no
 * particular order.
 */
import { toDecimalString, type Amount } from '../money.ts';
import type { Position, Trade, Wallet } from '../trading.types.ts';

export interface LedgerReplay {
  readonly cash: Amount;
  readonly realizedPnl: Amount;
  readonly feesPaid: Amount;
  /** net quantity per symbol; symbols that net to zero are omitted */
  readonly positions: Readonly<Record<string, Amount>>;
}

export function replayLedger(initialCash: Amount, trades: readonly Trade[]): LedgerReplay {
  let cash = initialCash;
  let realizedPnl = 0n;
  let feesPaid = 0n;
  const qty: Record<string, Amount> = {};
  for (const t of trades) {
    cash += t.cashDelta;
    realizedPnl += t.realizedPnl;
    feesPaid += t.fee;
    qty[t.symbol] = (qty[t.symbol] ?? 0n) + t.qtyDelta;
  }
  const positions: Record<string, Amount> = {};
  for (const [symbol, q] of Object.entries(qty)) if (q !== 0n) positions[symbol] = q;
  return { cash, realizedPnl, feesPaid, positions };
}

export type LedgerDiscrepancy =
  | { readonly kind: 'cash_mismatch' | 'realized_pnl_mismatch' | 'fees_mismatch'; readonly wallet: Amount; readonly ledger: Amount }
  | { readonly kind: 'position_qty_mismatch'; readonly symbol: string; readonly position: Amount; readonly ledger: Amount }
  | { readonly kind: 'position_without_opening_trade'; readonly symbol: string; readonly openTradeId: string }
  | { readonly kind: 'negative_cash'; readonly cash: Amount };

export function findLedgerDiscrepancies(
  wallet: Wallet,
  positions: Readonly<Record<string, Position>>,
  trades: readonly Trade[],
): LedgerDiscrepancy[] {
  const out: LedgerDiscrepancy[] = [];
  const replay = replayLedger(wallet.initialCash, trades);
  if (wallet.cash < 0n) out.push({ kind: 'negative_cash', cash: wallet.cash });
  if (replay.cash !== wallet.cash) out.push({ kind: 'cash_mismatch', wallet: wallet.cash, ledger: replay.cash });
  if (replay.realizedPnl !== wallet.realizedPnl) out.push({ kind: 'realized_pnl_mismatch', wallet: wallet.realizedPnl, ledger: replay.realizedPnl });
  if (replay.feesPaid !== wallet.feesPaid) out.push({ kind: 'fees_mismatch', wallet: wallet.feesPaid, ledger: replay.feesPaid });

  const symbols = new Set([...Object.keys(positions), ...Object.keys(replay.positions)]);
  for (const symbol of [...symbols].sort()) {
    const held = positions[symbol]?.qty ?? 0n;
    const ledger = replay.positions[symbol] ?? 0n;
    if (held !== ledger) out.push({ kind: 'position_qty_mismatch', symbol, position: held, ledger });
  }
  const tradeById = new Map(trades.map((t) => [t.id, t]));
  for (const [symbol, p] of Object.entries(positions).sort(([a], [b]) => a.localeCompare(b))) {
    const opening = tradeById.get(p.openTradeId);
    if (!opening || opening.side !== 'buy' || opening.symbol !== symbol) {
      out.push({ kind: 'position_without_opening_trade', symbol, openTradeId: p.openTradeId });
    }
  }
  return out;
}

export function describeDiscrepancy(d: LedgerDiscrepancy): string {
  const s = toDecimalString;
  switch (d.kind) {
    case 'negative_cash':
      return `negative_cash: wallet cash is ${s(d.cash)}`;
    case 'position_qty_mismatch':
      return `position_qty_mismatch: ${d.symbol} position ${s(d.position)} ≠ ledger ${s(d.ledger)}`;
    case 'position_without_opening_trade':
      return `position_without_opening_trade: ${d.symbol} opened by trade ${d.openTradeId}, not in the ledger`;
    default:
      return `${d.kind}: wallet ${s(d.wallet)} ≠ ledger ${s(d.ledger)}`;
  }
}

/** Human-readable discrepancies (empty = clean); use findLedgerDiscrepancies for structured ones. */
export function auditLedger(
  wallet: Wallet,
  positions: Readonly<Record<string, Position>>,
  trades: readonly Trade[],
): string[] {
  return findLedgerDiscrepancies(wallet, positions, trades).map(describeDiscrepancy);
}
