/**
 * Live Broker port: market orders on a real exchange through ccxt (Binance spot). Opt-in only.
 *
 * A thin adapter over LiveOrders (see there for the exactly-once protocol). `fill()` is the Broker
 * port's one-call form: it places with no recorded attempt (so a "not found" order is placed at
 * once) and turns the outcome into a Fill or a MarketDataError: 'rejected' → permanent, 'unknown' →
 * temporary (the redelivery looks the order up again by clientOrderId = signal id). Called inside
 * a transaction that can re-run it may place twice within Binance's not-found lag: executeSignal
 * should use LiveOrders.place with a recorded intent instead.
 */
import type { Exchange } from 'ccxt';
import { MarketDataError } from '../../domain/errors.ts';
import { toDecimalString } from '../../domain/money.ts';
import type { Fill } from '../../domain/trading.types.ts';
import type { Broker, OrderRequest } from '../../ports/index.ts';
import { LiveOrders, type LiveOrdersOptions } from './LiveOrders.ts';
import { LiveVenue } from './LiveVenue.ts';

export { clientOrderIdFor, isDuplicateOrder, orderToFill, tradeLegs, type FeeLeg, type Warn } from './orderMapping.ts';

export interface CcxtBrokerOptions extends Omit<LiveOrdersOptions, 'exchange'> {
  readonly apiKey?: string;
  readonly secret?: string;
  /** A ready ccxt instance (tests). Skips the lazy import; its own keys are used. */
  readonly exchange?: Exchange;
}

export class CcxtBroker implements Broker {
  readonly name: string;
  readonly orders: LiveOrders;
  /** the exchange's market rules and the key's health, through the orders' own ccxt instance */
  readonly venue: LiveVenue;

  constructor(opts: CcxtBrokerOptions = {}) {
    const { apiKey, secret, exchangeConfig, ...rest } = opts;
    const keys = { ...(apiKey && { apiKey }), ...(secret && { secret }) };
    this.orders = new LiveOrders({ ...rest, exchangeConfig: { ...keys, ...exchangeConfig } });
    this.name = this.orders.name;
    this.venue = new LiveVenue(this.orders.lazy, this.orders.warn);
  }

  async fill({ signal, qty }: OrderRequest): Promise<Fill> {
    if (qty <= 0n) throw new MarketDataError('permanent', `order quantity must be positive: ${toDecimalString(qty)}`);
    const outcome = await this.orders.place(
      { signalId: signal.id, symbol: signal.symbol, side: signal.side, qty },
      { beforeSend: async () => {} },
    );
    if (outcome.status === 'filled') return outcome.fill;
    if (outcome.status === 'rejected') throw new MarketDataError('permanent', outcome.reason);
    throw new MarketDataError('temporary', `${this.name}: ${outcome.reason}`);
  }
}
