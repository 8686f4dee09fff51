/**
 * The backtester's summary: what `summary.json` holds and `report.html` shows. The shared metrics
 * (PnL, win rate, profit factor, drawdown, exposure, Sharpe, Sortino) come from summarizeTrades, the
 * same code as the dashboard's performance panel; this adds returns, CAGR, Calmar, the per-symbol
 * and per-regime splits, and the equal-weight buy-and-hold benchmark. Money as 8-decimal strings.
 */
import type { Candle } from '../candle.ts';
import { equityPoints, type BacktestResult } from '../engine/backtestLoop.ts';
import { toDecimalString, toNumber, type Amount } from '../money.ts';
import { summarizeTrades } from '../performance/index.ts';
import type { Regime } from '../regime.types.ts';
import type { Trade } from '../trading.types.ts';

const YEAR_MS = 365 * 24 * 3_600_000;
const r4 = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? x : Math.round(x * 1e4) / 1e4);

export interface SplitStats {
  roundTrips: number;
  realizedPnl: string;
  winRatePct: number | null;
  feesPaid: string;
}

export interface BacktestSummary {
  from: string;
  to: string;
  initialCash: string;
  finalEquity: string;
  totalReturnPct: number;
  cagrPct: number | null;
  maxDrawdownPct: number;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
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
  benchmark: { totalReturnPct: number; maxDrawdownPct: number };
}

interface RoundTrip {
  symbol: string;
  regime: Regime | 'unknown';
  pnl: Amount;
  fees: Amount;
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
      out.push({ symbol: t.symbol, regime: (buy && entryRegimes.get(buy.id)) ?? 'unknown', pnl: t.realizedPnl, fees: t.fee + (buy?.fee ?? 0n) });
    }
  }
  return out;
}

function split(trips: readonly RoundTrip[], key: (r: RoundTrip) => string): Record<string, SplitStats> {
  const groups = new Map<string, RoundTrip[]>();
  for (const r of trips) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, rs]) => [k, {
    roundTrips: rs.length,
    realizedPnl: toDecimalString(rs.reduce((s, r) => s + r.pnl, 0n)),
    winRatePct: r4((100 * rs.filter((r) => r.pnl > 0n).length) / rs.length),
    feesPaid: toDecimalString(rs.reduce((s, r) => s + r.fees, 0n)),
  }]));
}

/** Equal weight at the first close of each symbol, held to its last close, no costs, no stops. */
export function benchmark(candles: Readonly<Record<string, readonly Candle[]>>): { totalReturnPct: number; maxDrawdownPct: number; series: [number, number][] } {
  const symbols = Object.keys(candles).filter((s) => candles[s]!.length > 0);
  if (symbols.length === 0) return { totalReturnPct: 0, maxDrawdownPct: 0, series: [] };
  const units = Object.fromEntries(symbols.map((s) => [s, 1 / symbols.length / candles[s]![0]!.c]));
  const times = [...new Set(symbols.flatMap((s) => candles[s]!.map((c) => c.t)))].sort((a, b) => a - b);
  const last: Record<string, number> = Object.fromEntries(symbols.map((s) => [s, candles[s]![0]!.c]));
  const cursor: Record<string, number> = Object.fromEntries(symbols.map((s) => [s, 0]));
  const series: [number, number][] = [];
  let peak = 0;
  let dd = 0;
  for (const t of times) {
    for (const s of symbols) {
      const cs = candles[s]!;
      while (cursor[s]! < cs.length && cs[cursor[s]!]!.t <= t) last[s] = cs[cursor[s]!++]!.c;
    }
    const v = symbols.reduce((sum, s) => sum + units[s]! * last[s]!, 0);
    series.push([t, v]);
    peak = Math.max(peak, v);
    dd = Math.max(dd, (peak - v) / peak);
  }
  return { totalReturnPct: r4(100 * (series.at(-1)![1] - 1))!, maxDrawdownPct: r4(100 * dd)!, series };
}

export function summarizeBacktest(
  result: BacktestResult,
  candles: Readonly<Record<string, readonly Candle[]>>,
  initialCash: Amount,
): BacktestSummary {
  const points = equityPoints(result.equity).map((p) => ({ time: p.t, equity: p.equity }));
  const first = points[0]?.time ?? 0;
  const lastT = points.at(-1)?.time ?? first;
  const finalEquity = points.at(-1)?.equity ?? initialCash;
  const perf = summarizeTrades(result.trades, points);
  const trips = roundTrips(result.trades, result.entryRegimes);
  const ret = toNumber(finalEquity) / toNumber(initialCash);
  const years = (lastT - first) / YEAR_MS;
  const cagrPct = years > 0 && ret > 0 ? 100 * (ret ** (1 / years) - 1) : null;
  const maxDrawdownPct = 100 * perf.maxDrawdownPct;
  const wins = trips.filter((r) => r.pnl > 0n);
  const losses = trips.filter((r) => r.pnl < 0n);
  const gross = (rs: RoundTrip[]) => rs.reduce((s, r) => s + toNumber(r.pnl), 0);
  const bench = benchmark(candles);
  return {
    from: new Date(first).toISOString(),
    to: new Date(lastT).toISOString(),
    initialCash: toDecimalString(initialCash),
    finalEquity: toDecimalString(finalEquity),
    totalReturnPct: r4(100 * (ret - 1))!,
    cagrPct: r4(cagrPct),
    maxDrawdownPct: r4(maxDrawdownPct)!,
    sharpe: r4(perf.sharpe),
    sortino: r4(perf.sortino),
    calmar: cagrPct !== null && maxDrawdownPct > 0 ? r4(cagrPct / maxDrawdownPct) : null,
    winRatePct: trips.length > 0 ? r4((100 * wins.length) / trips.length) : null,
    profitFactor: losses.length > 0 ? r4(gross(wins) / -gross(losses)) : wins.length > 0 ? null : null,
    trades: trips.length,
    fills: result.trades.length,
    exposurePct: perf.exposure === null ? null : r4(100 * perf.exposure),
    feesPaid: toDecimalString(perf.feesPaid),
    killSwitchAt: result.killedAt === null ? null : new Date(result.killedAt).toISOString(),
    dailyLossPauses: result.dailyLossPauses,
    protectionLocks: result.locks.reduce<Record<string, number>>((n, l) => ({ ...n, [l.protection]: (n[l.protection] ?? 0) + 1 }), {}),
    entriesNotTaken: result.skipped,
    perSymbol: split(trips, (r) => r.symbol),
    perRegime: split(trips, (r) => r.regime),
    benchmark: { totalReturnPct: bench.totalReturnPct, maxDrawdownPct: bench.maxDrawdownPct },
  };
}
