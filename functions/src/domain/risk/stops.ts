/**
 * Protective exits: initial stop-loss / take-profit from ATR at entry, and a trailing stop that
 * arms after trailingActivationAtrMult ATRs of gain and then only ratchets up.
 *
 * A protective exit is a market order sent once the candle that crossed the level has closed. The
 * tick checks the finest candles there are (1m) every minute, so on a 1m candle the exit is priced
 * at its close: the price live gets. On a coarser candle (a span with no 1m data, e.g. backtests
 * over years of 4h candles) that close can be hours after the crossing (over 120 stop exits on 4h
 * candles it was below the stop in 35, by up to 4.4 %, and above it in the rest), so the exit is
 * priced where a minute-by-minute check would have sold: the level, or the open it gapped through.
 *
 * Per candle (its path between open, high and low is unknown, so assume the worst):
 *   1. check against the levels known BEFORE the candle (a trailing stop is not raised by this
 *      candle's own high and then "hit" by its low);
 *   2. stop (or trailing stop): the low reached it. Take-profit: on a 1m candle, it CLOSED at or
 *      above the target (a wick that touched it and fell back would not have sold there either); on
 *      a coarser one, the high reached it, booked at the target (never credited with a gap up). A
 *      take-profit is never booked below its target. The stop wins when both happen;
 *   3. only then update highWater and the trailing stop from this candle for the next one.
 */
import type { RiskParams } from './params.ts';
import type { Candle } from '../candle.ts';
import { maxAmount, minAmount, toAmount, type Amount } from '../money.ts';
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

/** A strategy's own levels for one entry (Signal.stopAtrBps/targetAtrBps), in basis points of ATR. */
export interface OwnLevels {
  readonly stopAtrBps?: number | undefined;
  readonly targetAtrBps?: number | undefined;
}

/**
 * The entry's stop-loss and take-profit. A strategy's own stop is used only where it is tighter than
 * the risk's (risk limits always win: the position was sized on the risk's distance); its own target
 * replaces the risk's.
 */
export function initialStops(
  entryPrice: Amount,
  atr: Amount,
  risk: RiskParams,
  own: OwnLevels = {},
): { stopLoss: Amount; takeProfit: Amount } {
  const riskDistance = stopDistance(atr, risk);
  // basis points of ATR have at most 4 decimals: exact as a multiple
  const distance = own.stopAtrBps === undefined ? riskDistance : minAmount(riskDistance, times(atr, own.stopAtrBps / 10_000, 'up'));
  const target = times(atr, own.targetAtrBps === undefined ? risk.takeProfitAtrMult : own.targetAtrBps / 10_000, 'up');
  return { stopLoss: maxAmount(entryPrice - distance, 0n), takeProfit: entryPrice + target };
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
 * position carries on with current levels) and the exit, if any. `finest`: the candle is of the
 * finest timeframe (1m), priced at its close; else at the level (see above). `atr` (of the decision
 * timeframe) null keeps the fixed stops working and only freezes the trailing stop.
 */
export function evaluateExit(
  position: Position,
  candle: Candle,
  atr: Amount | null,
  risk: RiskParams,
  finest: boolean,
): { position: Position; exit: ProtectiveExit | null } {
  const high = toAmount(candle.h);
  const low = toAmount(candle.l);
  const close = toAmount(candle.c);
  const stop = activeStop(position);

  let exit: ProtectiveExit | null = null;
  if (finest) {
    if (low <= stop.price) exit = { reason: stop.reason, price: close };
    else if (close >= position.takeProfit) exit = { reason: 'take_profit', price: close };
  } else {
    const open = toAmount(candle.o);
    if (open <= stop.price) exit = { reason: stop.reason, price: open };
    else if (low <= stop.price) exit = { reason: stop.reason, price: stop.price };
    else if (high >= position.takeProfit) exit = { reason: 'take_profit', price: position.takeProfit };
  }

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
