/** Risk parameters: the domain owns their type and defaults; config/ builds them from config/bot. */
import { z } from 'zod';

/**
 * Defaults chosen by walk-forward on 4h candles, 2018-06 → 2023-06, BTC/ETH/BNB/XRP (README →
 * Backtester → Defaults): the values the in-sample optimisation picked most often out of a grid.
 */
export const RiskParamsSchema = z.object({
  /** Equity put at risk per trade: the loss if the initial stop is hit. */
  riskPerTradePct: z.number().gt(0).max(10).default(1),
  stopAtrMult: z.number().positive().default(4),
  /**
   * An entry is not taken when its stop would sit closer than this many round-trip costs
   * (2 × (fee + slippage) of the price): a stop inside the cost of trading loses by construction.
   */
  minStopCostMultiple: z.number().nonnegative().max(100).default(3),
  takeProfitAtrMult: z.number().positive().default(20),
  /** Trailing stop distance in ATRs, armed once price has gained trailingActivationAtrMult ATRs. */
  trailingAtrMult: z.number().positive().default(4),
  trailingActivationAtrMult: z.number().nonnegative().default(1),
  maxOpenPositions: z.number().int().min(1).max(100).default(3),
  maxExposurePerSymbolPct: z.number().gt(0).max(100).default(25),
  dailyLossLimitPct: z.number().gt(0).max(100).default(3),
  killSwitchDrawdownPct: z.number().gt(0).max(100).default(15),
});
export type RiskParams = z.infer<typeof RiskParamsSchema>;
