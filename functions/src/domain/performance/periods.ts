/**
 * The command set's reports (`daily|weekly|monthly [n]`, `performance`), from the same daily rollups
 * the dashboard sums (daily.ts) and the trade ledger: one owner for every figure.
 */
import { ZERO, type Amount } from '../money.ts';
import type { Trade } from '../trading.types.ts';
import { utcDay } from '../wallet.ts';
import { dayTime, isClosing, summarizeDays, type DayRollup, type HorizonSummary } from './daily.ts';

export const PERIOD_UNITS = ['day', 'week', 'month'] as const;
export type PeriodUnit = (typeof PERIOD_UNITS)[number];

const DAY_MS = 86_400_000;

/** The first day (yyyymmdd) of the period holding `day`: itself; the Monday of its ISO week; the 1st of its month. */
export function periodStart(unit: PeriodUnit, day: string): string {
  if (unit === 'day') return day;
  if (unit === 'month') return `${day.slice(0, 6)}01`;
  const t = dayTime(day);
  return utcDay(t - ((new Date(t).getUTCDay() + 6) % 7) * DAY_MS);
}

/** The period before the one starting at `start`. */
function previousStart(unit: PeriodUnit, start: string): string {
  const t = dayTime(start);
  if (unit === 'day') return utcDay(t - DAY_MS);
  if (unit === 'week') return utcDay(t - 7 * DAY_MS);
  return periodStart('month', utcDay(t - DAY_MS));
}

export interface PeriodReport extends HorizonSummary {
  /** yyyymmdd of the period's first day */
  readonly start: string;
}

/** The last `n` periods through `now`'s, newest first; a period with no rollup reports zeros. */
export function periodReports(rollups: readonly DayRollup[], unit: PeriodUnit, n: number, now: number): PeriodReport[] {
  const starts: string[] = [periodStart(unit, utcDay(now))];
  while (starts.length < n) starts.push(previousStart(unit, starts.at(-1)!));
  return starts.map((start) => ({ start, ...summarizeDays(rollups.filter((r) => periodStart(unit, r.day) === start)) }));
}

/** The oldest day `periodReports(…, unit, n, now)` reads: what to load. */
export function periodsFromDay(unit: PeriodUnit, n: number, now: number): string {
  let start = periodStart(unit, utcDay(now));
  for (let i = 1; i < n; i++) start = previousStart(unit, start);
  return start;
}

export interface SymbolPerformance {
  readonly symbol: string;
  readonly trades: number;
  readonly closed: number;
  readonly wins: number;
  readonly losses: number;
  readonly realizedPnl: Amount;
  readonly fees: Amount;
}

/** Per symbol, best realized PnL first; the same closing rule as the rollups; adjustments are not trades. */
export function performanceBySymbol(
  trades: readonly Pick<Trade, 'symbol' | 'side' | 'reason' | 'fee' | 'realizedPnl'>[],
): SymbolPerformance[] {
  const by = new Map<string, SymbolPerformance>();
  for (const t of trades) {
    if (t.reason === 'adjustment') continue;
    const p = by.get(t.symbol) ?? { symbol: t.symbol, trades: 0, closed: 0, wins: 0, losses: 0, realizedPnl: ZERO, fees: ZERO };
    const closing = isClosing(t);
    by.set(t.symbol, {
      ...p,
      trades: p.trades + 1,
      closed: p.closed + (closing ? 1 : 0),
      wins: p.wins + (closing && t.realizedPnl > ZERO ? 1 : 0),
      losses: p.losses + (closing && t.realizedPnl < ZERO ? 1 : 0),
      realizedPnl: p.realizedPnl + t.realizedPnl,
      fees: p.fees + t.fee,
    });
  }
  return [...by.values()].sort((a, b) =>
    a.realizedPnl === b.realizedPnl ? a.symbol.localeCompare(b.symbol) : a.realizedPnl > b.realizedPnl ? -1 : 1,
  );
}
