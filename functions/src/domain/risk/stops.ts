/**
 * Protective exits: initial stop-loss / take-profit from ATR at entry, and a trailing stop that
 * arms after trailingActivationAtrMult ATRs of gain and then only ratchets up.
 *
 * A protective exit is a market order sent once the candle that crossed the level has closed, so it
 * is priced at that candle's close — the price live gets, not the level (over 120 stop exits on
 * 4h candles the close was below the stop level in 35, by up to 4.4 %). The tick checks the finest
 * closed candles (1m guard candles) every minute, so that close is at most a minute past the level.
 *
 * Per candle (its path between open, high and low is unknown, so assume the worst):
 *   1. check against the levels known BEFORE the candle (a trailing stop is not raised by this
 *      candle's own high and then "hit" by its low);
 *   2. stop (or trailing stop): the low reached it; take-profit: the candle CLOSED at or above the
 *      target (a wick that touched it and fell back would not have sold there either), so a
 *      take-profit is never booked below its target; the stop wins when both happen;
 *   3. only then update highWater and the trailing stop from this candle for the next one.
 */
import type { RiskParams } from './params.ts';
import type { Candle } from '../candle.ts';
import { maxAmount, toAmount, type Amount } from '../money.ts';
import type { Position } from '../trading.types.ts';
import { times } from './scale.ts';

export type ProtectiveExitReason = 'stop_loss' | 'take_profit' | 'trailing_stop';
export interface ProtectiveExit {
  readonly reason: ProtectiveExitReason;
  readonly price: Amount;
}

/** stopAtrMult × ATR, rounded up: a wider distance sizes smaller, the safe side. */
export function stopDistance(atr: Amount, risk: Pick<RiskParams, 'stopAtrMult'>): Amount {
  return times(atr, risk.stopAtrMult, 'up');
}

export function initialStops(entryPrice: Amount, atr: Amount, risk: RiskParams): { stopLoss: Amount; takeProfit: Amount } {
  return {
    stopLoss: maxAmount(entryPrice - stopDistance(atr, risk), 0n),
    takeProfit: entryPrice + times(atr, risk.takeProfitAtrMult, 'up'),
  };
}

/** The stop in force: the trailing stop once it is above the initial stop. */
export function activeStop(p: Position): { price: Amount; reason: 'stop_loss' | 'trailing_stop' } {
  return p.trailingStop !== null && p.trailingStop > p.stopLoss
    ? { price: p.trailingStop, reason: 'trailing_stop' }
    : { price: p.stopLoss, reason: 'stop_loss' };
}

/**
 * Evaluate one closed candle (of any timeframe) for an open long position. Returns the position with
 * highWater, trailing stop and lastPrice updated (even when exiting: if the executor refuses the
 * exit, the position carries on with current levels) and the exit, if any, priced at the close.
 * `atr` (of the decision timeframe) null keeps the fixed stops working and only freezes the trailing stop.
 */
export function evaluateExit(
  position: Position,
  candle: Candle,
  atr: Amount | null,
  risk: RiskParams,
): { position: Position; exit: ProtectiveExit | null } {
  const high = toAmount(candle.h);
  const low = toAmount(candle.l);
  const close = toAmount(candle.c);
  const stop = activeStop(position);

  let exit: ProtectiveExit | null = null;
  if (low <= stop.price) exit = { reason: stop.reason, price: close };
  else if (close >= position.takeProfit) exit = { reason: 'take_profit', price: close };

  const highWater = maxAmount(position.highWater, high);
  let trailingStop = position.trailingStop;
  if (atr !== null && atr > 0n) {
    const armed = trailingStop !== null || highWater - position.entryPrice >= times(atr, risk.trailingActivationAtrMult, 'up');
    if (armed) {
      const trail = maxAmount(highWater - times(atr, risk.trailingAtrMult, 'up'), 0n);
      trailingStop = trailingStop === null ? trail : maxAmount(trailingStop, trail);
    }
  }
  return { position: { ...position, highWater, trailingStop, lastPrice: close }, exit };
}
