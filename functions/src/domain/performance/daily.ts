/**
 * Daily rollups: one compact record per UTC day (realized PnL, fees, wins and losses by exit reason,
 * the day's opening and closing equity), so a week, a month or the whole history is summarized from
 * a few dozen small records instead of every trade. One rule for the writer (executeOrder adds each
 * fill; the tick closes the day's equity; `eagle rollups` rebuilds them from the ledger) and for the
 * dashboard, which sums them per horizon. Money is exact; ratios are floats like summarize.ts.
 */
import { ZERO, type Amount } from '../money.ts';
import { EXIT_REASONS, type ExitReason, type Trade } from '../trading.types.ts';
import { utcDay } from '../wallet.ts';
import { ratios, type EquityPoint } from './summarize.ts';

export interface ReasonTally {
  readonly wins: number;
  readonly losses: number;
  /** realized PnL of the closing trades with this reason */
  readonly pnl: Amount;
}

export interface DayRollup {
  /** yyyymmdd (UTC) */
  readonly day: string;
  /** fills booked that day */
  readonly trades: number;
  /** closing trades (a sell, or any trade with realized PnL), as summarizeTrades counts them */
  readonly closed: number;
  readonly wins: number;
  readonly losses: number;
  readonly realizedPnl: Amount;
  readonly grossProfit: Amount;
  /** ≤ 0 */
  readonly grossLoss: Amount;
  readonly fees: Amount;
  /** per exit reason, only the reasons seen */
  readonly byReason: Readonly<Partial<Record<ExitReason, ReasonTally>>>;
  /** the ledger sequence of the last trade added: a fill is added once (a redelivery or rebuild finds it counted) */
  readonly lastSeq: number;
  /** equity at the day's first and last tick mark; null until the tick has closed the day */
  readonly equityOpen: Amount | null;
  readonly equityClose: Amount | null;
  /** the running peak at the day's close (drawdown is measured from it) */
  readonly peakEquity: Amount | null;
}

export type RollupTrade = Pick<Trade, 'seq' | 'side' | 'reason' | 'fee' | 'realizedPnl' | 'time'>;

export const emptyDay = (day: string): DayRollup => ({
  day,
  trades: 0,
  closed: 0,
  wins: 0,
  losses: 0,
  realizedPnl: ZERO,
  grossProfit: ZERO,
  grossLoss: ZERO,
  fees: ZERO,
  byReason: {},
  lastSeq: 0,
  equityOpen: null,
  equityClose: null,
  peakEquity: null,
});

/** The same closing rule as summarizeTrades: a sell, or any trade that realized PnL. */
export const isClosing = (t: Pick<Trade, 'side' | 'realizedPnl'>): boolean => t.realizedPnl !== ZERO || t.side === 'sell';

const isExit = (r: Trade['reason']): r is ExitReason => (EXIT_REASONS as readonly string[]).includes(r);

/** The day a trade belongs to. */
export const tradeDay = (t: Pick<Trade, 'time'>): string => utcDay(t.time);

/**
 * Adds one fill to its day's rollup. A trade whose seq the rollup already counted (a retried
 * transaction, a rebuild over a live day) changes nothing; trades must come in ledger order.
 */
export function addTrade(r: DayRollup, t: RollupTrade): DayRollup {
  if (tradeDay(t) !== r.day) throw new RangeError(`trade ${t.seq} of ${tradeDay(t)} added to the rollup of ${r.day}`);
  if (t.seq <= r.lastSeq) return r;
  // A reconciliation's adjustment books what the exchange did without the bot: no trade, no fee, no PnL.
  if (t.reason === 'adjustment') return { ...r, lastSeq: t.seq };
  const base = { ...r, trades: r.trades + 1, fees: r.fees + t.fee, realizedPnl: r.realizedPnl + t.realizedPnl, lastSeq: t.seq };
  if (!isClosing(t)) return base;
  const win = t.realizedPnl > ZERO;
  const loss = t.realizedPnl < ZERO;
  const reason = isExit(t.reason) ? t.reason : null;
  const prev = reason ? (r.byReason[reason] ?? { wins: 0, losses: 0, pnl: ZERO }) : null;
  return {
    ...base,
    closed: r.closed + 1,
    wins: r.wins + (win ? 1 : 0),
    losses: r.losses + (loss ? 1 : 0),
    grossProfit: r.grossProfit + (win ? t.realizedPnl : ZERO),
    grossLoss: r.grossLoss + (loss ? t.realizedPnl : ZERO),
    byReason:
      reason && prev
        ? {
            ...r.byReason,
            [reason]: { wins: prev.wins + (win ? 1 : 0), losses: prev.losses + (loss ? 1 : 0), pnl: prev.pnl + t.realizedPnl },
          }
        : r.byReason,
  };
}

