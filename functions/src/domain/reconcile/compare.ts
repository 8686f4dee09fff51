/**
 * Reconciliation: the exchange account held against the ledger (wallet/paper's cash and positions).
 * Pure: the service reads the exchange (ports/exchangeAccount.ts) and the ledger and passes both in.
 *
 * What is compared: the quote asset (USDT) against the ledger's cash, and the base asset of every
 * market the bot trades or holds against its position quantity, each as free + locked on the
 * exchange. Other assets on the account are not the bot's and are not compared.
 * Tolerance: a base difference below one amount step is dust (what fees in the base asset and
 * closing sells leave) and ignored; a cash difference up to `cashTolerance` is ignored.
 * Causes are likely, not certain, and come from which way the base and the quote moved together:
 *   base down, quote up → manual_sell      base up, quote down → unbooked_fill
 *   anything up alone  → deposit           anything down alone → withdrawal
 * Open orders are never guessed: each was looked up on the exchange by id, and its clientOrderId
 * (= the signal id, adapters/ccxt/orderMapping.clientOrderIdFor) against the ledger's records.
 * A market with a bot order still in flight is not judged this round (nor is the cash): its fill is
 * being booked, and judging it would turn every order into drift.
 */
import { toDecimalString, type Amount } from '../money.ts';
import type { MarketRules } from '../marketRules.ts';
import type { DriftCause, Position, Side, Wallet } from '../trading.types.ts';

export interface AssetBalance {
  readonly free: Amount;
  readonly locked: Amount;
}

export interface ExchangeOrder {
  readonly id: string;
  readonly clientOrderId: string | null;
  readonly symbol: string;
  readonly side: Side;
  readonly amount: Amount;
  readonly filled: Amount;
  readonly status: 'open' | 'closed' | 'canceled';
}

/** What the ledger knows of an order's clientOrderId: booked (filled), refused, in flight (intent or published, no outcome yet), or nothing. */
export type OrderKnowledge = 'booked' | 'refused' | 'in_flight' | null;

export interface LookedUpOrder {
  /** the order as listed open, refreshed by a lookup by id (it may have filled since) */
  readonly order: ExchangeOrder;
  readonly known: OrderKnowledge;
}

export interface ReconcileInput {
  readonly wallet: Pick<Wallet, 'cash'>;
  readonly positions: Readonly<Record<string, Pick<Position, 'qty'>>>;
  /** the markets compared: configured and held */
  readonly symbols: readonly string[];
  /** the market's rules; null when the exchange lists none (then nothing is dust) */
  readonly rules: (symbol: string) => MarketRules | null;
  readonly cashTolerance: Amount;
  readonly balances: Readonly<Record<string, AssetBalance>>;
  readonly openOrders: readonly LookedUpOrder[];
  /** markets with a bot order whose outcome the ledger has not booked yet */
  readonly inFlight: readonly string[];
}

/** One row of the comparison table (every asset compared, drift or not). */
export interface AssetRow {
  readonly asset: string;
  /** the market whose position it is; null for the quote (cash) */
  readonly symbol: string | null;
  readonly ledger: Amount;
  readonly free: Amount;
  readonly locked: Amount;
  readonly exchange: Amount;
  /** exchange − ledger */
  readonly delta: Amount;
  readonly status: 'ok' | 'drift' | 'deferred';
}

export type Difference =
  | {
      readonly kind: 'balance';
      readonly asset: string;
      readonly symbol: string | null;
      readonly ledger: Amount;
      readonly exchange: Amount;
      readonly delta: Amount;
      readonly cause: DriftCause;
      readonly explanation: string;
    }
  | {
      readonly kind: 'open_order';
      readonly symbol: string;
      readonly orderId: string;
      readonly clientOrderId: string | null;
      readonly side: Side;
      readonly amount: Amount;
      readonly filled: Amount;
      readonly status: ExchangeOrder['status'];
      readonly cause: 'unknown_open_order' | 'booked_order_still_open';
      readonly explanation: string;
    };

export interface ReconcileReport {
  readonly clean: boolean;
  readonly quote: string;
  readonly rows: readonly AssetRow[];
  readonly differences: readonly Difference[];
  /** markets not judged this round: a bot order is in flight */
  readonly deferred: readonly string[];
}

export class ReconcileError extends Error {
  override readonly name = 'ReconcileError';
}

export const baseOf = (symbol: string): string => symbol.split('/')[0]!;
export const quoteOf = (symbol: string): string => symbol.split('/')[1]!;

/** The one quote currency the ledger's cash is counted in. */
export function ledgerQuote(symbols: readonly string[]): string {
  const quotes = [...new Set(symbols.map(quoteOf))];
  if (quotes.length !== 1)
    throw new ReconcileError(
      `reconciliation needs one quote currency for the ledger's cash; the markets use ${quotes.join(', ') || 'none'}`,
    );
  return quotes[0]!;
}

const s = toDecimalString;
const abs = (a: Amount): Amount => (a < 0n ? -a : a);

function balanceCause(delta: Amount, partnerMoved: boolean): DriftCause {
  if (delta < 0n) return partnerMoved ? 'manual_sell' : 'withdrawal';
  return partnerMoved ? 'unbooked_fill' : 'deposit';
}

