/**
 * Protective exits: initial stop-loss / take-profit from ATR at entry, and a trailing stop that
 * arms after trailingActivationAtrMult ATRs of gain and then only ratchets up.
 *
 * Order within one candle (conservative, because a candle's path between open, high and low is
 * unknown):
 *   1. check exits against the levels known BEFORE the candle (the trailing stop is not raised by
 *      this candle's own high and then "hit" by its low — that would book an exit at a price the
 *      market may never have offered after the high);
 *   2. only then update highWater and the trailing stop from this candle for the next one.
 * When the stop and the target are both inside the candle, the stop wins (assume the worst path).
 * If the candle opens at or below the stop (a gap), the exit is at the open, not the stop.
 * If it opens at or above the target, the exit is at the target: the bot is never credited with a
 * gap in its favour.
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
 * Evaluate one closed candle for an open long position. Returns the position with highWater,
 * trailing stop and lastPrice updated (even when exiting: if the executor refuses the exit, the
 * position carries on with current levels) and the exit, if any. `atr` null (indicators not
 * ready) keeps the fixed stops working and only freezes the trailing stop.
 */
export function evaluateExit(
  position: Position,
  candle: Candle,
  atr: Amount | null,
  risk: RiskParams,
): { position: Position; exit: ProtectiveExit | null } {
  const open = toAmount(candle.o);
  const high = toAmount(candle.h);
  const low = toAmount(candle.l);
  const stop = activeStop(position);

  let exit: ProtectiveExit | null = null;
  if (open <= stop.price) exit = { reason: stop.reason, price: open };
  else if (low <= stop.price) exit = { reason: stop.reason, price: stop.price };
  else if (high >= position.takeProfit) exit = { reason: 'take_profit', price: position.takeProfit };

  const highWater = maxAmount(position.highWater, high);
  let trailingStop = position.trailingStop;
  if (atr !== null && atr > 0n) {
    const armed = trailingStop !== null || highWater - position.entryPrice >= times(atr, risk.trailingActivationAtrMult, 'up');
    if (armed) {
      const trail = maxAmount(highWater - times(atr, risk.trailingAtrMult, 'up'), 0n);
      trailingStop = trailingStop === null ? trail : maxAmount(trailingStop, trail);
    }
  }
  return { position: { ...position, highWater, trailingStop, lastPrice: toAmount(candle.c) }, exit };
}
