/**
 * What the optimiser maximises, from a trial's metrics (freqtrade's loss functions, as scores).
 * Every objective is higher-is-better; a trial that is not a valid config, or has no value (a flat
 * curve has no Sharpe), scores -Infinity. `--min-trades`: with `min_trades` the Sharpe loses up to
 * MIN_TRADES_PENALTY as the round trips fall short of it; with any other objective a trial short of
 * it scores -Infinity (freqtrade's --min-trades).
 */
export const OBJECTIVES = ['sharpe', 'sortino', 'calmar', 'maxdd', 'profit_dd', 'min_trades'] as const;
export type Objective = (typeof OBJECTIVES)[number];

/** What an objective reads of a run. */
export interface ScoredMetrics {
  totalReturnPct: number;
  maxDrawdownPct: number;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  trades: number;
}

/** Sharpe units lost at zero trades under `min_trades` (linearly less as trades approach --min-trades). */
export const MIN_TRADES_PENALTY = 3;

const or = (x: number | null) => (x === null || !Number.isFinite(x) ? -Infinity : x);

export function score(m: ScoredMetrics | null, objective: Objective, minTrades: number): number {
  if (!m) return -Infinity;
  if (objective === 'min_trades') {
    const short = minTrades > 0 ? Math.max(0, minTrades - m.trades) / minTrades : 0;
    return or(m.sharpe) - MIN_TRADES_PENALTY * short;
  }
  if (m.trades < minTrades) return -Infinity;
  switch (objective) {
    case 'sharpe':
      return or(m.sharpe);
    case 'sortino':
      return or(m.sortino);
    case 'calmar':
      return or(m.calmar);
    case 'maxdd':
      return -m.maxDrawdownPct;
    case 'profit_dd':
      // return per unit of drawdown; no drawdown at all counts as a 1 % one (no division by zero)
      return m.totalReturnPct / Math.max(1, m.maxDrawdownPct);
  }
}