/** The tick's mark at the end of a day: opening equity, closing equity and the running peak. */
export function closeDay(r: DayRollup, marks: { readonly open: Amount; readonly close: Amount; readonly peak: Amount }): DayRollup {
  return { ...r, equityOpen: marks.open, equityClose: marks.close, peakEquity: marks.peak };
}

/** Rollups of a ledger (any order), one per day that has a trade, sorted by day. */
export function rollupLedger(trades: readonly RollupTrade[]): DayRollup[] {
  const days = new Map<string, DayRollup>();
  for (const t of [...trades].sort((a, b) => a.seq - b.seq)) {
    const day = tradeDay(t);
    days.set(day, addTrade(days.get(day) ?? emptyDay(day), t));
  }
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/** The equity of a day from its points (the tick's marks): first, last and the running peak through it. */
export function dayMarks(points: readonly EquityPoint[], peakBefore: Amount | null): { open: Amount; close: Amount; peak: Amount } | null {
  if (points.length === 0) return null;
  const sorted = [...points].sort((a, b) => a.time - b.time);
  const peak = sorted.reduce((p, x) => (x.equity > p ? x.equity : p), peakBefore ?? sorted[0]!.equity);
  return { open: sorted[0]!.equity, close: sorted[sorted.length - 1]!.equity, peak };
}

export const HORIZONS = ['1D', '1W', '1M', 'All'] as const;
export type Horizon = (typeof HORIZONS)[number];

const DAY_MS = 86_400_000;

/** First UTC day (yyyymmdd) a horizon covers at `now`: today; the last 7 days; the last 30 days; everything. */
export function horizonStartDay(h: Horizon, now: number): string {
  switch (h) {
    case '1D':
      return utcDay(now);
    case '1W':
      return utcDay(now - 6 * DAY_MS);
    case '1M':
      return utcDay(now - 29 * DAY_MS);
    case 'All':
      return '00000000';
  }
}

export const inHorizon = (h: Horizon, now: number, day: string): boolean => day >= horizonStartDay(h, now) && day <= utcDay(now);

export interface HorizonSummary {
  readonly days: number;
  readonly trades: number;
  readonly closed: number;
  readonly wins: number;
  readonly losses: number;
  readonly winRate: number | null;
  readonly realizedPnl: Amount;
  readonly grossProfit: Amount;
  readonly grossLoss: Amount;
  readonly profitFactor: number | null;
  readonly fees: Amount;
  readonly byReason: Readonly<Partial<Record<ExitReason, ReasonTally>>>;
  /** from the daily closing equity (and the running peak the tick recorded) */
  readonly maxDrawdown: Amount;
  readonly maxDrawdownPct: number;
  /** annualized from day-to-day closing equity returns */
  readonly sharpe: number | null;
  readonly sortino: number | null;
}

/** The daily series a chart draws: profit per day, cumulative profit, closing equity and drawdown from the peak. */
export interface DailyPoint {
  readonly day: string;
  /** 00:00 UTC of the day, ms */
  readonly time: number;
  readonly pnl: Amount;
  readonly cumulative: Amount;
  readonly equity: Amount | null;
  /** the running peak through the day's close (the tick's all-time peak, intraday highs included) */
  readonly peak: Amount | null;
  /** ≥ 0: peak − equity */
  readonly drawdown: Amount | null;
}

export const dayTime = (day: string): number => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8)));

