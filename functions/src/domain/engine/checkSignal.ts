/**
 * The executor never trusts a price from a message: a signal's reference price must be what the
 * bot's own stored candle says for that symbol, timeframe and time. Every signal — entries, strategy
 * exits, kill-switch and manual sells, and protective exits alike — is priced at its candle's close
 * (a protective exit is a market order sent once the candle that crossed the level has closed), so
 * the check is one exact comparison.
 */
import type { Candle } from '../candle.ts';
import { toAmount } from '../money.ts';
import type { Signal } from '../trading.types.ts';

/** null when the signal fits the candle, else why not. */
export function signalPriceMismatch(signal: Signal, candle: Candle | null): string | null {
  if (!candle) return `no stored ${signal.timeframe} candle for ${signal.symbol} at ${new Date(signal.candleTime).toISOString()}`;
  if (candle.t !== signal.candleTime) return `candle ${candle.t} is not the signal's ${signal.candleTime}`;
  const close = toAmount(candle.c);
  return signal.refPrice === close ? null : `refPrice ${signal.refPrice} ≠ the candle's close ${close}`;
}
