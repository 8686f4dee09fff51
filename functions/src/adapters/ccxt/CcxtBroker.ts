/**
 * Live Broker: market orders on a real exchange through ccxt (Binance spot). Opt-in only.
 *
 * Idempotency per signal (Pub/Sub delivers at least once):
 * - clientOrderId = the signal id (32 hex chars fit Binance's newClientOrderId rule
 *   ^[.A-Z:/a-z0-9_-]{1,36}$ as is; anything else is hashed, see clientOrderIdFor).
 * - Binance enforces newClientOrderId uniqueness AMONG OPEN ORDERS ONLY. A market order is filled
 *   at once, so a redelivered signal re-sending the same id would NOT be rejected — it would buy a
 *   second time. So fill() first looks the order up by origClientOrderId and only places it when
 *   Binance answers -2013 "Order does not exist.".
 * - If two deliveries race past that lookup, the loser gets -2010 "Duplicate order sent." (ccxt:
 *   InvalidOrder, not DuplicateOrderId) and returns the winner's order instead of a second one.
 * - createOrder is never retried here: after a timeout or a 5xx the outcome is unknown (Binance's
 *   docs say so for 5xx and -1007). The error is thrown as temporary and the redelivery runs the
 *   lookup again. Let that redelivery come later than the signed request's recvWindow (ccxt's
 *   binance default: 10 s): Binance rejects a request that reaches it after timestamp + recvWindow,
 *   so by then a request still stuck in the network can no longer create the order.
 *
 * Money is exact: quantities, cost and commissions are read from Binance's raw decimal strings
 * (`order.info`, `trade.info`), never from ccxt's float fields, unless an exchange has no raw form.
 */
import { createHash } from 'node:crypto';
import type { Exchange, MarketInterface, Order, Trade } from 'ccxt';
import { MarketDataError } from '../../domain/errors.ts';
import { div, mul, toAmount, toDecimalString, type Amount } from '../../domain/money.ts';
import type { Fill, Side } from '../../domain/trading.types.ts';
import { withRetry, type RetryOptions } from '../../lib/retry.ts';
import type { Broker, OrderRequest } from '../../ports/index.ts';
import { ccxtErrorClass, translateCcxtError } from './errors.ts';
import { LazyExchange } from './loadExchange.ts';

type RetryTuning = Pick<RetryOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'rateLimitedBaseDelayMs' | 'onRetry'>;
export type Warn = (message: string, fields: Record<string, unknown>) => void;

export interface CcxtBrokerOptions {
  readonly exchangeId?: string;
  readonly apiKey?: string;
  readonly secret?: string;
  /** A ready ccxt instance (tests). Skips the lazy import; its own keys are used. */
  readonly exchange?: Exchange;
  readonly exchangeConfig?: Record<string, unknown>;
  /** Time for the read-only calls of one fill (markets, lookups, trades), retries included. Default 20 000 ms. */
  readonly budgetMs?: number;
  readonly retry?: RetryTuning;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
  /** Fees that cannot be valued in the quote currency (e.g. BNB) are reported here. */
  readonly onWarning?: Warn;
}

const BINANCE_CLIENT_ID_RE = /^[.A-Z:/a-z0-9_-]{1,36}$/;

/**
 * Binance newClientOrderId for a signal: the id itself when it fits (signal ids are 32 hex chars,
 * so in practice always, and the order is easy to find in Binance's UI); otherwise "ee-" + the first
 * 33 chars of base64url(sha256(id)) — 198 bits, deterministic, so a redelivery maps to the same order.
 */
export function clientOrderIdFor(signalId: string): string {
  if (BINANCE_CLIENT_ID_RE.test(signalId)) return signalId;
  return `ee-${createHash('sha256').update(signalId).digest('base64url').slice(0, 33)}`;
}

/** Binance spot -2010 "Duplicate order sent.", futures -4116, or ccxt's own class on other exchanges. */
export function isDuplicateOrder(err: unknown): boolean {
  if (ccxtErrorClass(err) === 'DuplicateOrderId') return true;
  const message = err instanceof Error ? err.message : '';
  return ccxtErrorClass(err) === 'InvalidOrder' && /Duplicate order sent|clientOrderId is duplicated/i.test(message);
}