export function dailySeries(rollups: readonly DayRollup[]): DailyPoint[] {
  let cumulative = ZERO;
  let peak: Amount | null = null;
  return [...rollups]
    .sort((a, b) => a.day.localeCompare(b.day))
    .map((r) => {
      cumulative += r.realizedPnl;
      const candidates = [peak, r.peakEquity, r.equityClose].filter((x): x is Amount => x !== null);
      peak = candidates.length ? candidates.reduce((m, x) => (x > m ? x : m)) : null;
      return {
        day: r.day,
        time: dayTime(r.day),
        pnl: r.realizedPnl,
        cumulative,
        equity: r.equityClose,
        peak,
        drawdown: r.equityClose === null || peak === null ? null : peak - r.equityClose,
      };
    });
}

/** Sums the rollups of a horizon (pass only the days in it). */
export function summarizeDays(rollups: readonly DayRollup[]): HorizonSummary {
  const sum = (pick: (r: DayRollup) => Amount) => rollups.reduce((s, r) => s + pick(r), ZERO);
  const count = (pick: (r: DayRollup) => number) => rollups.reduce((s, r) => s + pick(r), 0);
  const byReason: Partial<Record<ExitReason, ReasonTally>> = {};
  for (const r of rollups) {
    for (const [k, v] of Object.entries(r.byReason) as [ExitReason, ReasonTally][]) {
      const p = byReason[k] ?? { wins: 0, losses: 0, pnl: ZERO };
      byReason[k] = { wins: p.wins + v.wins, losses: p.losses + v.losses, pnl: p.pnl + v.pnl };
    }
  }
  const closed = count((r) => r.closed);
  const grossProfit = sum((r) => r.grossProfit);
  const grossLoss = sum((r) => r.grossLoss);
  const series = dailySeries(rollups);
  const points: EquityPoint[] = series.flatMap((p) => (p.equity === null ? [] : [{ time: p.time, equity: p.equity }]));
  // from the running peak the tick recorded, which may predate the horizon
  let maxDrawdown = ZERO;
  let maxDrawdownPct = 0;
  for (const p of series) {
    if (p.drawdown === null || p.peak === null || p.drawdown <= maxDrawdown) continue;
    maxDrawdown = p.drawdown;
    maxDrawdownPct = p.peak > ZERO ? Number(p.drawdown) / Number(p.peak) : 0;
  }
  const wins = count((r) => r.wins);
  return {
    days: rollups.length,
    trades: count((r) => r.trades),
    closed,
    wins,
    losses: count((r) => r.losses),
    winRate: closed > 0 ? wins / closed : null,
    realizedPnl: sum((r) => r.realizedPnl),
    grossProfit,
    grossLoss,
    profitFactor:
      closed === 0 ? null : grossLoss === ZERO ? (grossProfit > ZERO ? Infinity : null) : Number(grossProfit) / -Number(grossLoss),
    fees: sum((r) => r.fees),
    byReason,
    maxDrawdown,
    maxDrawdownPct,
    ...ratios(points),
  };
}

/**
 * Every day's rollup from the whole ledger and the tick's equity points (the backfill after a restore,
 * or for a ledger booked before rollups existed): trade days and marked days, each closed at its marks.
 */
export function rebuildRollups(trades: readonly RollupTrade[], equityDays: ReadonlyMap<string, readonly EquityPoint[]>): DayRollup[] {
  const days = new Map(rollupLedger(trades).map((r) => [r.day, r]));
  for (const day of equityDays.keys()) if (!days.has(day)) days.set(day, emptyDay(day));
  let peak: Amount | null = null;
  return [...days.values()]
    .sort((a, b) => a.day.localeCompare(b.day))
    .map((r) => {
      const marks = dayMarks(equityDays.get(r.day) ?? [], peak);
      if (!marks) return r;
      peak = marks.peak;
      return closeDay(r, marks);
    });
}
