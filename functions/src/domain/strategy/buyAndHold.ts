/**
 * buy_and_hold: enter once when flat, never exit on its own. It is the benchmark every other
 * strategy is measured against, and a way to hold exposure through a market move on purpose
 * (the protective stops and the kill switch still apply: they live in risk, not in strategies).
 */
import { z } from 'zod';
import type { StrategyDefinition } from './strategy.types.ts';

export const BuyAndHoldParamsSchema = z.strictObject({});
export const BUY_AND_HOLD_VERSION = 'buy_and_hold@1';

export const buyAndHold: StrategyDefinition<typeof BuyAndHoldParamsSchema> = {
  name: 'buy_and_hold',
  version: BUY_AND_HOLD_VERSION,
  paramsSchema: BuyAndHoldParamsSchema,
  create: (params) => ({
    name: 'buy_and_hold',
    version: BUY_AND_HOLD_VERSION,
    params,
    advise: ({ regime, hasPosition }) => (hasPosition || regime === 'unknown' ? { action: 'hold' } : { action: 'enter_long', reason: 'benchmark_entry' }),
  }),
};
