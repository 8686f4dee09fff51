/**
 * The per-symbol step on one closed candle, shared by the live tick and the backtester, so both
 * produce the same signals from the same candles.
 *
 * 1. Protective exits first, on the candle's high/low (refPrice = the level hit, or the open on a
 *    gap). A protective exit ends the step: at most one exit per symbol per candle, and no
 *    re-entry on the candle that stopped us out.
 * 2. Then the strategy on the close (refPrice = close).
 *
 * Exits are emitted whenever we hold, whatever the mode: the executor re-checks the mode, and the
 * signal log then shows the exit the bot wanted. Entries are not emitted when the feed is stale,
 * entries are paused (daily loss), the candle has no ATR (nothing to size or stop with), or the
 * mode emits no entries (PAUSED, KILLED). OBSERVATION does emit them: recording what the bot would
 * do is its purpose; the executor rejects them.
 */
import type { RiskParams } from '../../config/schema.ts';
import { timeframeMs, type Candle, type Timeframe } from '../candle.ts';
import { modeEmitsEntries } from '../mode.ts';
import { toAmount, type Amount } from '../money.ts';
import type { IndicatorSnapshot, Regime } from '../regime.types.ts';
import { evaluateExit } from '../risk/stops.ts';
import { createSignal } from '../signal.ts';
import type { Strategy } from '../strategy/strategy.types.ts';
import type { Position, Signal, SignalReason, SystemMode } from '../trading.types.ts';

export interface DecideInput {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** the newest CLOSED candle */
  readonly candle: Candle;
  /** indicators of that same candle */
  readonly indicators: IndicatorSnapshot;
  readonly regime: Regime;
  readonly position: Position | null;
  readonly mode: SystemMode;
  readonly entriesPaused: boolean;
  readonly stale: boolean;
  readonly strategy: Strategy;
  readonly risk: RiskParams;
  readonly now: number;
}

export interface Decision {
  readonly signals: Signal[];
  /** the position with highWater, trailing stop and lastPrice updated; still open even when an exit was emitted (the executor closes it) */
  readonly position: Position | null;
}

/** ATR as an Amount, or null when not warmed up (or degenerate). */
export function atrAmount(indicators: IndicatorSnapshot): Amount | null {
  const { atr } = indicators;
  if (atr === null || !Number.isFinite(atr) || atr <= 0) return null;
  const a = toAmount(atr, 'up');
  return a > 0n ? a : null;
}

export function decideOnCandle(input: DecideInput): Decision {
  const { symbol, timeframe, candle, strategy, now } = input;
  const atr = atrAmount(input.indicators);
  const signal = (side: 'buy' | 'sell', reason: SignalReason, refPrice: Amount): Signal =>
    createSignal({ strategyVersion: strategy.version, symbol, timeframe, candleTime: candle.t, side, reason, refPrice, atr: atr ?? 0n }, now);

  let position = input.position;
  // A candle that closed before the position was opened says nothing about its stops.
  if (position && candle.t + timeframeMs(timeframe) > position.entryTime) {
    const evaluated = evaluateExit(position, candle, atr, input.risk);
    position = evaluated.position;
    if (evaluated.exit) return { signals: [signal('sell', evaluated.exit.reason, evaluated.exit.price)], position };
  }

  const advice = strategy.advise({ regime: input.regime, indicators: input.indicators, hasPosition: position !== null });
  const close = toAmount(candle.c);
  if (advice.action === 'exit' && position) return { signals: [signal('sell', advice.reason, close)], position };
  if (advice.action === 'enter_long' && !position && atr !== null && !input.stale && !input.entriesPaused && modeEmitsEntries(input.mode)) {
    return { signals: [signal('buy', advice.reason, close)], position };
  }
  return { signals: [], position };
}
