import type { Amount } from './money.ts';
import type { Wallet } from './trading.types.ts';

/** UTC calendar day as yyyymmdd: the unit of the daily loss limit and of day-chunked documents. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');
}

/** The wallet before its first trade. */
export function openingWallet(initialCash: Amount, now: number): Wallet {
  return {
    initialCash,
    cash: initialCash,
    realizedPnl: 0n,
    feesPaid: 0n,
    equity: initialCash,
    peakEquity: initialCash,
    day: utcDay(now),
    dayStartEquity: initialCash,
  };
}
