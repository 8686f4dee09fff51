import type { z } from 'zod';
import type { IndicatorSnapshot, Regime } from '../regime.types.ts';
import type { Advice } from '../trading.types.ts';

/** Everything a strategy may look at: it never sees the wallet, sizes, or places orders. */
export interface StrategyInput {
  readonly regime: Regime;
  readonly indicators: IndicatorSnapshot;
  readonly hasPosition: boolean;
}

export interface Strategy {
  readonly name: string;
  /** part of every signal id: bump it when the rules change, so old and new signals never collide */
  readonly version: string;
  readonly params: Readonly<Record<string, unknown>>;
  advise(input: StrategyInput): Advice;
}

/** A registry entry: the params schema carries the defaults, so `{}` is always a valid config. */
export interface StrategyDefinition<S extends z.ZodType<Record<string, unknown>> = z.ZodType<Record<string, unknown>>> {
  readonly name: string;
  readonly version: string;
  readonly paramsSchema: S;
  create(params: z.output<S>): Strategy;
}
