import type { z } from 'zod';
import type { IndicatorSnapshot, Regime } from '../regime.types.ts';
import type { Advice } from '../trading.types.ts';
import type { BarField, IndicatorSpec } from './indicators.ts';

/** The version of the strategy API below; a module states the one it was written for. */
export const STRATEGY_API_VERSION = 1;

/** Recent candles as one array per declared field, oldest first, ending with the candle being advised. */
export type Bars = Readonly<Partial<Record<BarField, readonly number[]>>>;

/** Everything a strategy may look at for one closed candle: never the wallet, sizes, or orders. */
export interface StrategyInput {
  readonly regime: Regime;
  /** the engine's own indicators (the regime reads them): EMA50/200, ADX/±DI, ATR, ATR% */
  readonly market: IndicatorSnapshot;
  /** the strategy's declared indicators at this candle; null until its window is full */
  readonly indicators: Readonly<Record<string, number | null>>;
  /** the window the engine keeps: at least the declared history, only the declared fields */
  readonly history: Bars;
  readonly hasPosition: boolean;
}

/** The candle window the engine keeps for a strategy (in the tick's state): its length and fields. */
export interface StrategyWindow {
  readonly size: number;
  readonly fields: readonly BarField[];
}

/** A built strategy, as the engine runs it. */
export interface Strategy {
  readonly name: string;
  /** part of every signal id: bump it when the rules change, so old and new signals never collide */
  readonly version: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly indicators: Readonly<Record<string, IndicatorSpec>>;
  readonly window: StrategyWindow;
  advise(input: StrategyInput): Advice;
}

/** A registry entry: the params schema carries the defaults, so `{}` is always a valid config. */
export interface StrategyDefinition<S extends z.ZodType<Record<string, unknown>> = z.ZodType<Record<string, unknown>>> {
  readonly apiVersion: number;
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly paramsSchema: S;
  create(params: z.output<S>): Strategy;
}
