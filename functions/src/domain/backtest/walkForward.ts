/**
 * Walk-forward: optimise on each in-sample window, trade the next out-of-sample window with the
 * winner, stitch the out-of-sample results. Each out-of-sample run walks the in-sample candles first
 * as its warm-up (as a live tick walks its history), so it trades from its first candle. The
 * backtest itself is a parameter: this module knows windows and grids, not trading.
 */
import type { Candle } from '../candle.ts';

export type Grid = Readonly<Record<string, readonly unknown[]>>;
export type Point = Readonly<Record<string, unknown>>;

/** Every combination of the grid's values, keys in a stable order. */
export function gridPoints(grid: Grid): Point[] {
  let points: Record<string, unknown>[] = [{}];
  for (const key of Object.keys(grid).sort()) {
    const values = grid[key]!;
    if (values.length === 0) throw new RangeError(`grid: ${key} has no values`);
    points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  }
  return points;
}

/** Apply dotted keys ("risk.stopAtrMult") onto a plain config document. */
export function applyPoint(doc: Readonly<Record<string, unknown>>, point: Point): Record<string, unknown> {
  const out = structuredClone(doc) as Record<string, unknown>;
  for (const [path, value] of Object.entries(point)) {
    const keys = path.split('.');
    let node = out;
    for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
    node[keys.at(-1)!] = value;
  }
  return out;
}

export interface WindowRun {
  totalReturnPct: number;
  sharpe: number | null;
  maxDrawdownPct: number;
  trades: number;
  /** fees paid and realized PnL net of fees, in the quote currency of the run */
  feesPaid: number;
  netPnl: number;
  /** the run's equity after each step: [time, equity] */
  equity: readonly (readonly [number, number])[];
}

export interface WalkForwardWindow {
  inSample: { from: string; to: string };
  outOfSample: { from: string; to: string };
  chosen: Point;
  inSampleResult: Omit<WindowRun, 'equity'>;
  outOfSampleResult: Omit<WindowRun, 'equity'>;
}

export interface WalkForwardResult {
  windows: WalkForwardWindow[];
  /** out-of-sample equity, each window compounding on the previous one's end, starting at 1 */
  stitched: [number, number][];
  outOfSample: {
    totalReturnPct: number;
    maxDrawdownPct: number;
    trades: number;
    /** summed over the windows (each starts from the same initial cash): fees, and PnL before fees */
    feesPaid: number;
    pnlBeforeFees: number;
    /** fees as a share of the PnL before them (null when that is not positive) */
    feesOfGrossPct: number | null;
  };
  inSampleMeanReturnPct: number;
  /** equal-weight buy-and-hold over the out-of-sample span (set by the caller, which owns the benchmark) */
  outOfSampleBenchmark?: { totalReturnPct: number; maxDrawdownPct: number };
}

const DAY = 86_400_000;
/** The candles in [from, to), per symbol. */
export const sliceCandles = (candles: Readonly<Record<string, readonly Candle[]>>, from: number, to: number) =>
  Object.fromEntries(Object.entries(candles).map(([s, cs]) => [s, cs.filter((c) => c.t >= from && c.t < to)]));
const iso = (t: number) => new Date(t).toISOString();
const strip = ({ equity: _e, ...r }: WindowRun) => r;
/** Higher is better: Sharpe, then return. */
const score = (r: WindowRun) => [r.sharpe ?? -Infinity, r.totalReturnPct] as const;

/** One walk-forward window: in sample [start, split), out of sample [split, stop). */
export interface WindowBounds {
  start: number;
  split: number;
  stop: number;
}

/** The windows over the candles: in sample trainDays, then testDays out of sample, stepping by testDays. */
export function windowBounds(
  candles: Readonly<Record<string, readonly Candle[]>>,
  opts: { trainDays: number; testDays: number },
): WindowBounds[] {
  // Each series is ascending: its first and last candles bound it (no spread: a year of 1m candles overflows the stack).
  const nonEmpty = Object.values(candles).filter((cs) => cs.length > 0);
  const start = nonEmpty.reduce((m, cs) => Math.min(m, cs[0]!.t), Infinity);
  // the last candle's close: its open plus the series' step
  const series = nonEmpty.find((cs) => cs.length > 1);
  const stepMs = series ? series[series.length - 1]!.t - series[series.length - 2]!.t : 1;
  const end = nonEmpty.reduce((m, cs) => Math.max(m, cs[cs.length - 1]!.t), -Infinity) + stepMs;
  const out: WindowBounds[] = [];
  for (let s = start; s + (opts.trainDays + opts.testDays) * DAY <= end; s += opts.testDays * DAY) {
    const split = s + opts.trainDays * DAY;
    out.push({ start: s, split, stop: split + opts.testDays * DAY });
  }
  return out;
}

