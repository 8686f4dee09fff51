/**
 * The ledger invariant (DESIGN §4): replaying trades from the initial cash reproduces the wallet and
 * the positions exactly, to the last 1e-8 unit. Every trade carries the ledger's sequence number
 * (1, 2, 3… in booking order, the wallet keeps the last one), so a replay can also start from a
 * checkpoint — the replay through sequence n — and read only the trades booked since: the daily
 * audit is incremental, and a lost or duplicated trade shows as a gap in the sequence.
 */
import { symbolKey } from '../alerts.ts';
import { toDecimalString, type Amount } from '../money.ts';
import type { Position, Trade, Wallet } from '../trading.types.ts';

export interface ReplayedPosition {
  readonly qty: Amount;
  /** the buy that opened it */
  readonly openTradeId: string;
}

export interface LedgerReplay {
  /** the sequence number of the last trade replayed (0: none) */
  readonly seq: number;
  readonly cash: Amount;
  readonly realizedPnl: Amount;
  readonly feesPaid: Amount;
  /** open positions; symbols that net to zero are omitted */
  readonly positions: Readonly<Record<string, ReplayedPosition>>;
}

export const openingReplay = (initialCash: Amount): LedgerReplay => ({
  seq: 0,
  cash: initialCash,
  realizedPnl: 0n,
  feesPaid: 0n,
  positions: {},
});

/** Folds `trades` (those booked after `from.seq`, in any order) onto `from`, in sequence order. */
export function replayLedger(from: LedgerReplay, trades: readonly Trade[]): LedgerReplay {
  let { cash, realizedPnl, feesPaid, seq } = from;
  const positions: Record<string, ReplayedPosition> = { ...from.positions };
  for (const t of [...trades].sort((a, b) => a.seq - b.seq)) {
    cash += t.cashDelta;
    realizedPnl += t.realizedPnl;
    feesPaid += t.fee;
    seq = Math.max(seq, t.seq);
    const qty = (positions[t.symbol]?.qty ?? 0n) + t.qtyDelta;
    // A buy opens the position; an adjustment that adds to a held position keeps its opening trade.
    const held = positions[t.symbol];
    const openTradeId = t.side === 'buy' && !(t.reason === 'adjustment' && held) ? t.id : (held?.openTradeId ?? '');
    if (qty === 0n) delete positions[t.symbol];
    else positions[t.symbol] = { qty, openTradeId };
  }
  return { seq, cash, realizedPnl, feesPaid, positions };
}

export type LedgerDiscrepancy =
  | { readonly kind: 'cash_mismatch' | 'realized_pnl_mismatch' | 'fees_mismatch'; readonly wallet: Amount; readonly ledger: Amount }
  | { readonly kind: 'position_qty_mismatch'; readonly symbol: string; readonly position: Amount; readonly ledger: Amount }
  | { readonly kind: 'position_without_opening_trade'; readonly symbol: string; readonly openTradeId: string }
  | {
      readonly kind: 'sequence_gap';
      readonly from: number;
      readonly through: number;
      readonly missing: readonly number[];
      readonly extra: readonly number[];
    }
  | { readonly kind: 'trade_inconsistent'; readonly tradeId: string; readonly detail: string }
  | { readonly kind: 'negative_cash'; readonly cash: Amount };

/** A trade's own fields must agree: a buy adds its qty, a sell removes qty + dust; an adjustment moves no fee or PnL. */
function tradeProblem(t: Trade): string | null {
  const dust = t.dust ?? 0n;
  if ((t.reason === 'adjustment') !== (t.adjustment !== undefined))
    return 'an adjustment carries its evidence, and only an adjustment does';
  if (t.reason === 'adjustment' && (t.fee !== 0n || t.realizedPnl !== 0n || dust !== 0n))
    return 'an adjustment has no fee, realized PnL or dust';
  if (t.side === 'buy' && (t.qtyDelta !== t.qty || dust !== 0n))
    return `buy qtyDelta ${toDecimalString(t.qtyDelta)} ≠ qty ${toDecimalString(t.qty)}`;
  if (t.side === 'sell' && t.qtyDelta !== -(t.qty + dust)) return `sell qtyDelta ${toDecimalString(t.qtyDelta)} ≠ −(qty + dust)`;
  return null;
}

