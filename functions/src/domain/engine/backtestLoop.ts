/**
 * A pure backtest over closed candles for one or more symbols, wiring the same functions the live
 * system uses: decideOnCandle (tick) → planOrder → paperFill → applyFill (executeOrder) →
 * markToMarket → riskLimits. Candles are processed in time order; at one time, symbols in
 * alphabetical order; signals execute immediately at the candle close ("now" = close time).
 *
 * After each time step, the book is marked at the closes. Kill switch (drawdown from peak beyond
 * the limit): mode → KILLED and every position is sold at the close with reason kill_switch; while
 * KILLED the book stays flat. Daily loss limit: entries paused until the next 00:00 UTC.
 * Feeds are never stale here (the candles are what they are).
 */
import type { RiskParams } from '../../config/schema.ts';
import { timeframeMs, type Candle, type Timeframe } from '../candle.ts';
import { transitionMode } from '../mode.ts';
import { toAmount, type Amount } from '../money.ts';
import { applyFill } from '../portfolio/applyFill.ts';
import { openingBook, type Book } from '../portfolio/book.ts';
import { markToMarket } from '../portfolio/markToMarket.ts';
import { paperFill } from '../portfolio/paperFill.ts';
import { planOrder, type OrderRejectReason } from '../portfolio/planOrder.ts';
import type { IndicatorSnapshot, Regime } from '../regime.types.ts';
import { nextUtcDayStart, riskLimits } from '../risk/limits.ts';
import type { Strategy } from '../strategy/strategy.types.ts';
import type { MarketRules, Signal, SystemMode, Trade } from '../trading.types.ts';
import { decideOnCandle } from './decideOnCandle.ts';
import { killSwitchSignals } from './killSwitch.ts';

/** One closed candle with its indicators and (already classified) regime. */
export interface BacktestBar {
  readonly candle: Candle;
  readonly indicators: IndicatorSnapshot;
  readonly regime: Regime;
}

export interface BacktestInput {
  readonly timeframe: Timeframe;
  /** per symbol, ascending by candle time */
  readonly bars: Readonly<Record<string, readonly BacktestBar[]>>;
  readonly strategy: Strategy;
  readonly risk: RiskParams;
  readonly markets: Readonly<Record<string, MarketRules>>;
  readonly defaultMarket: MarketRules;
  readonly feeBps: number;
  readonly slippageBps: number;
  readonly initialCash: Amount;
  readonly mode?: SystemMode;
}

export interface EquityPoint {
  /** close time of the step's candles */
  readonly t: number;
  readonly equity: Amount;
  readonly cash: Amount;
  readonly drawdownPct: number;
  readonly mode: SystemMode;
}

export interface Rejection {
  readonly signal: Signal;
  readonly reason: OrderRejectReason;
  readonly detail: string;
}

export interface BacktestResult {
  readonly book: Book;
  readonly trades: readonly Trade[];
  readonly signals: readonly Signal[];
  readonly rejections: readonly Rejection[];
  readonly equity: readonly EquityPoint[];
  /** close time of the candle at which the kill switch fired, null if it never did */
  readonly killedAt: number | null;
  readonly maxDrawdownPct: number;
}

function stepTimes(bars: BacktestInput['bars']): number[] {
  const times = new Set<number>();
  for (const [symbol, series] of Object.entries(bars)) {
    for (let i = 0; i < series.length; i++) {
      const t = series[i]!.candle.t;
      if (i > 0 && t <= series[i - 1]!.candle.t) throw new RangeError(`${symbol}: bars must be strictly ascending (at index ${i})`);
      if (series[i]!.indicators.t !== t) throw new RangeError(`${symbol}: indicators at index ${i} belong to another candle`);
      times.add(t);
    }
  }
  return [...times].sort((a, b) => a - b);
}

export function backtestLoop(input: BacktestInput): BacktestResult {
  const { timeframe, bars, strategy, risk, feeBps, slippageBps } = input;
  const tf = timeframeMs(timeframe);
  const times = stepTimes(bars);
  const symbols = Object.keys(bars).sort();
  const cursor: Record<string, number> = Object.fromEntries(symbols.map((s) => [s, 0]));

  let book = openingBook(input.initialCash, times.length > 0 ? times[0]! : 0, input.mode ?? 'NORMAL');
  const trades: Trade[] = [];
  const signals: Signal[] = [];
  const rejections: Rejection[] = [];
  const equity: EquityPoint[] = [];
  let killedAt: number | null = null;
  let maxDrawdownPct = 0;

  const execute = (signal: Signal, now: number): void => {
    signals.push(signal);
    const rules = input.markets[signal.symbol] ?? input.defaultMarket;
    const plan = planOrder(book, signal, { risk, rules, feeBps, slippageBps }, now);
    if (plan.kind === 'rejected') {
      rejections.push({ signal, reason: plan.reason, detail: plan.detail });
      return;
    }
    const fill = paperFill({ side: signal.side, refPrice: signal.refPrice, qty: plan.qty, feeBps, slippageBps });
    const applied = applyFill(book, signal, fill, risk, now);
    book = applied.book;
    trades.push(applied.trade);
  };

  for (const t of times) {
    const now = t + tf;
    const closes: Record<string, Amount> = {};
    for (const symbol of symbols) {
      const bar = bars[symbol]![cursor[symbol]!];
      if (!bar || bar.candle.t !== t) continue;
      cursor[symbol]! += 1;
      closes[symbol] = toAmount(bar.candle.c);
      const decision = decideOnCandle({
        symbol, timeframe, candle: bar.candle, indicators: bar.indicators, regime: bar.regime,
        position: book.positions[symbol] ?? null, mode: book.mode,
        entriesPaused: book.entriesPausedUntil !== null && now < book.entriesPausedUntil,
        stale: false, strategy, risk, now,
      });
      if (decision.position) book = { ...book, positions: { ...book.positions, [symbol]: decision.position } };
      for (const s of decision.signals) execute(s, now);
    }

    book = { ...book, wallet: markToMarket(book.wallet, book.positions, closes, now) };
    const limits = riskLimits(book.wallet, risk);
    if (limits.killSwitch || book.mode === 'KILLED') {
      if (book.mode !== 'KILLED') {
        book = { ...book, mode: transitionMode(book.mode, { type: 'kill_switch' }).mode };
        killedAt = now;
      }
      for (const s of killSwitchSignals({ positions: book.positions, timeframe, candleTime: t, prices: closes, now })) execute(s, now);
      book = { ...book, wallet: markToMarket(book.wallet, book.positions, closes, now) };
    } else if (limits.dailyLossHit && (book.entriesPausedUntil === null || now >= book.entriesPausedUntil)) {
      book = { ...book, entriesPausedUntil: nextUtcDayStart(now) };
    } else if (book.entriesPausedUntil !== null && now >= book.entriesPausedUntil) {
      book = { ...book, entriesPausedUntil: null };
    }
    const after = riskLimits(book.wallet, risk);
    maxDrawdownPct = Math.max(maxDrawdownPct, limits.drawdownPct, after.drawdownPct);
    equity.push({ t: now, equity: book.wallet.equity, cash: book.wallet.cash, drawdownPct: after.drawdownPct, mode: book.mode });
  }
  return { book, trades, signals, rejections, equity, killedAt, maxDrawdownPct };
}
