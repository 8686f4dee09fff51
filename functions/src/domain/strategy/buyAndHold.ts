/**
 * buy_and_hold: enter once when flat, never exit on its own. It is the benchmark every other
 * strategy is measured against, and a way to hold exposure through a market move on purpose
 * (the protective stops and the kill switch still apply: they live in risk, not in strategies).
 */
import { z } from 'zod';
import type { Advice } from '../trading.types.ts';
import { defineStrategy } from './api.ts';
import { STRATEGY_API_VERSION } from './strategy.types.ts';

export const BuyAndHoldParamsSchema = z.strictObject({});
export const BUY_AND_HOLD_VERSION = 'buy_and_hold@1';

const HOLD: Advice = Object.freeze({ action: 'hold' });
const ENTER: Advice = Object.freeze({ action: 'enter_long', reason: 'benchmark_entry' });

export const buyAndHold = defineStrategy({
  apiVersion: STRATEGY_API_VERSION,
  name: 'buy_and_hold',
  version: BUY_AND_HOLD_VERSION,
  description: 'Enter once when flat and the indicators are warm; never exit on its own (the benchmark).',
  params: BuyAndHoldParamsSchema,
  advise: ({ regime, hasPosition }) => (hasPosition || regime === 'unknown' ? HOLD : ENTER),
});
