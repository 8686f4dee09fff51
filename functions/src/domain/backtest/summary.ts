/**
 * The backtester's summary: what `summary.json` holds and `report.html` shows. Every metric comes
 * from domain/performance, the same code as the dashboard's performance panel: summarizeTrades
 * (PnL, win rate, profit factor, exposure), curveStats (return, CAGR, drawdown, Sharpe, Sortino,
 * Calmar, for the strategy and the buy-and-hold benchmark alike), monthlyReturns and roundTrips
 * (duration, PnL %). This adds the splits by symbol, regime at entry and exit reason, and the trade
 * list. Money as 8-decimal strings; percentages rounded to 4 decimals.
 */
import type { Candle } from '../candle.ts';
import type { BacktestResult, EquitySeries } from '../engine/backtestLoop.ts';
import { ONE, toAmount, toDecimalString, toNumber, type Amount } from '../money.ts';
import { curveStats, monthlyReturns, roundTrips as tradeRoundTrips, summarizeTrades, type EquityPoint } from '../performance/index.ts';
import type { Regime } from '../regime.types.ts';
import type { Trade } from '../trading.types.ts';

const r4 = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? x : Math.round(x * 1e4) / 1e4);

export interface SplitStats {
  roundTrips: number;
  realizedPnl: string;
  winRatePct: number | null;
  feesPaid: string;
}

/** The strategy's curve measured as its benchmark's (CurveSummary), and the rest of the run. */
export interface BacktestSummary extends CurveSummary {
  from: string;
  to: string;
  initialCash: string;
  finalEquity: string;
  winRatePct: number | null;
  profitFactor: number | null;
  /** round trips (a buy and the sell that closed it) */
  trades: number;
  fills: number;
  exposurePct: number | null;
  feesPaid: string;
  killSwitchAt: string | null;
  dailyLossPauses: number;
  /** locks the protections placed (config/bot.protections), by protection */
  protectionLocks: Readonly<Record<string, number>>;
  /** entries the strategy wanted and the account step did not take, in candles, by reason (e.g. stop_too_close) */
  entriesNotTaken: Readonly<Record<string, number>>;
  perSymbol: Record<string, SplitStats>;
  /** by the regime at entry */
  perRegime: Record<string, SplitStats>;
  /** by the reason of the closing trade (stop_loss, take_profit, regime_exit, …) */
  perExitReason: Record<string, SplitStats>;
  /** equal-weight buy-and-hold of the same symbols over the same span, measured the same way */
  benchmark: CurveSummary;
  /** calendar months (UTC): the strategy's and buy-and-hold's return in each */
  monthly: { month: string; returnPct: number; benchmarkReturnPct: number | null }[];
  /** every round trip, in exit order */
  tradeList: TripRow[];
  /** the first candle walked for the indicators' warm-up before `from` (no trading), null without one */
  warmupFrom: string | null;
}

export interface CurveSummary {
  totalReturnPct: number;
  cagrPct: number | null;
  maxDrawdownPct: number;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
}

export interface TripRow {
  symbol: string;
  entryTime: string;
  exitTime: string;
  durationMs: number;
  /** the closing trade's reason */
  reason: string;
  regime: Regime | 'unknown';
  /** realized PnL net of both fees */
  pnl: string;
  /** PnL over the cash the entry cost (fee included); null when the entry is not in the run */
  pnlPct: number | null;
}

interface RoundTrip {
  symbol: string;
  regime: Regime | 'unknown';
  reason: string;
  pnl: Amount;
  fees: Amount;
  entry: Trade | undefined;
  exit: Trade;
}

/** Pair each sell with the buy that opened it (one position per symbol at a time). */
export function roundTrips(trades: readonly Trade[], entryRegimes: ReadonlyMap<string, Regime>): RoundTrip[] {
  const open = new Map<string, Trade>();
  const out: RoundTrip[] = [];
  for (const t of trades) {
    if (t.side === 'buy') open.set(t.symbol, t);
    else {
      const buy = open.get(t.symbol);
      open.delete(t.symbol);
      out.push({
        symbol: t.symbol,
        regime: (buy && entryRegimes.get(buy.id)) ?? 'unknown',
        reason: t.reason,
        pnl: t.realizedPnl,
        fees: t.fee + (buy?.fee ?? 0n),
        entry: buy,
        exit: t,
      });
    }
  }
  return out;
}

function split(trips: readonly RoundTrip[], key: (r: RoundTrip) => string): Record<string, SplitStats> {
  const groups = new Map<string, RoundTrip[]>();
  for (const r of trips) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return Object.fromEntries(
    [...groups]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, rs]) => [
        k,
        {
          roundTrips: rs.length,
          realizedPnl: toDecimalString(rs.reduce((s, r) => s + r.pnl, 0n)),
          winRatePct: r4((100 * rs.filter((r) => r.pnl > 0n).length) / rs.length),
          feesPaid: toDecimalString(rs.reduce((s, r) => s + r.fees, 0n)),
        },
      ]),
  );
}

function curveSummary(points: readonly EquityPoint[], base: Amount): CurveSummary {
  const c = curveStats(points, base);
  const pct = (x: number | null) => (x === null ? null : r4(100 * x));
  return {
    totalReturnPct: pct(c.totalReturn)!,
    cagrPct: pct(c.cagr),
    maxDrawdownPct: pct(c.maxDrawdown)!,
    sharpe: r4(c.sharpe),
    sortino: r4(c.sortino),
    calmar: r4(c.calmar),
  };
}

/**
 * Equal weight at the first close of each symbol, held to its last close, no costs, no stops. The
 * series is the value of 1 invested, at each candle's close (its open time + `stepMs`).
 */
