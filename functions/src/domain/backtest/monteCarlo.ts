/**
 * Monte Carlo over round trips: each simulated path draws the run's round-trip returns (PnL over the
 * equity before the trade) with replacement, in random order, and compounds them. Plain reshuffling
 * would not do: a product of the same returns ends at the same equity in any order; resampling
 * shows how much of the result was luck. Deterministic for a seed.
 */
import { mulberry32 } from '../testing/prng.ts';

export interface MonteCarloResult {
  paths: number;
  finalEquity: { p5: number; p50: number; p95: number };
  maxDrawdownPct: { p5: number; p50: number; p95: number };
}

const pct = (sorted: Float64Array, p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1) + 0.5))]!;
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

export function monteCarlo(returns: readonly number[], initial: number, paths: number, seed = 1): MonteCarloResult {
  const finals = new Float64Array(paths);
  const dds = new Float64Array(paths);
  const rand = mulberry32(seed);
  for (let p = 0; p < paths; p++) {
    let eq = initial;
    let peak = initial;
    let dd = 0;
    for (let i = 0; i < returns.length; i++) {
      eq *= 1 + returns[Math.floor(rand() * returns.length)]!;
      if (eq > peak) peak = eq;
      else dd = Math.max(dd, (peak - eq) / peak);
    }
    finals[p] = eq;
    dds[p] = 100 * dd;
  }
  finals.sort();
  dds.sort();
  return {
    paths,
    finalEquity: { p5: r4(pct(finals, 0.05)), p50: r4(pct(finals, 0.5)), p95: r4(pct(finals, 0.95)) },
    maxDrawdownPct: { p5: r4(pct(dds, 0.05)), p50: r4(pct(dds, 0.5)), p95: r4(pct(dds, 0.95)) },
  };
}
