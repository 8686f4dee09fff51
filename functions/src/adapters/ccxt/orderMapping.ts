/**
 * Binance orders and trades as the project's exact Fill, and the small ccxt helpers the live order
 * path shares (CcxtBroker, LiveOrders). Money is exact: quantities, cost and commissions are read
 * from Binance's raw decimal strings (`order.info`, `trade.info`), never from ccxt's float fields,
 * unless an exchange has no raw form.
 */
import { createHash } from 'node:crypto';
import type { Exchange, MarketInterface, Order, Trade } from 'ccxt';
import { MarketDataError } from '../../domain/errors.ts';
import { div, mul, toAmount, toDecimalString, type Amount } from '../../domain/money.ts';
import type { Fill, Side } from '../../domain/trading.types.ts';
import { ccxtErrorClass, translateCcxtError } from './errors.ts';

export type Warn = (message: string, fields: Record<string, unknown>) => void;

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

export type Raw = Record<string, unknown>;
export const str = (x: unknown): string | undefined =>
  typeof x === 'string' && x !== '' ? x : typeof x === 'number' && Number.isFinite(x) ? String(x) : undefined;

/** Legs from Binance raw rows (FULL order `fills`, or /myTrades rows): same field names in both. */
export function rawLegs(rows: unknown): FeeLeg[] | undefined {
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
  return (
    rawLegs(trades.map((t) => t.info)) ??
    trades.map((t) => ({
      asset: t.fee?.currency ?? '',
      commission: toAmount(t.fee?.cost ?? 0, 'up'),
      price: toAmount(t.price ?? 0),
      qty: toAmount(t.amount ?? 0),
    }))
  );
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
      warn('fee paid in an asset outside the wallet; recorded as 0', {
        orderId: order.id,
        asset: leg.asset,
        commission: toDecimalString(leg.commission),
      });
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

/** ccxt calls that fail synchronously (unknown symbol, amount below precision) as MarketDataError. */
export function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw translateCcxtError(err);
  }
}

export async function findOrder(ex: Exchange, symbol: string, clientOrderId: string): Promise<Order | undefined> {
  try {
    // With origClientOrderId ccxt ignores the id argument.
    return await ex.fetchOrder('', symbol, { origClientOrderId: clientOrderId });
  } catch (err) {
    if (ccxtErrorClass(err) === 'OrderNotFound') return undefined;
    throw err;
  }
}
