/** Risk parameters: the domain owns their type and defaults; config/ builds them from config/bot. */
import { z } from 'zod';
import type { SearchRanges } from '../optimize/space.ts';

/**
 * Every number here reaches the money code (toAmount, percentOf, times): each is bounded so that no
 * accepted value can make sizing, stops or fills throw (toAmount refuses 1e21 and up; a multiple
 * that rounds to 0 would divide by zero). An ATR multiple is at least 0.01 and at most 1000.
 */
const atrMultiple = () => z.number().min(0.01).max(1000);

/**
 * Defaults chosen by walk-forward on 4h candles, 2018-06 → 2023-06, BTC/ETH/BNB/XRP (README →
 * Backtester → Defaults): the values the in-sample optimisation picked most often out of a grid.
 */
export const RiskParamsSchema = z.strictObject({
  /** Equity put at risk per trade: the loss if the initial stop is hit. */
  riskPerTradePct: z.number().min(0.01).max(10).default(1),
  stopAtrMult: atrMultiple().default(4),
  /**
   * An entry is not taken when its stop would sit closer than this many round-trip costs
   * (2 × (fee + slippage) of the price): a stop inside the cost of trading loses by construction.
   */
  minStopCostMultiple: z.number().nonnegative().max(100).default(3),
  takeProfitAtrMult: atrMultiple().default(20),
  /** Trailing stop distance in ATRs, armed once price has gained trailingActivationAtrMult ATRs. */
  trailingAtrMult: atrMultiple().default(4),
  trailingActivationAtrMult: z.number().min(0).max(1000).default(1),
  maxOpenPositions: z.number().int().min(1).max(100).default(3),
  maxExposurePerSymbolPct: z.number().min(0.01).max(100).default(25),
  dailyLossLimitPct: z.number().min(0.01).max(100).default(3),
  // At most 50: a kill switch further away than half the account is off in all but name (a config must not switch it off).
  killSwitchDrawdownPct: z.number().min(0.01).max(50).default(15),
});
export type RiskParams = z.infer<typeof RiskParamsSchema>;

/**
 * What the optimiser (`npm run optimize`) searches, and where: the schema's bounds above are safety
 * limits; these are the ranges worth trading. Sizing and the account's limits are the trader's risk
 * appetite, not something to fit to the past: they are not searched.
 */
export const RISK_SEARCH_RANGES: SearchRanges = {
  stopAtrMult: { min: 1.5, max: 6 },
  takeProfitAtrMult: { min: 4, max: 30 },
  trailingAtrMult: { min: 1.5, max: 8 },
  trailingActivationAtrMult: { min: 0, max: 4 },
};
