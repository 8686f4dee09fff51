/** Regime parameters: the domain owns their type and defaults; config/ builds them from config/bot. */
import { z } from 'zod';
import type { SearchRanges } from '../optimize/space.ts';

export const RegimeParamsSchema = z
  .strictObject({
    /** ADX (0–100) at or above this is a trend (bull or bear by the side of EMA200). */
    adxTrendMin: z.number().positive().max(100).default(25),
    /** ADX below this is a sideways range. Between the two the previous trend holds (hysteresis band). */
    adxSidewaysMax: z.number().positive().max(100).default(20),
    /**
     * Fixed threshold: ATR% at or above this is high volatility, whatever the trend. Set, it wins
     * over highVolRelative. Unset with highVolRelative null ⇒ a per-timeframe default (ATR% scales
     * with candle length), see domain/regime/highVolDefaults.ts.
     */
    highVolAtrPct: z.number().positive().max(1000).optional(),
    /**
     * Relative threshold: high volatility when ATR% ≥ this × the symbol's own recent ATR% (an EMA over
     * 200 candles), so a symbol that is always agitated is not "high volatility" all the time. null ⇒
     * the fixed threshold. 2 chosen by walk-forward (README → Backtester → Defaults).
     */
    highVolRelative: z.number().min(1).max(10).nullable().default(2),
    /** High volatility ends only when ATR% falls below its threshold × this. */
    highVolExitRatio: z.number().gt(0).max(1).default(0.8),
    /** Consecutive candles a new regime must hold before it replaces the current one. */
    confirmCandles: z.number().int().min(1).max(50).default(2),
  })
  .refine((p) => p.adxSidewaysMax <= p.adxTrendMin, { message: 'adxSidewaysMax must be ≤ adxTrendMin', path: ['adxSidewaysMax'] });
export type RegimeParams = z.infer<typeof RegimeParamsSchema>;

/**
 * What the optimiser (`npm run optimize`) searches, and where (inside the schema's bounds). The
 * sideways threshold stays at its default: adxTrendMin's range starts there, so the two stay ordered.
 */
export const REGIME_SEARCH_RANGES: SearchRanges = {
  adxTrendMin: { min: 20, max: 35 },
  highVolRelative: { min: 1.25, max: 4 },
  confirmCandles: { min: 1, max: 6 },
};