/** Where an out-of-sample run warms up to: the in-sample candles are walked first, no trading. */
export const oosWarmupUntil = (b: WindowBounds) => b.split - 1;

/** A window's chosen point, its in-sample result and its out-of-sample run (equity included, for stitching). */
export interface ChosenWindow {
  bounds: WindowBounds;
  chosen: Point;
  inSample: Omit<WindowRun, 'equity'>;
  outOfSample: WindowRun;
}

/** Stitch the out-of-sample runs: each window compounds on the previous one's end, starting at 1. */
export function stitchWindows(chosen: readonly ChosenWindow[]): WalkForwardResult {
  const windows: WalkForwardWindow[] = [];
  const stitched: [number, number][] = [];
  let level = 1;
  for (const { bounds, chosen: point, inSample, outOfSample: oos } of chosen) {
    const { start: s, split, stop } = bounds;
    // the equity at the split (the last point of the warm-up) is where out of sample starts
    let base = oos.equity[0]?.[1] ?? 1;
    for (const [t, e] of oos.equity) if (t <= split) base = e;
    for (const [t, e] of oos.equity) if (t > split) stitched.push([t, level * (e / base)]);
    level = stitched.at(-1)?.[1] ?? level;
    windows.push({
      inSample: { from: iso(s), to: iso(split) },
      outOfSample: { from: iso(split), to: iso(stop) },
      chosen: point,
      inSampleResult: inSample,
      outOfSampleResult: strip(oos),
    });
  }
  let peak = 1;
  let dd = 0;
  for (const [, v] of stitched) {
    peak = Math.max(peak, v);
    dd = Math.max(dd, (peak - v) / peak);
  }
  const sum = (f: (r: Omit<WindowRun, 'equity'>) => number) => windows.reduce((x, w) => x + f(w.outOfSampleResult), 0);
  const fees = sum((r) => r.feesPaid);
  const beforeFees = sum((r) => r.netPnl) + fees;
  const mean = windows.length ? windows.reduce((x, w) => x + w.inSampleResult.totalReturnPct, 0) / windows.length : 0;
  return {
    windows,
    stitched,
    outOfSample: {
      totalReturnPct: Math.round(1e4 * 100 * (level - 1)) / 1e4,
      maxDrawdownPct: Math.round(1e6 * dd) / 1e4,
      trades: sum((r) => r.trades),
      feesPaid: Math.round(100 * fees) / 100,
      pnlBeforeFees: Math.round(100 * beforeFees) / 100,
      feesOfGrossPct: beforeFees > 0 ? Math.round((1e4 * fees) / beforeFees) / 100 : null,
    },
    inSampleMeanReturnPct: Math.round(1e4 * mean) / 1e4,
  };
}

/** Grid search per window (the backtester's --grid): the best Sharpe in sample, then return. */
export function walkForward(
  candles: Readonly<Record<string, readonly Candle[]>>,
  opts: { trainDays: number; testDays: number; points: readonly Point[] },
  run: (candles: Readonly<Record<string, readonly Candle[]>>, point: Point, warmupUntil?: number) => WindowRun,
): WalkForwardResult {
  const chosen = windowBounds(candles, opts).map((bounds): ChosenWindow => {
    const inSample = sliceCandles(candles, bounds.start, bounds.split);
    let best: { point: Point; run: WindowRun } | null = null;
    for (const point of opts.points) {
      const r = run(inSample, point);
      const [a, b] = score(r);
      if (!best || a > score(best.run)[0] || (a === score(best.run)[0] && b > score(best.run)[1])) best = { point, run: r };
    }
    const outOfSample = run(sliceCandles(candles, bounds.start, bounds.stop), best!.point, oosWarmupUntil(bounds));
    return { bounds, chosen: best!.point, inSample: strip(best!.run), outOfSample };
  });
  return stitchWindows(chosen);
}
