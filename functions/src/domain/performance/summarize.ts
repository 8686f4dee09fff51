/**
 * Performance summary of a trading run: the dashboard's panel and the backtester's report both call
 * summarizeTrades, so live and backtest numbers are the same computation.
 * Money stays exact (bigint Amounts); ratios (win rate, profit factor, Sharpe, drawdown %) are
 * statistics and use floats.
 */
import { ONE, ZERO, type Amount } from '../money.ts';
import type { Side } from '../trading.types.ts';

/** The part of a ledger trade the summary needs (a domain Trade fits). */
export interface PerfTrade {
  readonly symbol: string;
  readonly side: Side;
  /** signed change of the position quantity */
  readonly qtyDelta: Amount;
  readonly fee: Amount;
  /** realized PnL of a closing trade, net of fees; 0 for an opening trade */
  readonly realizedPnl: Amount;
  readonly time: number;
}

export interface EquityPoint {
  readonly time: number;
  readonly equity: Amount;
}

/** An open position valued at a mark price, for unrealized PnL. */
export interface MarkedPosition {
  readonly qty: Amount;
  readonly entryPrice: Amount;
  readonly markPrice: Amount;
}

/** qty × (mark − entry), floored toward −∞: never overstates a gain. The dashboard's positions table uses it too. */
export function unrealizedPnl(p: MarkedPosition): Amount {
  const v = p.qty * (p.markPrice - p.entryPrice);
  return v >= ZERO ? v / ONE : -((-v + ONE - 1n) / ONE);
}

export interface PerformanceSummary {
  readonly realizedPnl: Amount;
  /** Σ qty × (mark − entry), rounded down (against the bot) */
  readonly unrealizedPnl: Amount;
  readonly feesPaid: Amount;
  readonly trades: number;
  /** closing trades (realized PnL ≠ 0 or a sell): the round trips that count for win rate */
  readonly closedTrades: number;
  readonly wins: number;
  readonly losses: number;
  /** wins ÷ closed trades; null without closed trades */
  readonly winRate: number | null;
  readonly grossProfit: Amount;
  /** ≤ 0 */
  readonly grossLoss: Amount;
  /** gross profit ÷ |gross loss|; Infinity when there are wins and no losses; null without closed trades */
  readonly profitFactor: number | null;
  readonly avgWin: Amount | null;
  /** ≤ 0; its magnitude rounded up */
  readonly avgLoss: Amount | null;
  readonly peakEquity: Amount | null;
  /** the largest fall from a running peak, in money and as a fraction of that peak */
  readonly maxDrawdown: Amount;
  readonly maxDrawdownPct: number;
  /** fraction of the equity series' span during which some position was open */
  readonly exposure: number | null;
  /** annualized from point-to-point equity returns; null with fewer than 3 points or no variance */
  readonly sharpe: number | null;
  readonly sortino: number | null;
}

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/** a × 1e-8 units → float; statistics only. */
const f = (a: Amount): number => Number(a) / Number(ONE);

/** The largest fall from a running peak (points ascending by time). */
export function drawdown(points: readonly EquityPoint[]): { peak: Amount | null; dd: Amount; ddPct: number } {
  let peak: Amount | null = null;
  let dd = ZERO;
  let ddPct = 0;
  for (const p of points) {
    if (peak === null || p.equity > peak) peak = p.equity;
    const fall = peak - p.equity;
    if (fall > dd) dd = fall;
    if (peak > ZERO && f(fall) / f(peak) > ddPct) ddPct = f(fall) / f(peak);
  }
  return { peak, dd, ddPct };
}

