/**
 * Entry point used by wiring/trading.ts. Importing this module does not import ccxt: the exchange class is
 * loaded on the adapter's first call (loadExchange.ts). The factories do no I/O, so a failure to
 * reach the exchange surfaces on the call that needs it (and is retried there), never while the
 * runtime's dependencies are being assembled.
 */
import { ConfigError } from '../../domain/errors.ts';
import type { MarketData } from '../../ports/index.ts';
import { CcxtBroker, type CcxtBrokerOptions } from './CcxtBroker.ts';
import { CcxtExchangeAccount, type CcxtExchangeAccountOptions } from './CcxtExchangeAccount.ts';
import type { ExchangeAccount } from '../../ports/exchangeAccount.ts';
import { CcxtMarketData, type CcxtMarketDataOptions } from './CcxtMarketData.ts';

export { CcxtBroker, clientOrderIdFor, type CcxtBrokerOptions } from './CcxtBroker.ts';
export { CcxtMarketData, type CcxtMarketDataOptions } from './CcxtMarketData.ts';
export { LiveVenue } from './LiveVenue.ts';
export { CcxtExchangeAccount, type CcxtExchangeAccountOptions } from './CcxtExchangeAccount.ts';
export { LiveOrders, type LiveOrdersOptions, type OrderIntent, type OrderOutcome, type PlaceHooks } from './LiveOrders.ts';
export { translateCcxtError } from './errors.ts';

export function createCcxtMarketData(opts: CcxtMarketDataOptions = {}): MarketData {
  return new CcxtMarketData(opts);
}

/** Reconciliation reads the account with the same keys as the live broker. */
export function createCcxtExchangeAccount(opts: CcxtExchangeAccountOptions & { apiKey: string; secret: string }): ExchangeAccount {
  if (!opts.apiKey || !opts.secret)
    throw new ConfigError('EXCHANGE_API_KEY: reading the exchange account needs EXCHANGE_API_KEY and EXCHANGE_API_SECRET');
  const { apiKey, secret, exchangeConfig, ...rest } = opts;
  return new CcxtExchangeAccount({ ...rest, exchangeConfig: { apiKey, secret, ...exchangeConfig } });
}

/** Live trading needs keys; refuse to build a broker that could only fail on its first order. */
export async function createCcxtBroker(opts: CcxtBrokerOptions & { apiKey: string; secret: string }): Promise<CcxtBroker> {
  if (!opts.apiKey || !opts.secret)
    throw new ConfigError('EXCHANGE_API_KEY: the live broker needs EXCHANGE_API_KEY and EXCHANGE_API_SECRET');
  return new CcxtBroker(opts);
}
