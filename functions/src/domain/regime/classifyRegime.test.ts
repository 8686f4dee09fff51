import { describe, expect, it } from 'vitest';
import { RegimeParamsSchema } from './params.ts';
import { bundledCandles } from '../indicators/bundledCandles.testkit.ts';
import { computeIndicators } from '../indicators/computeIndicators.ts';
import { rollUp } from '../rollup.ts';
import { INITIAL_REGIME_STATE, type IndicatorSnapshot, type Regime, type RegimeState } from '../regime.types.ts';
import { classifyRegime, classifyRegimeSeries, rawRegime } from './classifyRegime.ts';
import { resolveRegimeParams, type ResolvedRegimeParams } from './highVolDefaults.ts';

// adxTrendMin 25, adxSidewaysMax 20, highVolExitRatio 0.8, confirmCandles 2
const P: ResolvedRegimeParams = { ...RegimeParamsSchema.parse({}), highVolAtrPct: 1 };

/** A complete snapshot: ADX 30, ATR% 0.5, close 110 above EMA200 100 unless overridden. */
function snap(over: Partial<IndicatorSnapshot> = {}): IndicatorSnapshot {
  return { t: 0, close: 110, adx: 30, pdi: 25, mdi: 10, atr: 0.55, atrPct: 0.5, atrPctAvg: null, ema50: 105, ema200: 100, ...over };
}
const state = (regime: Regime, pending: Regime | null = null, pendingCount = 0): RegimeState => ({ regime, pending, pendingCount });

