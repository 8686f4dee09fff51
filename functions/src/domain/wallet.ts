import type { Amount } from './money.ts';
import type { Wallet } from './trading.types.ts';

const DAY_MS = 86_400_000;
let lastDay = NaN;
let lastText = '';

/** UTC calendar day as yyyymmdd: the unit of the daily loss limit and of day-chunked documents. */
export function utcDay(ms: number): string {
  // Called on every mark: the text is built once per day number, not once per call.
  const day = Math.floor(ms / DAY_MS);
  if (day !== lastDay) {
    lastText = new Date(day * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '');
    lastDay = day;
  }
  return lastText;
}

/** The wallet before its first trade. */
export function openingWallet(initialCash: Amount, now: number): Wallet {
  return {
    initialCash,
    cash: initialCash,
    realizedPnl: 0n,
    feesPaid: 0n,
    tradeSeq: 0,
    equity: initialCash,
    peakEquity: initialCash,
    day: utcDay(now),
    dayStartEquity: initialCash,
  };
}