/** One fill of an order: its price and the commission paid for it, exact. */
export interface FeeLeg {
  readonly asset: string;
  readonly commission: Amount;
  readonly price: Amount;
  readonly qty: Amount;
}

type Raw = Record<string, unknown>;
const str = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : typeof x === 'number' && Number.isFinite(x) ? String(x) : undefined);

/** Legs from Binance raw rows (FULL order `fills`, or /myTrades rows): same field names in both. */
function rawLegs(rows: unknown): FeeLeg[] | undefined {
  if (!Array.isArray(rows) || rows.length === 0) return undefined;
  const legs: FeeLeg[] = [];
  for (const r of rows as Raw[]) {
    const [price, qty, commission, asset] = [str(r.price), str(r.qty), str(r.commission), r.commissionAsset];
    if (!price || !qty || !commission || typeof asset !== 'string') return undefined;
    legs.push({ asset, price: toAmount(price), qty: toAmount(qty), commission: toAmount(commission, 'up') });
  }
  return legs;
}

/** Legs from ccxt trades: the raw rows when present, else ccxt's unified (float) fields. */
export function tradeLegs(trades: readonly Trade[]): FeeLeg[] {
  return rawLegs(trades.map((t) => t.info)) ?? trades.map((t) => ({
    asset: t.fee?.currency ?? '',
    commission: toAmount(t.fee?.cost ?? 0, 'up'),
    price: toAmount(t.price ?? 0),
    qty: toAmount(t.amount ?? 0),
  }));
}

/**
 * The exchange's order as our Fill, exact to 1e-8:
 * - price: average execution price, cost ÷ filled (half-even).
 * - A commission in the BASE asset (Binance's default on buys) is taken out of the quantity
 *   received: qty = filled − commission, and valued in quote at each fill's price (rounded up) as
 *   `fee`, with notional = cost − that value. Then notional + fee is exactly the quote spent and qty
 *   exactly the base credited, so a wallet replayed from fills matches the exchange balance.
 * - A commission in the QUOTE asset (sells) is `fee` as is; notional = cost.
 * - Any other asset (BNB discount) is outside the wallet's cash: fee 0 for it, and a warning.
 * `notional` is therefore the exchange's own quote amount, equal to qty × price up to rounding.
 */
export function orderToFill(order: Order, market: MarketInterface, side: Side, legs: readonly FeeLeg[], warn: Warn): Fill {
  const info = (order.info ?? {}) as Raw;
  const filled = toAmount(str(info.executedQty) ?? str(order.filled) ?? '0');
  const cost = toAmount(str(info.cummulativeQuoteQty) ?? str(order.cost) ?? '0');
  if (filled <= 0n) throw new MarketDataError('permanent', `order ${order.id} has nothing filled`);
  const isBase = (a: string) => a === market.baseId || a === market.base;
  const isQuote = (a: string) => a === market.quoteId || a === market.quote;
  let baseFee = 0n;
  let baseFeeInQuote = 0n;
  let quoteFee = 0n;
  for (const leg of legs) {
    if (leg.commission === 0n) continue;
    if (isBase(leg.asset)) {
      baseFee += leg.commission;
      baseFeeInQuote += mul(leg.commission, leg.price, 'up');
    } else if (isQuote(leg.asset)) {
      quoteFee += leg.commission;
    } else {
      warn('fee paid in an asset outside the wallet; recorded as 0', { orderId: order.id, asset: leg.asset, commission: toDecimalString(leg.commission) });
    }
  }
  const dir = side === 'buy' ? -1n : 1n;
  return {
    price: div(cost, filled, 'half-even'),
    qty: filled + dir * baseFee,
    notional: cost + dir * baseFeeInQuote,
    fee: quoteFee + baseFeeInQuote,
  };
}

export class CcxtBroker implements Broker {
  readonly name: string;
  private readonly lazy: LazyExchange;
  private readonly budgetMs: number;
  private readonly retryOpts: Omit<RetryOptions, 'budgetMs'>;
  private readonly now: () => number;
  private readonly warn: Warn;