describe('rawRegime: the rule table', () => {
  it.each(['adx', 'pdi', 'mdi', 'atr', 'atrPct', 'ema50', 'ema200'] as const)('1. %s null ⇒ unknown', (field) => {
    expect(rawRegime(snap({ [field]: null }), 'bull_trend', P)).toBe('unknown');
  });

  it('2. ATR% ≥ highVolAtrPct ⇒ high_volatility, whatever the trend', () => {
    expect(rawRegime(snap({ atrPct: 1 }), 'sideways_range', P)).toBe('high_volatility');
    expect(rawRegime(snap({ atrPct: 3, adx: 10 }), 'bull_trend', P)).toBe('high_volatility');
    expect(rawRegime(snap({ atrPct: 0.99 }), 'sideways_range', P)).toBe('bull_trend');
  });

  it('2. high_volatility holds until ATR% < highVolAtrPct × highVolExitRatio', () => {
    expect(rawRegime(snap({ atrPct: 0.8 }), 'high_volatility', P)).toBe('high_volatility');
    expect(rawRegime(snap({ atrPct: 0.79 }), 'high_volatility', P)).toBe('bull_trend');
    // the lower exit bar does not apply to entering
    expect(rawRegime(snap({ atrPct: 0.9 }), 'bull_trend', P)).toBe('bull_trend');
  });

  it("2. relative: ATR% ≥ highVolRelative × the symbol's own average ⇒ high_volatility; the fixed threshold no longer counts", () => {
    const R: ResolvedRegimeParams = { ...P, highVolRelative: 1.5 };
    expect(rawRegime(snap({ atrPct: 0.75, atrPctAvg: 0.5 }), 'bull_trend', R)).toBe('high_volatility');
    expect(rawRegime(snap({ atrPct: 0.74, atrPctAvg: 0.5 }), 'bull_trend', R)).toBe('bull_trend');
    // always agitated (ATR% 3, far over the fixed 1) but no more than usual: not high volatility
    expect(rawRegime(snap({ atrPct: 3, atrPctAvg: 2.5 }), 'bull_trend', R)).toBe('bull_trend');
    // the exit bar is relative too: 1.5 × 0.5 × 0.8 = 0.6
    expect(rawRegime(snap({ atrPct: 0.61, atrPctAvg: 0.5 }), 'high_volatility', R)).toBe('high_volatility');
    expect(rawRegime(snap({ atrPct: 0.59, atrPctAvg: 0.5 }), 'high_volatility', R)).toBe('bull_trend');
    // average not known (state stored before it existed): the fixed threshold stands in
    expect(rawRegime(snap({ atrPct: 1, atrPctAvg: null }), 'bull_trend', R)).toBe('high_volatility');
  });

  it('2. a configured highVolAtrPct turns the relative threshold off', () => {
    expect(resolveRegimeParams(RegimeParamsSchema.parse({ highVolAtrPct: 2 }), '4h')).toMatchObject({
      highVolAtrPct: 2,
      highVolRelative: null,
    });
    expect(resolveRegimeParams(RegimeParamsSchema.parse({}), '4h')).toMatchObject({ highVolAtrPct: 3.8, highVolRelative: 2 });
    expect(resolveRegimeParams(RegimeParamsSchema.parse({ highVolRelative: null }), '1m')).toMatchObject({
      highVolAtrPct: 0.22,
      highVolRelative: null,
    });
  });

  it('3. ADX < adxSidewaysMax ⇒ sideways_range, even in a trend', () => {
    expect(rawRegime(snap({ adx: 19.99 }), 'bull_trend', P)).toBe('sideways_range');
    expect(rawRegime(snap({ adx: 5, close: 90 }), 'bear_trend', P)).toBe('sideways_range');
  });

  it('4./5. ADX ≥ adxTrendMin ⇒ bull above EMA200, bear below', () => {
    expect(rawRegime(snap({ adx: 25, close: 100.01 }), 'sideways_range', P)).toBe('bull_trend');
    expect(rawRegime(snap({ adx: 25, close: 99.99 }), 'sideways_range', P)).toBe('bear_trend');
    expect(rawRegime(snap({ adx: 40, close: 90 }), 'bull_trend', P)).toBe('bear_trend');
  });

  it('6. in the band the current trend holds while price stays on its side of EMA200', () => {
    expect(rawRegime(snap({ adx: 22 }), 'bull_trend', P)).toBe('bull_trend');
    expect(rawRegime(snap({ adx: 20, close: 95 }), 'bear_trend', P)).toBe('bear_trend');
    expect(rawRegime(snap({ adx: 24.9, close: 100 }), 'bull_trend', P)).toBe('bull_trend'); // touching is not crossing
    expect(rawRegime(snap({ adx: 30, close: 100 }), 'bear_trend', P)).toBe('bear_trend');
  });

  it('7. otherwise sideways_range: band ADX with no trend to keep, or price crossed EMA200', () => {
    expect(rawRegime(snap({ adx: 22 }), 'sideways_range', P)).toBe('sideways_range');
    expect(rawRegime(snap({ adx: 22 }), 'unknown', P)).toBe('sideways_range');
    expect(rawRegime(snap({ adx: 22 }), 'high_volatility', P)).toBe('sideways_range');
    expect(rawRegime(snap({ adx: 22, close: 95 }), 'bull_trend', P)).toBe('sideways_range');
    expect(rawRegime(snap({ adx: 22, close: 105 }), 'bear_trend', P)).toBe('sideways_range');
    expect(rawRegime(snap({ adx: 30, close: 100 }), 'sideways_range', P)).toBe('sideways_range');
  });
});

describe('classifyRegime: confirmation', () => {
  const bear = snap({ close: 90 });
  const bull = snap();

  it('adopts the first known regime at once from unknown', () => {
    expect(classifyRegime(bull, INITIAL_REGIME_STATE, { ...P, confirmCandles: 5 })).toEqual(state('bull_trend'));
  });

  it('drops to unknown at once when indicators go missing', () => {
    expect(classifyRegime(snap({ adx: null }), state('bull_trend'), P)).toEqual(state('unknown'));
  });

  it('needs confirmCandles consecutive candles of a new raw regime', () => {
    const p = { ...P, confirmCandles: 3 };
    let s = classifyRegime(bear, state('bull_trend'), p);
    expect(s).toEqual(state('bull_trend', 'bear_trend', 1));
    s = classifyRegime(bear, s, p);
    expect(s).toEqual(state('bull_trend', 'bear_trend', 2));
    s = classifyRegime(bear, s, p);
    expect(s).toEqual(state('bear_trend'));
  });

  it('restarts the count when the raw regime changes or returns to the current one', () => {
    const p = { ...P, confirmCandles: 3 };
    const s1 = classifyRegime(bear, state('bull_trend'), p);
    expect(classifyRegime(snap({ adx: 10 }), s1, p)).toEqual(state('bull_trend', 'sideways_range', 1));
    expect(classifyRegime(bull, s1, p)).toEqual(state('bull_trend'));
  });

  it('switches at once with confirmCandles = 1', () => {
    expect(classifyRegime(bear, state('bull_trend'), { ...P, confirmCandles: 1 })).toEqual(state('bear_trend'));
  });

  it('does not flip-flop on an alternating series', () => {
    const series = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? bull : bear));
    const states = classifyRegimeSeries(series, P);
    expect(states).toHaveLength(40);
    expect(states.every((s) => s.regime === 'bull_trend')).toBe(true);
    expect(classifyRegimeSeries(series, { ...P, confirmCandles: 1 }).map((s) => s.regime)).toEqual(
      series.map((_, i) => (i % 2 === 0 ? 'bull_trend' : 'bear_trend')),
    );
  });

  it('classifyRegimeSeries continues from a given state', () => {
    const states = classifyRegimeSeries([bear, bear], P, state('bull_trend'));
    expect(states.map((s) => s.regime)).toEqual(['bull_trend', 'bear_trend']);
  });
});

