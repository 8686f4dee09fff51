/**
 * Time is a trust boundary: a signal fills only at a price that is current at the executor's clock.
 * - An entry fills only if its candle is the newest closed candle of its timeframe at `now`, with one
 *   timeframe of grace (a delivery may land just after the next candle closed); an older candle, or
 *   one that has not closed by `now`, is refused. The tick decides again on its next run.
 * - An exit is never refused for lateness (protection first), but it sells at the current candle:
 *   the close of the newest stored closed candle at or before `now`. When that is the signal's own
 *   candle (the normal case) the signal is unchanged; otherwise it is repriced, keeping its id so a
 *   redelivery is still a duplicate. Only a candle from the future is refused.
 * - A take-profit is never below the position's target: the order it claims to be was never due.
 * Any timeframe is treated the same (4h decisions, 1m guard candles).
 */
import { lastClosedOpenTime, timeframeMs, type Candle } from '../candle.ts';
import { toAmount, toDecimalString } from '../money.ts';
import type { Position, Signal } from '../trading.types.ts';

export type CurrentPrice =
  { readonly kind: 'fill'; readonly signal: Signal; readonly repriced: boolean } | { readonly kind: 'refused'; readonly reason: string };

const iso = (t: number): string => new Date(t).toISOString();

/** Why the signal's candle is not closed at `now` (a candle from the future), or null. */
function futureCandle(signal: Signal, now: number): string | null {
  const closes = signal.candleTime + timeframeMs(signal.timeframe);
  return closes > now
    ? `future signal: ${signal.timeframe} candle ${iso(signal.candleTime)} closes at ${iso(closes)}, after ${iso(now)}`
    : null;
}

/** How many timeframes the signal's candle is behind the newest closed candle at `now` (0 = the newest). */
export function timeframesBehind(signal: Signal, now: number): number {
  return Math.max(0, Math.floor((lastClosedOpenTime(now, signal.timeframe) - signal.candleTime) / timeframeMs(signal.timeframe)));
}

/** null when an entry may fill at `now`: its candle closed, and is the newest closed one or the one before. */
export function entryNotCurrent(signal: Signal, now: number): string | null {
  const future = futureCandle(signal, now);
  if (future) return future;
  const behind = timeframesBehind(signal, now);
  return behind <= 1
    ? null
    : `stale signal: ${signal.timeframe} candle ${iso(signal.candleTime)} is ${behind} timeframes old at ${iso(now)}`;
}

/**
 * True when an exit's own candle may not be the newest closed one at `now`, so the executor must
 * look up the current candle (no read is needed in the normal case: delivered before the next close).
 */
export function exitNeedsCurrentCandle(signal: Signal, now: number): boolean {
  return signal.side === 'sell' && futureCandle(signal, now) === null && timeframesBehind(signal, now) > 0;
}

/** The exit repriced at `candle`: same id (exactly-once still holds), that candle's time and close. */
export function repriceExit(signal: Signal, candle: Candle): Signal {
  return { ...signal, candleTime: candle.t, refPrice: toAmount(candle.c) };
}

/**
 * The signal as it fills at `now`. `newest` is the newest stored candle of the signal's symbol and
 * timeframe that closed at or before `now` (null when unknown or none); only exits use it.
 */
export function atCurrentPrice(signal: Signal, now: number, newest: Candle | null): CurrentPrice {
  if (signal.side === 'buy') {
    const reason = entryNotCurrent(signal, now);
    return reason ? { kind: 'refused', reason } : { kind: 'fill', signal, repriced: false };
  }
  const future = futureCandle(signal, now);
  if (future) return { kind: 'refused', reason: future };
  if (newest && newest.t + timeframeMs(signal.timeframe) > now) {
    return { kind: 'refused', reason: `current candle ${iso(newest.t)} given for ${iso(now)} has not closed` };
  }
  if (!newest || newest.t <= signal.candleTime) return { kind: 'fill', signal, repriced: false };
  return { kind: 'fill', signal: repriceExit(signal, newest), repriced: true };
}

/** null unless a take-profit claims a price below the held position's target. */
export function takeProfitBelowTarget(signal: Signal, position: Position | undefined): string | null {
  if (signal.reason !== 'take_profit' || !position || signal.refPrice >= position.takeProfit) return null;
  return `take-profit refPrice ${toDecimalString(signal.refPrice)} below the position's target ${toDecimalString(position.takeProfit)}`;
}