  constructor(opts: CcxtBrokerOptions = {}) {
    const keys = { ...(opts.apiKey && { apiKey: opts.apiKey }), ...(opts.secret && { secret: opts.secret }) };
    this.lazy = new LazyExchange({ exchangeId: opts.exchangeId, exchange: opts.exchange, config: { ...keys, ...opts.exchangeConfig } });
    this.name = `ccxt:${this.lazy.id}`;
    this.budgetMs = opts.budgetMs ?? 20_000;
    this.now = opts.now ?? Date.now;
    this.retryOpts = { ...opts.retry, now: this.now, ...(opts.sleep && { sleep: opts.sleep }), ...(opts.random && { random: opts.random }) };
    this.warn = opts.onWarning ?? ((message, fields) => console.warn(JSON.stringify({ severity: 'WARNING', message, ...fields })));
  }

  async fill({ signal, qty }: OrderRequest): Promise<Fill> {
    if (qty <= 0n) throw new MarketDataError('permanent', `order quantity must be positive: ${toDecimalString(qty)}`);
    const deadline = this.now() + this.budgetMs;
    /** A read-only call: safe to retry within what is left of the budget. */
    const read = <T>(fn: (ex: Exchange) => Promise<T>): Promise<T> =>
      withRetry(async () => {
        try {
          return await fn(await this.lazy.withMarkets());
        } catch (err) {
          throw translateCcxtError(err);
        }
      }, { ...this.retryOpts, budgetMs: Math.max(0, deadline - this.now()) });

    const { symbol, side } = signal;
    const ex = await read(async (e) => e);
    const market = guard(() => ex.market(symbol));
    const clientOrderId = clientOrderIdFor(signal.id);
    const lookUp = () => read((e) => findOrder(e, symbol, clientOrderId));

    let order = await lookUp();
    if (!order) {
      const amount = guard(() => ex.amountToPrecision(symbol, toDecimalString(qty)));
      try {
        // Number(amount) is transport only: a truncated decimal string round-trips through a
        // double unchanged, and ccxt formats it back with amountToPrecision.
        order = await ex.createOrder(symbol, 'market', side, Number(amount), undefined, { clientOrderId });
      } catch (err) {
        if (!isDuplicateOrder(err)) throw translateCcxtError(err);
        order = await lookUp();
        if (!order) throw new MarketDataError('temporary', `${this.name}: duplicate clientOrderId ${clientOrderId} but the order is not visible yet`, { cause: err });
      }
    }
    if (order.symbol !== symbol || order.side !== side) {
      throw new MarketDataError('permanent', `${this.name}: clientOrderId ${clientOrderId} belongs to ${order.side} ${order.symbol}, not ${side} ${symbol}`);
    }
    if (order.status === 'open') throw new MarketDataError('temporary', `${this.name}: order ${order.id} is still open`);

    const filled = toAmount(str((order.info as Raw | undefined)?.executedQty) ?? str(order.filled) ?? '0');
    if (filled === 0n) throw new MarketDataError('permanent', `${this.name}: order ${order.id} ended ${order.status} with nothing filled`);
    const sumQty = (ls: readonly FeeLeg[]) => ls.reduce((s, l) => s + l.qty, 0n);
    let legs = rawLegs((order.info as Raw | undefined)?.fills);
    if (!legs || sumQty(legs) !== filled) {
      // The order query has no commissions: they are on the account's trades of this order.
      const orderId = order.id;
      legs = tradeLegs(await read((e) => e.fetchOrderTrades(orderId!, symbol)));
      if (sumQty(legs) !== filled) throw new MarketDataError('temporary', `${this.name}: trades of order ${orderId} do not add up to its filled quantity yet`);
    }
    return orderToFill(order, market, side, legs, this.warn);
  }
}

/** ccxt calls that fail synchronously (unknown symbol, amount below precision) as MarketDataError. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw translateCcxtError(err);
  }
}

async function findOrder(ex: Exchange, symbol: string, clientOrderId: string): Promise<Order | undefined> {
  try {
    // With origClientOrderId ccxt ignores the id argument.
    return await ex.fetchOrder('', symbol, { origClientOrderId: clientOrderId });
  } catch (err) {
    if (ccxtErrorClass(err) === 'OrderNotFound') return undefined;
    throw err;
  }
}