const LIKELY: Record<DriftCause, (quote: string) => string> = {
  manual_sell: (q) => `${q} rose meanwhile: likely sold outside the bot (by hand on the exchange, or a sell the ledger never booked)`,
  unbooked_fill: (q) => `${q} fell meanwhile: likely a buy the ledger never booked (a bot fill whose booking was lost, or a manual buy)`,
  deposit: () => 'nothing else moved: likely a deposit',
  withdrawal: () => 'nothing else moved: likely a withdrawal',
};
const LIKELY_CASH: Record<DriftCause, string> = {
  manual_sell: 'likely the proceeds of a sale outside the bot',
  unbooked_fill: 'likely the cost of a buy the ledger never booked',
  deposit: 'no position moved: likely a deposit',
  withdrawal: 'no position moved: likely a withdrawal',
};

function orderDifference({ order, known }: LookedUpOrder): Difference | null {
  if (known === 'in_flight') return null;
  const now = order.status === 'open' ? 'still open' : `now ${order.status}`;
  const what = `${order.side} ${s(order.amount)} ${order.symbol} (order ${order.id}, clientOrderId ${order.clientOrderId ?? 'none'}, filled ${s(order.filled)}, ${now})`;
  const base = {
    kind: 'open_order' as const,
    symbol: order.symbol,
    orderId: order.id,
    clientOrderId: order.clientOrderId,
    side: order.side,
    amount: order.amount,
    filled: order.filled,
    status: order.status,
  };
  if (known === null) {
    return {
      ...base,
      cause: 'unknown_open_order',
      explanation: `${what}: not placed by the bot (no signal has this clientOrderId): a manual order; cancel it on the exchange or let it fill, then reconcile`,
    };
  }
  return {
    ...base,
    cause: 'booked_order_still_open',
    explanation: `${what}: the ledger recorded it as ${known}, yet the exchange lists it open: check it on the exchange`,
  };
}

export function compareWithLedger(input: ReconcileInput): ReconcileReport {
  const quote = ledgerQuote(input.symbols);
  const orderDiffs = input.openOrders.map(orderDifference).filter((d): d is Difference => d !== null);
  const deferred = [
    ...new Set([...input.inFlight, ...input.openOrders.filter((o) => o.known === 'in_flight').map((o) => o.order.symbol)]),
  ].sort();
  const total = (asset: string): AssetBalance & { exchange: Amount } => {
    const b = input.balances[asset] ?? { free: 0n, locked: 0n };
    return { ...b, exchange: b.free + b.locked };
  };

  const cash = total(quote);
  const cashDelta = cash.exchange - input.wallet.cash;
  const cashDrift = deferred.length === 0 && abs(cashDelta) > input.cashTolerance;
  const baseRows: AssetRow[] = [...new Set(input.symbols)].sort().map((symbol) => {
    const held = input.positions[symbol]?.qty ?? 0n;
    const b = total(baseOf(symbol));
    const delta = b.exchange - held;
    const status = deferred.includes(symbol) ? 'deferred' : abs(delta) < (input.rules(symbol)?.amountStep ?? 1n) ? 'ok' : 'drift';
    return { asset: baseOf(symbol), symbol, ledger: held, free: b.free, locked: b.locked, exchange: b.exchange, delta, status };
  });
  const cashRow: AssetRow = {
    asset: quote,
    symbol: null,
    ledger: input.wallet.cash,
    free: cash.free,
    locked: cash.locked,
    exchange: cash.exchange,
    delta: cashDelta,
    status: deferred.length > 0 ? 'deferred' : cashDrift ? 'drift' : 'ok',
  };

  const differences: Difference[] = [];
  // A base move pairs with a cash move the other way (a trade); alone it is a transfer.
  const cashOpposes = (delta: Amount) => cashDrift && (delta < 0n ? cashDelta > 0n : cashDelta < 0n);
  for (const r of baseRows.filter((x) => x.status === 'drift')) {
    const cause = balanceCause(r.delta, cashOpposes(r.delta));
    differences.push({
      kind: 'balance',
      asset: r.asset,
      symbol: r.symbol,
      ledger: r.ledger,
      exchange: r.exchange,
      delta: r.delta,
      cause,
      explanation: `${r.asset}: the exchange holds ${s(r.exchange)}, the ledger ${s(r.ledger)} (${r.delta > 0n ? '+' : ''}${s(r.delta)}); ${LIKELY[cause](quote)}`,
    });
  }
  if (cashDrift) {
    const traded = baseRows.some((r) => r.status === 'drift' && (cashDelta > 0n ? r.delta < 0n : r.delta > 0n));
    const cause: DriftCause = cashDelta > 0n ? (traded ? 'manual_sell' : 'deposit') : traded ? 'unbooked_fill' : 'withdrawal';
    differences.push({
      kind: 'balance',
      asset: quote,
      symbol: null,
      ledger: input.wallet.cash,
      exchange: cash.exchange,
      delta: cashDelta,
      cause,
      explanation: `${quote}: the exchange holds ${s(cash.exchange)}, the ledger's cash is ${s(input.wallet.cash)} (${cashDelta > 0n ? '+' : ''}${s(cashDelta)}); ${LIKELY_CASH[cause]}`,
    });
  }
  differences.push(...orderDiffs);
  return { clean: differences.length === 0, quote, rows: [cashRow, ...baseRows], differences, deferred };
}
