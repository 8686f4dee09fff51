/**
 * Recursion analysis (`eagle recursive STRATEGY`): recursive indicators (EMA, RSI, ADX…) remember
 * their start, so a value computed from the history the live tick keeps can differ from the one a
 * backtest computes from all its data. For every indicator this compares the two along the series
 * and reports the largest relative difference; above the tolerance the check fails.
 * - the strategy's declared indicators: over its window (the engine keeps `window.size` candles);
 * - the engine's own indicators (the regime's): a stream started `liveHistory` candles back (a cold
 *   live tick walks HISTORY_CANDLES) against one started at the first candle.
 */
import type { Candle } from '../candle.ts';
import { computeIndicators } from '../indicators/index.ts';
import type { IndicatorSnapshot } from '../regime.types.ts';
import { indicatorValue } from '../strategy/indicators.ts';
import type { Strategy } from '../strategy/strategy.types.ts';

export interface RecursiveRow {
  /** `indicator rsi` or `market ema200` */
  readonly name: string;
  /** candles the live side computes from */
  readonly history: number;
  /** the largest |live − full| / max(|live|, |full|) seen; Infinity when one side is null and the other is not */
  readonly maxRelDiff: number;
  /** open time of the candle where it was seen (null when nothing was compared) */
  readonly at: number | null;
  readonly ok: boolean;
}

export interface RecursiveInput {
  readonly strategy: Strategy;
  readonly candles: readonly Candle[];
  readonly liveHistory: number;
  readonly tolerance: number;
  /** compare every n-th candle (the full-history side is recomputed per candle) */
  readonly every?: number;
}

const MARKET_FIELDS = ['adx', 'pdi', 'mdi', 'atr', 'atrPct', 'atrPctAvg', 'ema50', 'ema200'] as const;

export function relDiff(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null || b === null) return Infinity;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

class Worst {
  diff = 0;
  at: number | null = null;
  see(d: number, t: number) {
    if (this.at === null || d > this.diff) {
      this.diff = d;
      this.at = t;
    }
  }
}

export function recursive(input: RecursiveInput): RecursiveRow[] {
  const { strategy, candles, liveHistory, tolerance } = input;
  const every = Math.max(1, input.every ?? 1);
  const rows: RecursiveRow[] = [];
  const closes = candles.map((c) => c.c);
  const size = strategy.window.size;
  for (const [name, spec] of Object.entries(strategy.indicators)) {
    const w = new Worst();
    for (let i = size - 1; i < closes.length; i += every) {
      w.see(relDiff(indicatorValue(spec, closes.slice(i - size + 1, i + 1)), indicatorValue(spec, closes.slice(0, i + 1))), candles[i]!.t);
    }
    rows.push({ name: `indicator ${name}`, history: size, maxRelDiff: w.diff, at: w.at, ok: w.at !== null && w.diff <= tolerance });
  }
  const full = computeIndicators(candles);
  const worst = Object.fromEntries(MARKET_FIELDS.map((f) => [f, new Worst()]));
  for (let i = liveHistory - 1; i < candles.length; i += every) {
    const live = computeIndicators(candles.slice(i - liveHistory + 1, i + 1)).at(-1)!;
    for (const f of MARKET_FIELDS) worst[f]!.see(relDiff(live[f as keyof IndicatorSnapshot] as number | null, full[i]![f]), candles[i]!.t);
  }
  for (const f of MARKET_FIELDS) {
    const w = worst[f]!;
    rows.push({ name: `market ${f}`, history: liveHistory, maxRelDiff: w.diff, at: w.at, ok: w.at !== null && w.diff <= tolerance });
  }
  return rows;
}
