/**
 * The executor never trusts a price from a message: a signal's reference price must be what the
 * bot's own stored candle says for that symbol and time. Closes must match exactly; a stop's price
 * (the close of a 1m candle, or on coarser candles the level or the open it gapped through) lies
 * inside the candle's range; a take-profit is never above the candle's high (on a gap up a coarse
 * candle's exit is booked at the target, which may lie below the low: the bot is never credited with
 * a gap in its favour). That a take-profit is not below the position's target is planOrder's check.
 */
import type { Candle } from '../candle.ts';
import { toAmount } from '../money.ts';
import type { Signal } from '../trading.types.ts';

const STOPS = new Set(['stop_loss', 'trailing_stop']);

/** null when the signal fits the candle, else why not. */
export function signalPriceMismatch(signal: Signal, candle: Candle | null): string | null {
  if (!candle) return `no stored ${signal.timeframe} candle for ${signal.symbol} at ${new Date(signal.candleTime).toISOString()}`;
  if (candle.t !== signal.candleTime) return `candle ${candle.t} is not the signal's ${signal.candleTime}`;
  const high = toAmount(candle.h, 'up');
  if (signal.reason === 'take_profit')
    return signal.refPrice <= high ? null : `take-profit refPrice ${signal.refPrice} above the candle's high ${high}`;
  if (STOPS.has(signal.reason)) {
    const low = toAmount(candle.l, 'down');
    if (signal.refPrice < low || signal.refPrice > high) return `refPrice ${signal.refPrice} outside the candle's range [${low}, ${high}]`;
    return null;
  }
  const close = toAmount(candle.c);
  return signal.refPrice === close ? null : `refPrice ${signal.refPrice} ≠ the candle's close ${close}`;
}