describe('classifyRegime on real 1h candles', () => {
  const candles = bundledCandles('BTC_USDT-1h').slice(-6000); // 2022-10 … 2023-06
  const snaps = computeIndicators(candles);
  const params = resolveRegimeParams(RegimeParamsSchema.parse({}), '1h');
  const changes = (states: readonly RegimeState[]): number => states.filter((s, i) => i > 0 && s.regime !== states[i - 1]!.regime).length;

  it('hysteresis (confirmation, band, high-vol exit ratio) changes regime less often than none at all', () => {
    const withHysteresis = classifyRegimeSeries(snaps, params);
    const confirmOnly1 = classifyRegimeSeries(snaps, { ...params, confirmCandles: 1 });
    const none = classifyRegimeSeries(snaps, { ...params, confirmCandles: 1, highVolExitRatio: 1, adxSidewaysMax: params.adxTrendMin });
    expect(changes(withHysteresis)).toBeLessThan(changes(confirmOnly1));
    expect(changes(confirmOnly1)).toBeLessThan(changes(none));
    // every regime the rules can produce shows up in six months of BTC
    expect(new Set(withHysteresis.map((s) => s.regime))).toEqual(
      new Set(['unknown', 'bull_trend', 'bear_trend', 'sideways_range', 'high_volatility']),
    );
  });

  it('relative threshold: a symbol is high volatility a small share of the time in every year, not most of it', () => {
    // The fixed 4h threshold (3.8 %) kept XRP "high volatility" 57 % of 2021 and BNB 100 % of 2017.
    for (const file of ['XRP_USDT-1h', 'BNB_USDT-1h'] as const) {
      const h4 = rollUp(bundledCandles(file), '1h', '4h');
      const states = classifyRegimeSeries(computeIndicators(h4), resolveRegimeParams(RegimeParamsSchema.parse({}), '4h'));
      const fixed = classifyRegimeSeries(
        computeIndicators(h4),
        resolveRegimeParams(RegimeParamsSchema.parse({ highVolAtrPct: 3.8 }), '4h'),
      );
      const share = (ss: readonly RegimeState[], year: number) => {
        const known = ss.filter((s, i) => s.regime !== 'unknown' && new Date(h4[i]!.t).getUTCFullYear() === year);
        return known.filter((s) => s.regime === 'high_volatility').length / known.length;
      };
      for (let year = 2019; year <= 2022; year++) expect(share(states, year), `${file} ${year}`).toBeLessThan(0.25);
      expect(Math.max(...[2019, 2020, 2021, 2022].map((y) => share(fixed, y))), `${file} fixed`).toBeGreaterThan(0.4);
    }
  });

  it('for any confirmCandles, every confirmed regime held for at least that many raw candles', () => {
    for (const confirmCandles of [2, 3, 5]) {
      const states = classifyRegimeSeries(snaps, { ...params, confirmCandles });
      states.forEach((s, i) => {
        if (i === 0 || s.regime === states[i - 1]!.regime || states[i - 1]!.regime === 'unknown' || s.regime === 'unknown') return;
        // a switch: the previous confirmCandles−1 states had it pending
        for (let k = 1; k < confirmCandles; k++) expect(states[i - k]!.pending).toBe(s.regime);
      });
    }
  });
});