/** Time with a non-zero position in any symbol, over the equity series' span. */
function exposure(trades: readonly PerfTrade[], points: readonly EquityPoint[]): number | null {
  if (points.length < 2) return null;
  const start = points[0]!.time;
  const end = points[points.length - 1]!.time;
  if (end <= start) return null;
  const held = new Map<string, Amount>();
  let openSince: number | null = null;
  let inMarket = 0;
  for (const t of trades) {
    const wasOpen = [...held.values()].some((q) => q !== ZERO);
    held.set(t.symbol, (held.get(t.symbol) ?? ZERO) + t.qtyDelta);
    const isOpen = [...held.values()].some((q) => q !== ZERO);
    if (!wasOpen && isOpen) openSince = t.time;
    if (wasOpen && !isOpen && openSince !== null) {
      inMarket += Math.max(0, Math.min(t.time, end) - Math.max(openSince, start));
      openSince = null;
    }
  }
  if (openSince !== null) inMarket += Math.max(0, end - Math.max(openSince, start));
  return Math.min(1, inMarket / (end - start));
}

export function ratios(points: readonly EquityPoint[]): { sharpe: number | null; sortino: number | null } {
  if (points.length < 3) return { sharpe: null, sortino: null };
  const returns: number[] = [];
  for (let i = 1; i < points.length; i++) {
    const prev = f(points[i - 1]!.equity);
    if (prev > 0) returns.push(f(points[i]!.equity) / prev - 1);
  }
  const span = points[points.length - 1]!.time - points[0]!.time;
  if (returns.length < 2 || span <= 0) return { sharpe: null, sortino: null };
  const perYear = Math.sqrt(YEAR_MS / (span / (points.length - 1)));
  const mean = returns.reduce((s, r) => s + r, 0) / returns.length;
  const sd = Math.sqrt(returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (returns.length - 1));
  const downside = Math.sqrt(returns.reduce((s, r) => s + Math.min(0, r) ** 2, 0) / returns.length);
  return { sharpe: sd > 0 ? (mean / sd) * perYear : null, sortino: downside > 0 ? (mean / downside) * perYear : null };
}

/**
 * trades in any order (sorted here by time); equity points in any order; positions still open,
 * marked at a price, for unrealized PnL.
 */
export function summarizeTrades(
  trades: readonly PerfTrade[],
  equity: readonly EquityPoint[],
  positions: readonly MarkedPosition[] = [],
): PerformanceSummary {
  const ledger = [...trades].sort((a, b) => a.time - b.time);
  const points = [...equity].sort((a, b) => a.time - b.time);
  const closing = ledger.filter((t) => t.realizedPnl !== ZERO || t.side === 'sell');
  const wins = closing.filter((t) => t.realizedPnl > ZERO);
  const losses = closing.filter((t) => t.realizedPnl < ZERO);
  const sum = (xs: readonly PerfTrade[], pick: (t: PerfTrade) => Amount) => xs.reduce((s, t) => s + pick(t), ZERO);
  const grossProfit = sum(wins, (t) => t.realizedPnl);
  const grossLoss = sum(losses, (t) => t.realizedPnl);
  const unrealized = positions.reduce((s, p) => s + unrealizedPnl(p), ZERO);
  const dd = drawdown(points);
  return {
    realizedPnl: sum(ledger, (t) => t.realizedPnl),
    unrealizedPnl: unrealized,
    feesPaid: sum(ledger, (t) => t.fee),
    trades: ledger.length,
    closedTrades: closing.length,
    wins: wins.length,
    losses: losses.length,
    winRate: closing.length > 0 ? wins.length / closing.length : null,
    grossProfit,
    grossLoss,
    profitFactor:
      closing.length === 0 ? null : grossLoss === ZERO ? (grossProfit > ZERO ? Infinity : null) : f(grossProfit) / -f(grossLoss),
    avgWin: wins.length > 0 ? grossProfit / BigInt(wins.length) : null,
    avgLoss: losses.length > 0 ? -((-grossLoss + BigInt(losses.length) - 1n) / BigInt(losses.length)) : null,
    peakEquity: dd.peak,
    maxDrawdown: dd.dd,
    maxDrawdownPct: dd.ddPct,
    exposure: exposure(ledger, points),
    ...ratios(points),
  };
}
