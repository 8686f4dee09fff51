/**
 * The simulator's account: balances, orders and trades in memory, and the deterministic matching
 * model. Money is exact (functions/src/domain/money.ts); the wire form is Binance's 8-decimal string.
 *
 * MARKET: fills at the current price (market.ts) moved by `slippageBps` against the taker and
 * rounded to the tick, in `fillLegs` fills (each leg one tick further), commission `takerFeeBps` in
 * the asset received (base on a buy, quote on a sell), rounded up to 1e-8. No price → EXPIRED, nothing
 * filled (Binance's answer when there is no liquidity).
 * LIMIT (GTC/IOC/FOK): marketable at the current price → fills there as a taker; otherwise GTC rests
 * (funds locked) until a later closed 1m candle trades through its price, then fills at its price as a
 * maker; IOC/FOK expire.
 * Checks, with Binance's codes: unknown symbol -1121, LOT_SIZE / MARKET_LOT_SIZE / PRICE_FILTER /
 * NOTIONAL -1013, funds -2010 "Account has insufficient balance…", a newClientOrderId used by an OPEN
 * order -2010 "Duplicate order sent." (a filled order's id may be reused, as on Binance).
 */
import { applyBps, mul, toDecimalString, type Amount } from '../../functions/src/domain/money.ts';
import { closedCandles, currentPrice } from './market.ts';
import { SimError } from './errors.ts';
import type { SymbolRules } from './rules.ts';

export type OrderSide = 'BUY' | 'SELL';
export type OrderType = 'MARKET' | 'LIMIT';
export type OrderStatus = 'NEW' | 'FILLED' | 'CANCELED' | 'EXPIRED';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';

export interface SimTrade {
  readonly id: number;
  readonly orderId: number;
  readonly symbol: string;
  readonly price: Amount;
  readonly qty: Amount;
  readonly quoteQty: Amount;
  readonly commission: Amount;
  readonly commissionAsset: string;
  readonly time: number;
  readonly isBuyer: boolean;
  readonly isMaker: boolean;
}

export interface SimOrder {
  readonly symbol: string;
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly price: Amount;
  readonly origQty: Amount;
  executedQty: Amount;
  cummulativeQuoteQty: Amount;
  status: OrderStatus;
  readonly time: number;
  updateTime: number;
  /** market time it was placed at: a resting limit order fills on the candles after it */
  readonly marketTime: number;
  /** wall time before which queries answer -2013 (the exchange's lag); 0 = at once */
  readonly visibleAt: number;
  /** who placed it: the API (the bot) or a hand-made order (admin: manual trades, unbooked fills) */
  readonly source: 'api' | 'manual';
  readonly fills: SimTrade[];
}

export interface Balance {
  free: Amount;
  locked: Amount;
}

export interface AccountOptions {
  readonly rules: ReadonlyMap<string, SymbolRules>;
  readonly takerFeeBps: number;
  readonly makerFeeBps: number;
  readonly slippageBps: number;
  /** fills per market order (≥ 1); more than one emulates a sweep through the book */
  readonly fillLegs: number;
}

export interface NewOrder {
  readonly id: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly quantity: Amount;
  readonly price?: Amount;
  readonly timeInForce?: TimeInForce;
  readonly clientOrderId: string;
  readonly source: 'api' | 'manual';
  readonly visibleAt: number;
}

const insufficient = () => new SimError(400, -2010, 'Account has insufficient balance for requested action.');
const filterFailure = (name: string) => new SimError(400, -1013, `Filter failure: ${name}`);

export class Account {
  readonly balances = new Map<string, Balance>();
  readonly orders: SimOrder[] = [];
  readonly trades: SimTrade[] = [];
  private nextOrderId = 1_000_001;
  private nextTradeId = 5_000_001;

  constructor(public opts: AccountOptions) {}

  rulesOf(id: string): SymbolRules {
    const r = this.opts.rules.get(id);
    if (!r) throw new SimError(400, -1121, 'Invalid symbol.');
    return r;
  }

