export const REGIMES = ['bull_trend', 'bear_trend', 'sideways_range', 'high_volatility', 'unknown'] as const;
export type Regime = (typeof REGIMES)[number];

/**
 * Indicator values for one closed candle. Every field is `null` until its warm-up is complete
 * (see domain/indicators/README in the top-level README): consumers never see a half-seeded value.
 */
export interface IndicatorSnapshot {
  readonly t: number;
  readonly close: number;
  readonly adx: number | null;
  readonly pdi: number | null;
  readonly mdi: number | null;
  readonly atr: number | null;
  /** ATR as a percentage of close (e.g. 0.35 means 0.35 %). */
  readonly atrPct: number | null;
  /** the symbol's own recent ATR% (an EMA over ATR_PCT_AVG_PERIOD candles) */
  readonly atrPctAvg: number | null;
  readonly ema50: number | null;
  readonly ema200: number | null;
}

/** Hysteresis state carried from candle to candle (stored in status/system.engine.{symbol}.regime). */
export interface RegimeState {
  readonly regime: Regime;
  /** regime the raw rules point to but that has not yet been confirmed */
  readonly pending: Regime | null;
  readonly pendingCount: number;
}

export const INITIAL_REGIME_STATE: RegimeState = { regime: 'unknown', pending: null, pendingCount: 0 };