export function benchmark(candles: Readonly<Record<string, readonly Candle[]>>, stepMs = 0): CurveSummary & { series: [number, number][] } {
  const symbols = Object.keys(candles).filter((s) => candles[s]!.length > 0);
  if (symbols.length === 0) return { ...curveSummary([], ONE), series: [] };
  const units = Object.fromEntries(symbols.map((s) => [s, 1 / symbols.length / candles[s]![0]!.c]));
  const times = [...new Set(symbols.flatMap((s) => candles[s]!.map((c) => c.t)))].sort((a, b) => a - b);
  const last: Record<string, number> = Object.fromEntries(symbols.map((s) => [s, candles[s]![0]!.c]));
  const cursor: Record<string, number> = Object.fromEntries(symbols.map((s) => [s, 0]));
  const series: [number, number][] = [];
  for (const t of times) {
    for (const s of symbols) {
      const cs = candles[s]!;
      while (cursor[s]! < cs.length && cs[cursor[s]!]!.t <= t) last[s] = cs[cursor[s]!++]!.c;
    }
    series.push([t + stepMs, symbols.reduce((sum, s) => sum + units[s]! * last[s]!, 0)]);
  }
  return {
    ...curveSummary(
      series.map(([time, v]) => ({ time, equity: toAmount(v) })),
      ONE,
    ),
    series,
  };
}

/** What a search scores a run by: the strategy's curve as the summary measures it, its round trips and its fees. */
export interface BacktestScore extends CurveSummary {
  /** round trips (a buy and the sell that closed it) */
  trades: number;
  feesPaid: string;
}

/** The equity series as the curve's points (time, equity). */
export function curvePoints(e: EquitySeries): EquityPoint[] {
  return Array.from({ length: e.length }, (_, i) => ({ time: e.t[i]!, equity: e.equity[i]! }));
}

/**
 * The summary's head without the benchmark, the months and the lists (the optimiser runs it per
 * trial): summarizeBacktest reports these same fields from here.
 */
export function scoreBacktest(result: BacktestResult, initialCash: Amount, points = curvePoints(result.equity)): BacktestScore {
  return {
    ...curveSummary(points, initialCash),
    trades: roundTrips(result.trades, result.entryRegimes).length,
    feesPaid: toDecimalString(result.trades.reduce((s, t) => s + t.fee, 0n)),
  };
}

export function summarizeBacktest(
  result: BacktestResult,
  candles: Readonly<Record<string, readonly Candle[]>>,
  initialCash: Amount,
  opts: { stepMs?: number; warmupFrom?: number } = {},
): BacktestSummary {
  const points = curvePoints(result.equity);
  const first = points[0]?.time ?? 0;
  const lastT = points.at(-1)?.time ?? first;
  const finalEquity = points.at(-1)?.equity ?? initialCash;
  const perf = summarizeTrades(result.trades, points);
  const { trades, feesPaid, ...curve } = scoreBacktest(result, initialCash, points);
  const trips = roundTrips(result.trades, result.entryRegimes);
  const wins = trips.filter((r) => r.pnl > 0n);
  const losses = trips.filter((r) => r.pnl < 0n);
  const gross = (rs: RoundTrip[]) => rs.reduce((s, r) => s + toNumber(r.pnl), 0);
  const bench = benchmark(candles, opts.stepMs);
  const { series: _series, ...benchStats } = bench;
  const benchMonths = new Map(
    monthlyReturns(
      bench.series.map(([time, v]) => ({ time, equity: toAmount(v) })),
      ONE,
    ).map((m) => [m.month, m.return]),
  );
  const held = tradeRoundTrips(result.trades);
  return {
    from: new Date(first).toISOString(),
    to: new Date(lastT).toISOString(),
    warmupFrom: opts.warmupFrom === undefined ? null : new Date(opts.warmupFrom).toISOString(),
    initialCash: toDecimalString(initialCash),
    finalEquity: toDecimalString(finalEquity),
    ...curve,
    winRatePct: trips.length > 0 ? r4((100 * wins.length) / trips.length) : null,
    profitFactor: losses.length > 0 ? r4(gross(wins) / -gross(losses)) : null,
    trades,
    fills: result.trades.length,
    exposurePct: perf.exposure === null ? null : r4(100 * perf.exposure),
    feesPaid,
    killSwitchAt: result.killedAt === null ? null : new Date(result.killedAt).toISOString(),
    dailyLossPauses: result.dailyLossPauses,
    protectionLocks: result.locks.reduce<Record<string, number>>((n, l) => ({ ...n, [l.protection]: (n[l.protection] ?? 0) + 1 }), {}),
    entriesNotTaken: result.skipped,
    perSymbol: split(trips, (r) => r.symbol),
    perRegime: split(trips, (r) => r.regime),
    perExitReason: split(trips, (r) => r.reason),
    benchmark: benchStats,
    monthly: monthlyReturns(points, initialCash).map((m) => ({
      month: m.month,
      returnPct: r4(100 * m.return)!,
      benchmarkReturnPct: r4(benchMonths.has(m.month) ? 100 * benchMonths.get(m.month)! : null),
    })),
    tradeList: trips.map((r) => {
      const h = held.get(r.exit.id);
      const entryTime = h?.openedAt ?? r.entry?.time ?? r.exit.time;
      return {
        symbol: r.symbol,
        entryTime: new Date(entryTime).toISOString(),
        exitTime: new Date(r.exit.time).toISOString(),
        durationMs: r.exit.time - entryTime,
        reason: r.reason,
        regime: r.regime,
        pnl: toDecimalString(r.pnl),
        pnlPct: h ? r4(100 * h.profitPct) : null,
      };
    }),
  };
}
