/**
 * Live market orders placed exactly once at the exchange, whatever Pub/Sub and Firestore re-run.
 *
 * The caller (executeSignal) records an intent, calls `place` OUTSIDE any transaction, and records
 * the outcome:
 *   tx 1: orders/{signalId} = { state: 'placing', intent }          (or read the existing intent)
 *   outcome = await live.place(intent, { beforeSend })               (no transaction around it)
 *     beforeSend(at): a transaction that sets intent.lastAttemptAt = at, and throws if another
 *                     delivery recorded an attempt meanwhile: the attempt is durable BEFORE the
 *                     request leaves, so a crash after sending is never mistaken for "never sent".
 *   tx 2: 'filled' → apply the fill (and write off its `dust`); 'rejected' → dead-letter with `reason`,
 *         never retried; 'unknown' → leave 'placing' and throw a transient error (Pub/Sub redelivers).
 *
 * Why the lag: Binance answers -2013 "Order does not exist." for a while (documented 20–60 s) after
 * creating an order, and rejects a duplicate newClientOrderId only while the order is OPEN; a filled
 * market order re-sent with the same id is bought twice. So once an attempt was sent, "not found"
 * means UNKNOWN until `notFoundLagMs` after that attempt: the trades since the attempt are also
 * searched (and their orders asked for by id), and nothing is placed again before the lag is over.
 *
 * Errors: permanent rejections (InsufficientFunds, InvalidOrder, BadSymbol, authentication…) of the
 * create, or of a read before anything was ever sent, mean no order exists: 'rejected'. Once an
 * attempt was sent, a permanent read error leaves the outcome 'unknown' (the order may have filled). Timeouts, 5xx, rate limits and -1007 leave the outcome
 * unknown: 'unknown', resolved by reconciling on the redelivery.
 *
 * Dust: a buy whose fee is taken in the base asset leaves qty − fee. A sell sells what is held,
 * floored to the amount step; the remainder is reported as the fill's `dust` (never an error here;
 * applyFill's dust policy writes it off).
 */
import type { Exchange, Order } from 'ccxt';
import { MarketDataError } from '../../domain/errors.ts';
import { toAmount, toDecimalString, type Amount } from '../../domain/money.ts';
import type { Fill, Side } from '../../domain/trading.types.ts';
import { withRetry, type RetryOptions, type RetryTuning } from './retry.ts';
import { ccxtErrorClass, translateCcxtError } from './errors.ts';
import { LazyExchange } from './loadExchange.ts';
import {
  clientOrderIdFor,
  findOrder,
  guard,
  isDuplicateOrder,
  orderToFill,
  rawLegs,
  str,
  tradeLegs,
  type FeeLeg,
  type Raw,
  type Warn,
} from './orderMapping.ts';

export interface OrderIntent {
  readonly signalId: string;
  readonly symbol: string;
  readonly side: Side;
  /** Base quantity: for a buy the size; for a sell what is held (floored to the step here, the rest is dust). */
  readonly qty: Amount;
  /** When the last placement was sent (recorded by beforeSend); absent if none was. */
  readonly lastAttemptAt?: number;
}

export type OrderOutcome =
  | { readonly status: 'filled'; readonly fill: Fill; readonly orderId: string; readonly clientOrderId: string }
  | { readonly status: 'rejected'; readonly reason: string; readonly errorClass?: string }
  | { readonly status: 'unknown'; readonly reason: string; readonly retryAfterMs: number };

export interface PlaceHooks {
  /** Make the attempt durable before the request leaves; throw to abort (another delivery is sending). */
  beforeSend(attemptAt: number): Promise<void>;
}

export interface LiveOrdersOptions {
  readonly exchangeId?: string;
  readonly exchange?: Exchange;
  readonly exchangeConfig?: Record<string, unknown>;
  /** How long "order does not exist" stays UNKNOWN after an attempt. Default 60 000 ms (Binance: 20–60 s). */
  readonly notFoundLagMs?: number;
  /** Time for the read-only calls of one place/reconcile, retries included. Default 20 000 ms. */
  readonly budgetMs?: number;
  readonly retry?: RetryTuning;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly onWarning?: Warn;
}

