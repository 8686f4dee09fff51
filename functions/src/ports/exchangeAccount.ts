/**
 * The exchange account as reconciliation reads it (ccxt in live mode, an in-memory fake in tests;
 * both pass ports/contracts/exchangeAccount.contract.ts). Read-only: it never places or cancels.
 * Amounts are exact (domain/money.ts), read from the exchange's decimal strings.
 */
import type { AssetBalance, ExchangeOrder } from '../domain/reconcile/index.ts';

export type { AssetBalance, ExchangeOrder };

export interface ExchangeAccount {
  readonly name: string;
  /** every asset the account holds (free and locked in open orders), by asset code (BTC, USDT); assets at zero may be absent */
  balances(): Promise<Readonly<Record<string, AssetBalance>>>;
  /** the open orders of these markets (one request per market: the exchange's cheap form) */
  openOrders(symbols: readonly string[]): Promise<ExchangeOrder[]>;
  /** one order by the exchange's id, in whatever state it is now; null when the exchange does not know it */
  order(symbol: string, id: string): Promise<ExchangeOrder | null>;
}
