/**
 * The exchange account through ccxt (Binance spot): balances, open orders, one order by id. Read
 * only, for reconciliation. Amounts come from Binance's raw decimal strings (`info`), never from
 * ccxt's floats, unless an exchange has no raw form. Errors leave as MarketDataError (temporary or
 * permanent, adapters/ccxt/errors.ts); an order the exchange does not know is null.
 */
import type { Exchange, Order } from 'ccxt';
import { toAmount } from '../../domain/money.ts';
import type { AssetBalance, ExchangeOrder } from '../../domain/reconcile/index.ts';
import type { ExchangeAccount } from '../../ports/exchangeAccount.ts';
import { ccxtErrorClass, translateCcxtError } from './errors.ts';
import { LazyExchange } from './loadExchange.ts';
import { str, type Raw } from './orderMapping.ts';

export interface CcxtExchangeAccountOptions {
  readonly exchangeId?: string;
  /** a ready ccxt instance (tests, the simulator) */
  readonly exchange?: Exchange;
  readonly exchangeConfig?: Record<string, unknown>;
  /** the live broker's instance, to share (its markets load once); then exchangeId, exchange and exchangeConfig are ignored */
  readonly lazy?: LazyExchange;
}

/** Binance's order states; NEW and PARTIALLY_FILLED are open. */
const BINANCE_STATUS: Record<string, ExchangeOrder['status']> = {
  NEW: 'open',
  PARTIALLY_FILLED: 'open',
  PENDING_NEW: 'open',
  FILLED: 'closed',
  CANCELED: 'canceled',
  PENDING_CANCEL: 'open',
  REJECTED: 'canceled',
  EXPIRED: 'canceled',
  EXPIRED_IN_MATCH: 'canceled',
};

export function toExchangeOrder(o: Order, symbol: string): ExchangeOrder {
  const info = (o.info ?? {}) as Raw;
  const raw = typeof info.status === 'string' ? BINANCE_STATUS[info.status] : undefined;
  const status = raw ?? (o.status === 'open' ? 'open' : o.status === 'closed' ? 'closed' : 'canceled');
  const clientOrderId = str(info.clientOrderId) ?? o.clientOrderId ?? null;
  return {
    id: String(o.id),
    clientOrderId,
    symbol: o.symbol ?? symbol,
    side: o.side === 'sell' ? 'sell' : 'buy',
    amount: toAmount(str(info.origQty) ?? str(o.amount) ?? '0'),
    filled: toAmount(str(info.executedQty) ?? str(o.filled) ?? '0'),
    status,
  };
}

async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw translateCcxtError(err);
  }
}

export class CcxtExchangeAccount implements ExchangeAccount {
  readonly name: string;
  private readonly lazy: LazyExchange;

  constructor(opts: CcxtExchangeAccountOptions = {}) {
    this.lazy = opts.lazy ?? new LazyExchange({ exchangeId: opts.exchangeId, exchange: opts.exchange, config: opts.exchangeConfig });
    this.name = `ccxt:${this.lazy.id}`;
  }

  async balances(): Promise<Record<string, AssetBalance>> {
    const ex = await call(() => this.lazy.withMarkets());
    const b = await call(() => ex.fetchBalance());
    const rows = ((b.info ?? {}) as Raw).balances;
    const out: Record<string, AssetBalance> = {};
    if (Array.isArray(rows)) {
      for (const r of rows as Raw[]) {
        const [asset, free, locked] = [r.asset, str(r.free), str(r.locked)];
        if (typeof asset === 'string' && free && locked) out[asset] = { free: toAmount(free), locked: toAmount(locked) };
      }
      return out;
    }
    const free = (b.free ?? {}) as unknown as Record<string, number | undefined>;
    const used = (b.used ?? {}) as unknown as Record<string, number | undefined>;
    for (const asset of Object.keys(b.total ?? {})) out[asset] = { free: toAmount(free[asset] ?? 0), locked: toAmount(used[asset] ?? 0) };
    return out;
  }

  async openOrders(symbols: readonly string[]): Promise<ExchangeOrder[]> {
    if (symbols.length === 0) return [];
    const ex = await call(() => this.lazy.withMarkets());
    const out: ExchangeOrder[] = [];
    for (const symbol of symbols) for (const o of await call(() => ex.fetchOpenOrders(symbol))) out.push(toExchangeOrder(o, symbol));
    return out;
  }

  async order(symbol: string, id: string): Promise<ExchangeOrder | null> {
    const ex = await call(() => this.lazy.withMarkets());
    try {
      return toExchangeOrder(await ex.fetchOrder(id, symbol), symbol);
    } catch (err) {
      if (ccxtErrorClass(err) === 'OrderNotFound') return null;
      throw translateCcxtError(err);
    }
  }
}