  balance(asset: string): Balance {
    let b = this.balances.get(asset);
    if (!b) this.balances.set(asset, (b = { free: 0n, locked: 0n }));
    return b;
  }

  /** Set an asset's free balance (admin), or add to it (a deposit; negative = a withdrawal). */
  setFree(asset: string, free: Amount): void {
    if (free < 0n) throw new SimError(400, -1100, `balance of ${asset} cannot be negative`);
    this.balance(asset).free = free;
  }

  deposit(asset: string, amount: Amount): void {
    const b = this.balance(asset);
    if (b.free + amount < 0n) throw insufficient();
    b.free += amount;
  }

  place(o: NewOrder, wallNow: number, marketNow: number): SimOrder {
    const r = this.rulesOf(o.id);
    this.settleResting(marketNow, wallNow);
    if (this.orders.some((x) => x.status === 'NEW' && x.clientOrderId === o.clientOrderId))
      throw new SimError(400, -2010, 'Duplicate order sent.');
    this.checkLot(r, o);
    const price = currentPrice(r.symbol, marketNow);
    if (o.type === 'LIMIT') {
      if (o.price === undefined || o.price <= 0n)
        throw new SimError(400, -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed.");
      if (o.price < r.minPrice || (r.tickSize > 0n && o.price % r.tickSize !== 0n)) throw filterFailure('PRICE_FILTER');
      if (mul(o.quantity, o.price, 'down') < r.minNotional) throw filterFailure('NOTIONAL');
    } else if (price !== null && r.applyMinToMarket && mul(o.quantity, price, 'down') < r.minNotional) {
      throw filterFailure('NOTIONAL');
    }
    const order: SimOrder = {
      symbol: o.id,
      orderId: this.nextOrderId++,
      clientOrderId: o.clientOrderId,
      side: o.side,
      type: o.type,
      timeInForce: o.timeInForce ?? 'GTC',
      price: o.type === 'LIMIT' ? o.price! : 0n,
      origQty: o.quantity,
      executedQty: 0n,
      cummulativeQuoteQty: 0n,
      status: 'NEW',
      time: wallNow,
      updateTime: wallNow,
      marketTime: marketNow,
      visibleAt: o.visibleAt,
      source: o.source,
      fills: [],
    };
    const marketable = price !== null && (o.type === 'MARKET' || (o.side === 'BUY' ? o.price! >= price : o.price! <= price));
    if (marketable) {
      const legs = this.takerLegs(r, order, price);
      this.requireFunds(r, order.side, order.side === 'BUY' ? legs.reduce((s, l) => s + mul(l.qty, l.price, 'up'), 0n) : order.origQty);
      for (const leg of legs) this.execute(r, order, leg.price, leg.qty, false, wallNow);
      order.status = 'FILLED';
    } else if (o.type === 'LIMIT' && order.timeInForce === 'GTC') {
      const lock = order.side === 'BUY' ? mul(order.origQty, order.price, 'up') : order.origQty;
      this.requireFunds(r, order.side, lock);
      const b = this.balance(order.side === 'BUY' ? r.quote : r.base);
      b.free -= lock;
      b.locked += lock;
    } else {
      order.status = 'EXPIRED';
    }
    this.orders.push(order);
    return order;
  }

  cancel(order: SimOrder, wallNow: number): void {
    if (order.status !== 'NEW') throw new SimError(400, -2011, 'Unknown order sent.');
    this.unlock(order);
    order.status = 'CANCELED';
    order.updateTime = wallNow;
  }

  /** Resting limit orders whose price a candle closed since their placement traded through: filled at their price (maker). */
  settleResting(marketNow: number, wallNow: number): void {
    for (const order of this.orders) {
      if (order.status !== 'NEW') continue;
      const r = this.rulesOf(order.symbol);
      const crossed = closedCandles(r.symbol, '1m', marketNow, order.marketTime).some((c) =>
        order.side === 'BUY' ? c.l <= toNumber(order.price) : c.h >= toNumber(order.price),
      );
      if (!crossed) continue;
      this.unlock(order);
      this.execute(r, order, order.price, order.origQty, true, wallNow);
      order.status = 'FILLED';
    }
  }

  private unlock(order: SimOrder): void {
    const r = this.rulesOf(order.symbol);
    const lock = order.side === 'BUY' ? mul(order.origQty, order.price, 'up') : order.origQty;
    const b = this.balance(order.side === 'BUY' ? r.quote : r.base);
    b.locked -= lock;
    b.free += lock;
  }

  private checkLot(r: SymbolRules, o: NewOrder): void {
    const lots =
      o.type === 'MARKET' && r.marketLot
        ? ([
            ['LOT_SIZE', r.lot],
            ['MARKET_LOT_SIZE', r.marketLot],
          ] as const)
        : ([['LOT_SIZE', r.lot]] as const);
    for (const [name, lot] of lots) {
      if (
        o.quantity < lot.minQty ||
        (lot.maxQty > 0n && o.quantity > lot.maxQty) ||
        (lot.stepSize > 0n && o.quantity % lot.stepSize !== 0n)
      )
        throw filterFailure(name);
    }
  }

  private requireFunds(r: SymbolRules, side: OrderSide, amount: Amount): void {
    if (this.balance(side === 'BUY' ? r.quote : r.base).free < amount) throw insufficient();
  }

  /** Legs of a taker fill: `fillLegs` slices on the step, each one tick worse than the last. */
  private takerLegs(r: SymbolRules, order: SimOrder, price: Amount): { price: Amount; qty: Amount }[] {
    const dir = order.side === 'BUY' ? 1n : -1n;
    const slipped = applyBps(price, dir > 0n ? this.opts.slippageBps : -this.opts.slippageBps, dir > 0n ? 'up' : 'down') + price;
    const tick = r.tickSize > 0n ? r.tickSize : 1n;
    const onTick = dir > 0n ? ((slipped + tick - 1n) / tick) * tick : (slipped / tick) * tick;
    const step = r.lot.stepSize > 0n ? r.lot.stepSize : 1n;
    const n = BigInt(Math.max(1, Math.floor(this.opts.fillLegs)));
    const slice = (order.origQty / n / step) * step;
    const legs: { price: Amount; qty: Amount }[] = [];
    let left = order.origQty;
    for (let i = 0n; i < n && left > 0n; i++) {
      const qty = i === n - 1n || slice === 0n ? left : slice;
      legs.push({ price: onTick + dir * i * tick, qty });
      left -= qty;
    }
    return legs;
  }

  private execute(r: SymbolRules, order: SimOrder, price: Amount, qty: Amount, maker: boolean, wallNow: number): void {
    const quoteQty = mul(qty, price, order.side === 'BUY' ? 'up' : 'down');
    const feeBps = maker ? this.opts.makerFeeBps : this.opts.takerFeeBps;
    const buy = order.side === 'BUY';
    const commission = applyBps(buy ? qty : quoteQty, feeBps, 'up');
    const base = this.balance(r.base);
    const quote = this.balance(r.quote);
    if (buy) {
      quote.free -= quoteQty;
      base.free += qty - commission;
    } else {
      base.free -= qty;
      quote.free += quoteQty - commission;
    }
    const trade: SimTrade = {
      id: this.nextTradeId++,
      orderId: order.orderId,
      symbol: order.symbol,
      price,
      qty,
      quoteQty,
      commission,
      commissionAsset: buy ? r.base : r.quote,
      time: wallNow,
      isBuyer: buy,
      isMaker: maker,
    };
    order.fills.push(trade);
    this.trades.push(trade);
    order.executedQty += qty;
    order.cummulativeQuoteQty += quoteQty;
    order.updateTime = wallNow;
  }
}

const toNumber = (a: Amount) => Number(toDecimalString(a));
