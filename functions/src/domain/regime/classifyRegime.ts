import { INITIAL_REGIME_STATE, type IndicatorSnapshot, type Regime, type RegimeState } from '../regime.types.ts';
import type { ResolvedRegimeParams } from './highVolDefaults.ts';

export { defaultHighVolAtrPct, resolveRegimeParams, type ResolvedRegimeParams } from './highVolDefaults.ts';

/**
 * Market regime from one candle's indicators. "Current" is the confirmed regime before this candle.
 *
 * | # | when (first match wins) | raw regime |
 * |---|---|---|
 * | 1 | any indicator is null (warm-up not complete) | `unknown` |
 * | 2 | ATR% ≥ the threshold; once current is `high_volatility`: ATR% ≥ threshold × highVolExitRatio. The threshold is highVolRelative × the symbol's recent ATR% (atrPctAvg), or highVolAtrPct when relative is off or the average unknown | `high_volatility` |
 * | 3 | ADX < adxSidewaysMax | `sideways_range` |
 * | 4 | ADX ≥ adxTrendMin and close > EMA200 | `bull_trend` |
 * | 5 | ADX ≥ adxTrendMin and close < EMA200 | `bear_trend` |
 * | 6 | adxSidewaysMax ≤ ADX < adxTrendMin (or close = EMA200), current is a trend and close is not on the other side of EMA200 | current trend |
 * | 7 | otherwise (band ADX, no trend to keep, or price crossed EMA200) | `sideways_range` |
 *
 * Confirmation (classifyRegime): a raw regime different from the current one replaces it only after
 * coming out for `confirmCandles` consecutive candles (any other raw regime restarts the count).
 * `unknown` is left at once for the first known regime, and entered at once when indicators are
 * missing: a stale regime must never outlive the data it was based on.
 */
export function rawRegime(ind: IndicatorSnapshot, current: Regime, params: ResolvedRegimeParams): Regime {
  const { adx, atrPct, ema200 } = ind;
  if (
    adx === null ||
    atrPct === null ||
    ema200 === null ||
    ind.pdi === null ||
    ind.mdi === null ||
    ind.atr === null ||
    ind.ema50 === null
  ) {
    return 'unknown';
  }
  const threshold =
    params.highVolRelative !== null && ind.atrPctAvg !== null ? params.highVolRelative * ind.atrPctAvg : params.highVolAtrPct;
  // Exit below a lower bar than entry, so ATR% hovering around the threshold does not toggle the regime.
  const highVolBar = current === 'high_volatility' ? threshold * params.highVolExitRatio : threshold;
  if (atrPct >= highVolBar) return 'high_volatility';
  if (adx < params.adxSidewaysMax) return 'sideways_range';
  const side: Regime | null = ind.close > ema200 ? 'bull_trend' : ind.close < ema200 ? 'bear_trend' : null;
  if (adx >= params.adxTrendMin && side !== null) return side;
  // A fading trend (ADX in the band) or a close touching EMA200 keeps the trend until price crosses.
  const isTrend = current === 'bull_trend' || current === 'bear_trend';
  if (isTrend && (side === current || side === null)) return current;
  return 'sideways_range';
}

/**
 * One candle step of the regime state machine (see rawRegime for the rules). Config params leave
 * highVolAtrPct unset; resolve them once per timeframe with resolveRegimeParams.
 */
export function classifyRegime(ind: IndicatorSnapshot, prev: RegimeState, params: ResolvedRegimeParams): RegimeState {
  const raw = rawRegime(ind, prev.regime, params);
  if (raw === prev.regime) return settled(raw);
  if (prev.regime === 'unknown' || raw === 'unknown') return settled(raw);
  const count = prev.pending === raw ? prev.pendingCount + 1 : 1;
  if (count >= params.confirmCandles) return settled(raw);
  return { regime: prev.regime, pending: raw, pendingCount: count };
}

/** The RegimeState after each snapshot, walking them in order from `initial`. */
export function classifyRegimeSeries(
  snapshots: readonly IndicatorSnapshot[],
  params: ResolvedRegimeParams,
  initial: RegimeState = INITIAL_REGIME_STATE,
): RegimeState[] {
  const out: RegimeState[] = [];
  let state = initial;
  for (const snap of snapshots) {
    state = classifyRegime(snap, state, params);
    out.push(state);
  }
  return out;
}

/** Settled states are immutable: one object per regime instead of one per candle. */
const SETTLED = new Map<Regime, RegimeState>();
function settled(regime: Regime): RegimeState {
  let s = SETTLED.get(regime);
  if (!s) {
    s = Object.freeze({ regime, pending: null, pendingCount: 0 });
    SETTLED.set(regime, s);
  }
  return s;
}
