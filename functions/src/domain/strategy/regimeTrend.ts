/**
 * regime_trend: be long only while the market is in a confirmed bull trend.
 *
 * - Enter in `bull_trend` when flat; optionally only on a pullback (close within
 *   `pullbackAtrMult` ATRs above EMA50), so entries are not chased far above the mean.
 * - Exit (`regime_exit`) when holding and the regime is anything but `bull_trend`.
 *   `unknown` is the exception by default (`exitOnUnknown: false`): it means "no information"
 *   (indicator warm-up, or a data gap that reset them), not "the trend ended". Selling on missing
 *   data would turn every feed outage into a trade; the position keeps its protective stops, which
 *   decideOnCandle evaluates on every candle regardless of the regime.
 * - Never enter in `high_volatility` or `unknown` (nor in bear/sideways).
 */
import { z } from 'zod';
import type { Advice } from '../trading.types.ts';
import { defineStrategy } from './api.ts';
import { STRATEGY_API_VERSION, type StrategyInput } from './strategy.types.ts';

export const RegimeTrendParamsSchema = z.strictObject({
  pullbackToEma50: z.boolean().default(false),
  /** only with pullbackToEma50: the largest distance above EMA50, in ATRs, at which we still enter */
  pullbackAtrMult: z.number().nonnegative().max(20).default(1),
  exitOnUnknown: z.boolean().default(false),
});
export type RegimeTrendParams = z.output<typeof RegimeTrendParamsSchema>;

export const REGIME_TREND_VERSION = 'regime_trend@1';

// Advice is immutable: one object each, not one per candle (the backtester asks on every candle).
const HOLD: Advice = Object.freeze({ action: 'hold' });
const EXIT: Advice = Object.freeze({ action: 'exit', reason: 'regime_exit' });
const ENTER: Advice = Object.freeze({ action: 'enter_long', reason: 'regime_entry' });

export function adviseRegimeTrend(
  p: RegimeTrendParams,
  { regime, market, hasPosition }: Pick<StrategyInput, 'regime' | 'market' | 'hasPosition'>,
): Advice {
  if (hasPosition) {
    const keep = regime === 'bull_trend' || (regime === 'unknown' && !p.exitOnUnknown);
    return keep ? HOLD : EXIT;
  }
  if (regime !== 'bull_trend') return HOLD;
  if (p.pullbackToEma50) {
    const { close, ema50, atr } = market;
    // Without both indicators we cannot tell a pullback from a chase: stay out.
    if (ema50 === null || atr === null) return HOLD;
    const above = close - ema50;
    if (above < 0 || above > p.pullbackAtrMult * atr) return HOLD;
  }
  return ENTER;
}

export const regimeTrend = defineStrategy({
  apiVersion: STRATEGY_API_VERSION,
  name: 'regime_trend',
  version: REGIME_TREND_VERSION,
  description: 'Long while the regime is a confirmed bull trend; out on any other known regime.',
  params: RegimeTrendParamsSchema,
  advise: (input, params) => adviseRegimeTrend(params, input),
});
