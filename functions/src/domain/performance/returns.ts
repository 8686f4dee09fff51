/**
 * Returns of an equity curve, for any curve (a strategy's, buy-and-hold's): total return, CAGR,
 * Calmar, max drawdown, Sharpe, Sortino, and returns per calendar month (UTC). Drawdown, Sharpe and
 * Sortino are summarize.ts's, so the backtest report, its benchmark and the dashboard share one rule.
 * Fractions, not percentages; statistics use floats.
 */
import { toNumber, type Amount } from '../money.ts';
import { drawdown, ratios, type EquityPoint } from './summarize.ts';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

export interface CurveStats {
  readonly totalReturn: number;
  /** compound annual growth over the curve's span; null for a zero span or a wiped-out curve */
  readonly cagr: number | null;
  readonly maxDrawdown: number;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  /** CAGR ÷ max drawdown; null without a drawdown or a CAGR */
  readonly calmar: number | null;
}

/** `base` is where the curve started (the initial cash); points ascending by time. */
export function curveStats(points: readonly EquityPoint[], base: Amount): CurveStats {
  const last = points.at(-1);
  const growth = last ? toNumber(last.equity) / toNumber(base) : 1;
  const years = last ? (last.time - points[0]!.time) / YEAR_MS : 0;
  const cagr = years > 0 && growth > 0 ? growth ** (1 / years) - 1 : null;
  const maxDrawdown = drawdown(points).ddPct;
  return {
    totalReturn: growth - 1,
    cagr,
    maxDrawdown,
    ...ratios(points),
    calmar: cagr !== null && maxDrawdown > 0 ? cagr / maxDrawdown : null,
  };
}

export interface MonthReturn {
  /** yyyy-mm (UTC) */
  readonly month: string;
  /** the month's last equity over the previous month's last (the first month: over `base`), − 1 */
  readonly return: number;
}

/** One entry per calendar month (UTC) the curve has a point in; points ascending by time. */
export function monthlyReturns(points: readonly EquityPoint[], base: Amount): MonthReturn[] {
  const ends = new Map<string, Amount>();
  for (const p of points) ends.set(new Date(p.time).toISOString().slice(0, 7), p.equity);
  let prev = toNumber(base);
  return [...ends].map(([month, equity]) => {
    const v = toNumber(equity);
    const r = { month, return: prev > 0 ? v / prev - 1 : 0 };
    prev = v;
    return r;
  });
}
