/**
 * Kill-switch liquidation: one sell per open position at the given prices (the candle close).
 *
 * These signals use their own strategyVersion so their ids never collide with a strategy sell on
 * the same candle: if a stop-loss sell for that candle was already recorded (say, rejected in
 * OBSERVATION), orders/{id} would otherwise swallow the liquidation as a duplicate.
 */
import type { Timeframe } from '../candle.ts';
import type { Amount } from '../money.ts';
import { createSignal } from '../signal.ts';
import type { Position, Signal } from '../trading.types.ts';

export const KILL_SWITCH_VERSION = 'kill_switch@1';

export interface KillSwitchInput {
  readonly positions: Readonly<Record<string, Position>>;
  readonly timeframe: Timeframe;
  /** open time of the candle whose close triggered the kill switch */
  readonly candleTime: number;
  /** exit reference prices; a symbol without one uses its position's lastPrice */
  readonly prices: Readonly<Record<string, Amount>>;
  readonly now: number;
}

export function killSwitchSignals({ positions, timeframe, candleTime, prices, now }: KillSwitchInput): Signal[] {
  return Object.values(positions)
    .sort((a, b) => a.symbol.localeCompare(b.symbol))
    .map((p) =>
      createSignal(
        { strategyVersion: KILL_SWITCH_VERSION, symbol: p.symbol, timeframe, candleTime, side: 'sell', reason: 'kill_switch', refPrice: prices[p.symbol] ?? p.lastPrice, atr: 0n },
        now,
      ),
    );
}