/** Error text for records and logs: ccxt puts the signed URL in some messages; the query string goes. */
const clean = (err: unknown) => (err instanceof Error ? err.message : String(err)).replace(/\?\S*/g, '?…').slice(0, 500);

export class LiveOrders {
  readonly name: string;
  /** the one ccxt instance (markets loaded once), shared with the venue (LiveVenue.ts) */
  readonly lazy: LazyExchange;
  private readonly lagMs: number;
  private readonly budgetMs: number;
  private readonly retryOpts: Omit<RetryOptions, 'budgetMs'>;
  private readonly now: () => number;
  readonly warn: Warn;

  constructor(opts: LiveOrdersOptions = {}) {
    this.lazy = new LazyExchange({ exchangeId: opts.exchangeId, exchange: opts.exchange, config: opts.exchangeConfig });
    this.name = `ccxt:${this.lazy.id}`;
    this.lagMs = opts.notFoundLagMs ?? 60_000;
    this.budgetMs = opts.budgetMs ?? 20_000;
    this.now = opts.now ?? Date.now;
    this.retryOpts = {
      ...opts.retry,
      now: this.now,
      ...(opts.sleep && { sleep: opts.sleep }),
      ...(opts.random && { random: opts.random }),
    };
    this.warn = opts.onWarning ?? ((message, fields) => console.warn(JSON.stringify({ severity: 'WARNING', message, ...fields })));
  }

  /** Look the intent's order up (order, then trades since the last attempt); never places. */
  async reconcile(intent: OrderIntent): Promise<OrderOutcome | { readonly status: 'not_found' }> {
    return this.guarded({ sent: intent.lastAttemptAt !== undefined }, async (read) => {
      const found = await this.lookup(read, intent);
      return found === 'not_found' || found === 'unknown' ? this.notFound(intent, found) : this.settle(read, intent, found);
    });
  }

  /** Reconcile, then place only if the order was never sent or the lag since the last attempt is over. */
  async place(intent: OrderIntent, hooks: PlaceHooks): Promise<OrderOutcome> {
    const attempt = { sent: intent.lastAttemptAt !== undefined };
    return this.guarded(attempt, async (read) => {
      const found = await this.lookup(read, intent);
      if (found !== 'not_found' && found !== 'unknown') return this.settle(read, intent, found);
      const pending = this.notFound(intent, found);
      if (pending.status === 'unknown') return pending;

      const ex = await read((e) => Promise.resolve(e));
      const { symbol, side } = intent;
      guard(() => ex.market(symbol));
      const amount = guard(() => ex.amountToPrecision(symbol, toDecimalString(intent.qty)));
      const clientOrderId = clientOrderIdFor(intent.signalId);
      await hooks.beforeSend(this.now());
      attempt.sent = true;
      let order: Order;
      try {
        // Number(amount) is transport only: a truncated decimal string round-trips through a double.
        order = await ex.createOrder(symbol, 'market', side, Number(amount), undefined, { clientOrderId });
      } catch (err) {
        if (isDuplicateOrder(err)) {
          const again = await this.lookup(read, intent);
          return again === 'not_found' || again === 'unknown'
            ? this.unknown(`duplicate clientOrderId ${clientOrderId} but the order is not visible yet`, this.lagMs)
            : this.settle(read, intent, again);
        }
        const e = translateCcxtError(err);
        if (e.kind === 'permanent') return { status: 'rejected', reason: clean(e), errorClass: ccxtErrorClass(err) ?? e.name };
        return this.unknown(`outcome of the order unknown: ${clean(e)}`, this.lagMs);
      }
      return this.settle(read, intent, order);
    });
  }

  private notFound(intent: OrderIntent, found: 'not_found' | 'unknown'): OrderOutcome | { readonly status: 'not_found' } {
    if (found === 'unknown') return this.unknown('a trade since the last attempt belongs to an order not visible yet', this.lagMs);
    if (intent.lastAttemptAt === undefined) return { status: 'not_found' };
    const waited = this.now() - intent.lastAttemptAt;
    if (waited < this.lagMs)
      return this.unknown(`order not found ${waited} ms after the attempt; the exchange may not show it yet`, this.lagMs - waited);
    return { status: 'not_found' };
  }

  private unknown(reason: string, retryAfterMs: number): OrderOutcome {
    return { status: 'unknown', reason, retryAfterMs: Math.max(0, retryAfterMs) };
  }

