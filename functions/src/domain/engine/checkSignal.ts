/**
 * The executor never trusts a price from a message: a signal's reference price must be what the
 * bot's own stored candle says for that symbol and time. Closes must match exactly; a protective
 * exit's level (or the open it gapped through) must lie inside the candle's range.
 */
import type { Candle } from '../candle.ts';
import { toAmount } from '../money.ts';
import type { Signal } from '../trading.types.ts';

const AT_LEVEL = new Set(['stop_loss', 'trailing_stop', 'take_profit']);

/** null when the signal fits the candle, else why not. */
export function signalPriceMismatch(signal: Signal, candle: Candle | null): string | null {
  if (!candle) return `no stored ${signal.timeframe} candle for ${signal.symbol} at ${new Date(signal.candleTime).toISOString()}`;
  if (candle.t !== signal.candleTime) return `candle ${candle.t} is not the signal's ${signal.candleTime}`;
  if (AT_LEVEL.has(signal.reason)) {
    const low = toAmount(candle.l, 'down');
    const high = toAmount(candle.h, 'up');
    if (signal.refPrice < low || signal.refPrice > high) return `refPrice ${signal.refPrice} outside the candle's range [${low}, ${high}]`;
    return null;
  }
  const close = toAmount(candle.c);
  return signal.refPrice === close ? null : `refPrice ${signal.refPrice} ≠ the candle's close ${close}`;
}
