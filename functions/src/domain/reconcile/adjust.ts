/**
 * A confirmed reconciliation books the drift as adjustments: one ledger entry per asset that
 * drifted (reason 'adjustment', with the exchange's evidence), so the ledger replays to the wallet
 * exactly and the audit stays clean. It runs inside the booking transaction on the book read there,
 * and aims each asset at the exchange's amount: a second run (a retry, a repeated command) finds
 * nothing left to book.
 *
 * - cash: moved to the exchange's quote balance;
 * - a position: moved to the exchange's base balance; below one amount step it is closed (the dust
 *   stays on the exchange, inside the tolerance); one the ledger did not hold is opened at the
 *   market price with its stops from the market's ATR, so it is protected from the next tick on.
 * Adjustments realize no PnL and pay no fee (the performance figures stay the bot's own trading);
 * the account marks (equity, peak, day start) shift by the value booked, so a deposit is not a gain
 * and a withdrawal never trips the kill switch or the daily loss limit.
 */
import { div, maxAmount, mul, type Amount } from '../money.ts';
import { initialStops } from '../risk/stops.ts';
import type { RiskParams } from '../risk/params.ts';
import type { Book } from '../portfolio/book.ts';
import type { MarketRules } from '../marketRules.ts';
import type { Position, Trade, Wallet } from '../trading.types.ts';
import { ReconcileError, type ReconcileReport } from './compare.ts';

export interface MarketMark {
  readonly price: Amount;
  readonly atr: Amount;
}

export interface AdjustInput {
  readonly book: Pick<Book, 'wallet' | 'positions'>;
  /** the comparison the operator confirmed: its drift rows are booked, nothing else */
  readonly report: ReconcileReport;
  /** the market's rules; null when the exchange lists none (then nothing is dust) */
  readonly rules: (symbol: string) => MarketRules | null;
  readonly marks: (symbol: string) => MarketMark | null;
  readonly risk: RiskParams;
  readonly note: string;
  readonly by: string;
  readonly now: number;
}

export interface LedgerAdjustment {
  /** the ledger after the entries, its marks (equity, peak, day start) shifted by `marksShift` */
  readonly wallet: Wallet;
  readonly positions: Readonly<Record<string, Position>>;
  readonly entries: readonly Trade[];
  /** the value booked (cash + quantity × price): what the account marks shift by */
  readonly marksShift: Amount;
}

export const adjustmentId = (seq: number, now: number): string => `adjustment-${seq}-${now}`;

export function planAdjustment(input: AdjustInput): LedgerAdjustment | null {
  const { book, report, now } = input;
  const positions: Record<string, Position> = { ...book.positions };
  const entries: Trade[] = [];
  let { cash, tradeSeq } = book.wallet;
  let marksShift = 0n;
  const differences = new Map(report.differences.flatMap((d) => (d.kind === 'balance' ? [[d.asset, d] as const] : [])));
  const entry = (
    asset: string,
    symbol: string,
    fields: Pick<Trade, 'qtyDelta' | 'cashDelta' | 'price'>,
    ledger: Amount,
    exchange: Amount,
  ): Trade => {
    tradeSeq += 1;
    const id = adjustmentId(tradeSeq, now);
    const up = fields.qtyDelta > 0n || (fields.qtyDelta === 0n && fields.cashDelta > 0n);
    return {
      id,
      seq: tradeSeq,
      signalId: id,
      symbol,
      side: up ? 'buy' : 'sell',
      reason: 'adjustment',
      qty: fields.qtyDelta < 0n ? -fields.qtyDelta : fields.qtyDelta,
      price: fields.price,
      fee: 0n,
      cashDelta: fields.cashDelta,
      qtyDelta: fields.qtyDelta,
      realizedPnl: 0n,
      time: now,
      adjustment: { cause: differences.get(asset)!.cause, asset, exchange, ledger, note: input.note, by: input.by },
    };
  };

  for (const row of report.rows) {
    if (row.status !== 'drift' || !differences.has(row.asset)) continue;
    if (row.symbol === null) {
      const delta = row.exchange - cash;
      if (delta === 0n) continue;
      entries.push(entry(row.asset, row.asset, { qtyDelta: 0n, cashDelta: delta, price: 0n }, cash, row.exchange));
      cash += delta;
      marksShift += delta;
      continue;
    }
    const symbol = row.symbol;
    const held = positions[symbol];
    const target = row.exchange < (input.rules(symbol)?.amountStep ?? 1n) ? 0n : row.exchange;
    const delta = target - (held?.qty ?? 0n);
    if (delta === 0n) continue;
    const mark = input.marks(symbol);
    const price = held?.lastPrice ?? mark?.price;
    if (price === undefined || price <= 0n)
      throw new ReconcileError(`cannot book ${row.asset}: no market price for ${symbol} yet (let a tick run first)`);
    entries.push(entry(row.asset, symbol, { qtyDelta: delta, cashDelta: 0n, price }, held?.qty ?? 0n, row.exchange));
    marksShift += mul(delta, price, 'down');
    if (target === 0n) delete positions[symbol];
    else if (held)
      positions[symbol] = {
        ...held,
        qty: target,
        costBasis: held.qty === 0n ? held.costBasis : mul(held.costBasis, div(target, held.qty, 'up'), 'up'),
      };
    else positions[symbol] = adopted(symbol, target, price, mark, input.risk, entries.at(-1)!.id, now);
  }
  if (entries.length === 0) return null;
  if (cash < 0n) throw new ReconcileError('the adjusted cash would be negative');
  const w = book.wallet;
  const shift = (a: bigint) => maxAmount(a + marksShift, 0n);
  return {
    wallet: { ...w, cash, tradeSeq, equity: shift(w.equity), peakEquity: shift(w.peakEquity), dayStartEquity: shift(w.dayStartEquity) },
    positions,
    entries,
    marksShift,
  };
}

/** A holding the ledger did not know of becomes a position with stops, so the next tick protects it. */
function adopted(
  symbol: string,
  qty: Amount,
  price: Amount,
  mark: MarketMark | null,
  risk: RiskParams,
  tradeId: string,
  now: number,
): Position {
  if (!mark || mark.atr <= 0n) throw new ReconcileError(`cannot adopt ${symbol}: no ATR known to place its stop (let a tick run first)`);
  return {
    symbol,
    qty,
    entryPrice: price,
    entryTime: now,
    checkedUntil: now,
    costBasis: mul(qty, price, 'up'),
    ...initialStops(price, mark.atr, risk),
    trailingStop: null,
    highWater: price,
    openTradeId: tradeId,
    lastPrice: price,
  };
}