  /**
   * Read errors: a temporary one leaves the outcome unknown. A permanent one (bad symbol, keys)
   * rejects only while nothing was ever sent for this intent; once an attempt was sent the order may
   * exist and may have filled, so its outcome stays unknown until a read can settle it.
   */
  private async guarded<T>(attempt: { readonly sent: boolean }, fn: (read: Read) => Promise<T | OrderOutcome>): Promise<T | OrderOutcome> {
    const deadline = this.now() + this.budgetMs;
    const read: Read = (call) =>
      withRetry(
        async () => {
          try {
            return await call(await this.lazy.withMarkets());
          } catch (err) {
            throw translateCcxtError(err);
          }
        },
        { ...this.retryOpts, budgetMs: Math.max(0, deadline - this.now()) },
      );
    try {
      return await fn(read);
    } catch (err) {
      if (!(err instanceof MarketDataError)) throw err;
      if (err.kind === 'permanent' && !attempt.sent)
        return { status: 'rejected', reason: clean(err), errorClass: ccxtErrorClass(err.cause) ?? err.name };
      if (err.kind === 'permanent') return this.unknown(`${clean(err)}; an attempt was sent, so the outcome stays unknown`, this.lagMs);
      return this.unknown(clean(err), 0);
    }
  }

  /** The order by client id; failing that, one found through the trades since the last attempt. */
  private async lookup(read: Read, intent: OrderIntent): Promise<Order | 'not_found' | 'unknown'> {
    const { symbol, side } = intent;
    const clientOrderId = clientOrderIdFor(intent.signalId);
    const byClientId = await read((e) => findOrder(e, symbol, clientOrderId));
    if (byClientId) return byClientId;
    if (intent.lastAttemptAt === undefined) return 'not_found';
    const trades = await read((e) => e.fetchMyTrades(symbol, intent.lastAttemptAt! - 5_000, 100));
    const orderIds = [...new Set(trades.filter((t) => t.side === side && t.order).map((t) => t.order!))];
    for (const id of orderIds) {
      const order = await read((e) =>
        e.fetchOrder(id, symbol).catch((err: unknown) => (ccxtErrorClass(err) === 'OrderNotFound' ? undefined : Promise.reject(err))),
      );
      if (!order) return 'unknown';
      if (order.clientOrderId === clientOrderId) return order;
    }
    return 'not_found';
  }

  private async settle(read: Read, intent: OrderIntent, order: Order): Promise<OrderOutcome> {
    const { symbol, side } = intent;
    if (order.symbol !== symbol || order.side !== side) {
      return {
        status: 'rejected',
        reason: `clientOrderId ${clientOrderIdFor(intent.signalId)} belongs to ${order.side} ${order.symbol}, not ${side} ${symbol}`,
      };
    }
    if (order.status === 'open') return this.unknown(`order ${order.id} is still open`, 1_000);
    const filled = toAmount(str((order.info as Raw | undefined)?.executedQty) ?? str(order.filled) ?? '0');
    if (filled === 0n) return { status: 'rejected', reason: `order ${order.id} ended ${order.status} with nothing filled` };
    const sumQty = (ls: readonly FeeLeg[]) => ls.reduce((s, l) => s + l.qty, 0n);
    let legs = rawLegs((order.info as Raw | undefined)?.fills);
    if (!legs || sumQty(legs) !== filled) {
      // The order query has no commissions: they are on the account's trades of this order.
      legs = tradeLegs(await read((e) => e.fetchOrderTrades(order.id!, symbol)));
      if (sumQty(legs) !== filled) return this.unknown(`trades of order ${order.id} do not add up to its filled quantity yet`, 1_000);
    }
    const market = await read((e) => Promise.resolve(e.market(symbol)));
    const fill = orderToFill(order, market, side, legs, this.warn);
    const dust = side === 'sell' && intent.qty > filled ? intent.qty - filled : 0n;
    return {
      status: 'filled',
      fill: dust > 0n ? { ...fill, dust } : fill,
      orderId: String(order.id),
      clientOrderId: clientOrderIdFor(intent.signalId),
    };
  }
}

type Read = <T>(call: (ex: Exchange) => Promise<T>) => Promise<T>;