/** The sequence numbers after `from` through `through` that are missing, and those that should not be there. */
function sequenceGap(from: number, through: number, trades: readonly Trade[]): LedgerDiscrepancy | null {
  const seen = new Set<number>();
  const extra: number[] = [];
  for (const t of trades) {
    if (t.seq <= from || t.seq > through || seen.has(t.seq)) extra.push(t.seq);
    seen.add(t.seq);
  }
  if (extra.length === 0 && seen.size === through - from) return null;
  const missing: number[] = [];
  for (let s = from + 1; s <= through && missing.length < 10; s++) if (!seen.has(s)) missing.push(s);
  return { kind: 'sequence_gap', from, through, missing, extra: extra.slice(0, 10) };
}

/**
 * Compares the wallet and positions with the replay of `trades` onto `from` (default: the opening
 * wallet, i.e. a full audit). `trades` must be exactly those with from.seq < seq ≤ wallet.tradeSeq.
 */
export function findLedgerDiscrepancies(
  wallet: Wallet,
  positions: Readonly<Record<string, Position>>,
  trades: readonly Trade[],
  from: LedgerReplay = openingReplay(wallet.initialCash),
): LedgerDiscrepancy[] {
  const out: LedgerDiscrepancy[] = [];
  const gap = sequenceGap(from.seq, wallet.tradeSeq, trades);
  if (gap) out.push(gap);
  for (const t of trades) {
    const problem = tradeProblem(t);
    if (problem) out.push({ kind: 'trade_inconsistent', tradeId: t.id, detail: problem });
  }
  const replay = replayLedger(from, trades);
  if (wallet.cash < 0n) out.push({ kind: 'negative_cash', cash: wallet.cash });
  if (replay.cash !== wallet.cash) out.push({ kind: 'cash_mismatch', wallet: wallet.cash, ledger: replay.cash });
  if (replay.realizedPnl !== wallet.realizedPnl)
    out.push({ kind: 'realized_pnl_mismatch', wallet: wallet.realizedPnl, ledger: replay.realizedPnl });
  if (replay.feesPaid !== wallet.feesPaid) out.push({ kind: 'fees_mismatch', wallet: wallet.feesPaid, ledger: replay.feesPaid });

  const symbols = new Set([...Object.keys(positions), ...Object.keys(replay.positions)]);
  for (const symbol of [...symbols].sort()) {
    const held = positions[symbol]?.qty ?? 0n;
    const ledger = replay.positions[symbol]?.qty ?? 0n;
    if (held !== ledger) out.push({ kind: 'position_qty_mismatch', symbol, position: held, ledger });
  }
  for (const [symbol, p] of Object.entries(positions).sort(([a], [b]) => a.localeCompare(b))) {
    if (replay.positions[symbol]?.openTradeId !== p.openTradeId)
      out.push({ kind: 'position_without_opening_trade', symbol, openTradeId: p.openTradeId });
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
    case 'sequence_gap':
      return `sequence_gap: trades ${d.from + 1}…${d.through} expected; missing [${d.missing.join(', ')}], unexpected [${d.extra.join(', ')}]`;
    case 'trade_inconsistent':
      return `trade_inconsistent: ${d.tradeId}: ${d.detail}`;
    default:
      return `${d.kind}: wallet ${s(d.wallet)} ≠ ledger ${s(d.ledger)}`;
  }
}

/**
 * positions/* is a projection of the ledger's positions, written in the same transaction: they must
 * agree, symbol for symbol (ids are symbol keys, BTC/USDT → BTC-USDT).
 */
export function projectionDiscrepancies(booked: Readonly<Record<string, Position>>, projected: readonly Position[]): string[] {
  const out: string[] = [];
  for (const p of projected) {
    const b = booked[p.symbol];
    if (b?.openTradeId !== p.openTradeId || b.qty !== p.qty)
      out.push(`projection_mismatch: positions/${symbolKey(p.symbol)} does not match wallet/paper`);
  }
  for (const symbol of Object.keys(booked).sort()) {
    if (!projected.some((q) => q.symbol === symbol))
      out.push(`projection_missing: no positions/${symbolKey(symbol)} for the booked position`);
  }
  return out;
}

/** Human-readable discrepancies (empty = clean); use findLedgerDiscrepancies for structured ones. */
export function auditLedger(
  wallet: Wallet,
  positions: Readonly<Record<string, Position>>,
  trades: readonly Trade[],
  from?: LedgerReplay,
): string[] {
  return findLedgerDiscrepancies(wallet, positions, trades, from).map(describeDiscrepancy);
}
