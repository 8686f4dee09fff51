/**
 * The backtest driver: the engine's steps over candle series, with fills applied at once.
 * Per time step (symbols in alphabetical order), exactly what a live tick followed by executeOrder
 * does: the engine step (engineStep.ts: every symbol's step, then the account step) → for each
 * published signal planOrder → paperFill → applyFill. A step happens at every decision close and at
 * every extra tick time (the Scheduler's ticks between decision closes); each step feeds the decision candles closed by then and, for held
 * symbols, the guard candles (1m) closed by then, as the live tick fetches them. `warmupUntil` feeds
 * every candle up to that time in the first step, as a live tick's first run walks its history window.
 */
import { timeframeMs, type Candle, type Timeframe } from '../candle.ts';
import type { Amount } from '../money.ts';
import { applyFill } from '../portfolio/applyFill.ts';
import { openingBook, type Book } from '../portfolio/book.ts';
import { paperFill } from '../portfolio/paperFill.ts';
import { planOrder, type OrderRejectReason } from '../portfolio/planOrder.ts';
import { EMPTY_PROTECTIONS, type Lock, type ProtectionParams, type ProtectionState } from '../protections/index.ts';
import type { ResolvedRegimeParams } from '../regime/index.ts';
import type { Regime, RegimeState } from '../regime.types.ts';
import type { RiskParams } from '../risk/params.ts';
import type { Strategy } from '../strategy/strategy.types.ts';
import type { MarketRules } from '../marketRules.ts';
import type { Signal, SystemMode, Trade } from '../trading.types.ts';
import type { ExecutionParams } from './accountStep.ts';
import { signalPriceMismatch } from './checkSignal.ts';
import { atCurrentPrice, takeProfitBelowTarget } from './currentPrice.ts';
import { engineStep, type SymbolSlot } from './engineStep.ts';
import { initialSymbolState, type SymbolState } from './symbolStep.ts';

export interface BacktestInput {
  readonly timeframe: Timeframe;
  /** per symbol, strictly ascending by open time */
  readonly candles: Readonly<Record<string, readonly Candle[]>>;
  readonly strategy: Strategy;
  readonly risk: RiskParams;
  readonly regime: ResolvedRegimeParams;
  readonly rulesFor: (symbol: string) => MarketRules | null;
  readonly feeBps: number;
  readonly slippageBps: number;
  readonly initialCash: Amount;
  readonly mode?: SystemMode;
  /** candles with open time ≤ this are walked in the first step, as a cold live tick does */
  readonly warmupUntil?: number;
  /** finer candles per symbol (1m) for the protective checks between decision closes, fed for held symbols only (as the tick fetches them) */
  readonly guard?: { readonly timeframe: Timeframe; readonly candles: Readonly<Record<string, readonly Candle[]>> } | undefined;
  /** extra step times (market time), the Scheduler's ticks between decision closes; steps at decision closes happen anyway */
  readonly tickTimes?: readonly number[] | undefined;
  /** the protections (config/bot.protections); absent: off */
  readonly protections?: ProtectionParams | undefined;
  /** where to start instead of a fresh book and cold symbols: the shadow backtest starts from the book and engine memory the live bot started its day with */
  readonly start?: { readonly book: Book; readonly states: Readonly<Record<string, SymbolState>> } | undefined;
  /** called after each step with each symbol's state (reports: regimes, indicators) */
  readonly onStep?: (t: number, states: Readonly<Record<string, SymbolState>>) => void;
}

/** One row per step, in columns (a million-step run allocates no per-step objects). */
export interface EquitySeries {
  readonly length: number;
  /** the step's time (close of its candles) */
  readonly t: Float64Array;
  readonly equity: BigInt64Array;
  readonly cash: BigInt64Array;
  readonly drawdownPct: Float64Array;
  /** 1 from the step the kill switch fired */
  readonly killed: Uint8Array;
}

export interface EquityPoint {
  readonly t: number;
  readonly equity: Amount;
  readonly cash: Amount;
  readonly drawdownPct: number;
  readonly killed: boolean;
}

/** The rows as objects, for reports and tests. */
export function equityPoints(e: EquitySeries): EquityPoint[] {
  return Array.from({ length: e.length }, (_, i) => ({
    t: e.t[i]!,
    equity: e.equity[i]!,
    cash: e.cash[i]!,
    drawdownPct: e.drawdownPct[i]!,
    killed: e.killed[i] === 1,
  }));
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
  /** entries the account step did not take, counted by reason (one per candle they were wanted on) */
  readonly skipped: Readonly<Record<string, number>>;
  readonly equity: EquitySeries;
  readonly regimes: Readonly<Record<string, RegimeState>>;
  /** the confirmed regime of each entry's symbol when it filled, by trade id */
  readonly entryRegimes: ReadonlyMap<string, Regime>;
  /** step time at which the kill switch fired, null if it never did */
  readonly killedAt: number | null;
  readonly dailyLossPauses: number;
  readonly maxDrawdownPct: number;
  /** every lock the protections placed, in order */
  readonly locks: readonly Lock[];
}

const NO_CANDLES: readonly Candle[] = Object.freeze([]);

/** Market times at which the engine steps: every decision close, plus the tick times after the first step. */
function stepNows(decisionOpens: Float64Array, tf: number, tickTimes: readonly number[] | undefined): Float64Array {
  if (!tickTimes || tickTimes.length === 0 || decisionOpens.length === 0) return decisionOpens.map((t) => t + tf);
  const first = decisionOpens[0]! + tf;
  const all = new Float64Array(decisionOpens.length + tickTimes.length);
  let n = 0;
  for (const t of decisionOpens) all[n++] = t + tf;
  for (const t of tickTimes) if (t > first) all[n++] = t;
  return sortedUnique(all.subarray(0, n));
}

/**
 * Step times (open times): the first is the warm-up batch (if any), then one per distinct candle time.
 * Each series is ascending, so they are merged (not concatenated and sorted: a sort per backtest was
 * 3–4 % of an optimiser trial).
 */
function stepTimes(candles: BacktestInput['candles'], warmupUntil: number | undefined): Float64Array {
  const lists = Object.entries(candles);
  let n = 0;
  for (const [symbol, series] of lists) {
    for (let i = 0; i < series.length; i++) {
      const t = series[i]!.t;
      // (a time that is not a finite number would never be passed by the merge below)
      if (!Number.isFinite(t) || (i > 0 && t <= series[i - 1]!.t))
        throw new RangeError(`${symbol}: candle times must be finite and strictly ascending (at index ${i})`);
    }
    n += series.length;
  }
  // candles of the warm-up batch step at warmupUntil: still ascending (not strictly) per series
  const time = (t: number) => (warmupUntil !== undefined && t <= warmupUntil ? warmupUntil : t);
  const out = new Float64Array(n);
  const at = new Int32Array(lists.length);
  let u = 0;
  for (;;) {
    let next = Infinity;
    for (let k = 0; k < lists.length; k++) {
      const series = lists[k]![1];
      if (at[k]! < series.length) next = Math.min(next, time(series[at[k]!]!.t));
    }
    if (next === Infinity) return out.subarray(0, u);
    out[u++] = next;
    for (let k = 0; k < lists.length; k++) {
      const series = lists[k]![1];
      while (at[k]! < series.length && time(series[at[k]!]!.t) === next) at[k]!++;
    }
  }
}

/** The times ascending, each once (in place). One symbol (or symbols in lockstep order) is already ascending: no sort then. */
function sortedUnique(all: Float64Array): Float64Array {
  const n = all.length;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (all[i]! < all[i - 1]!) sorted = false;
  if (!sorted) all.sort();
  let u = 0;
  for (let i = 0; i < n; i++) if (i === 0 || all[i] !== all[i - 1]) all[u++] = all[i]!;
  return all.subarray(0, u);
}

/** The candle with open time `t`, searching back from the cursor (signals refer to recent candles). */
function candleAt(series: readonly Candle[], end: number, t: number): Candle | null {
  for (let i = end - 1; i >= 0; i--) {
    const c = series[i]!;
    if (c.t === t) return c;
    if (c.t < t) return null;
  }
  return null;
}

export function backtestLoop(input: BacktestInput): BacktestResult {
  const { timeframe, strategy, risk, feeBps, slippageBps } = input;
  const tf = timeframeMs(timeframe);
  const symbols = Object.keys(input.candles).sort();
  const nows = stepNows(stepTimes(input.candles, input.warmupUntil), tf, input.tickTimes);
  const guard = input.guard;
  const guardTf = guard ? timeframeMs(guard.timeframe) : 0;
  const guardOf = symbols.map((s) => guard?.candles[s] ?? []);
  const guardCursor = new Int32Array(symbols.length);
  const params: ExecutionParams = { risk, feeBps, slippageBps, rulesFor: input.rulesFor };
  const states: Record<string, SymbolState> = Object.fromEntries(
    symbols.map((s) => [s, input.start?.states[s] ?? initialSymbolState(timeframe)]),
  );
  const seriesOf = symbols.map((s) => input.candles[s]!);
  const cursor = new Int32Array(symbols.length);
  // Each symbol's step input, reused and updated in place every step (the engine step keeps none of it).
  const slots: SymbolSlot[] = symbols.map((symbol) => ({
    symbol,
    state: states[symbol]!,
    candles: [],
    position: null,
    now: 0,
    tradable: true,
    mode: 'NORMAL',
    entriesPaused: false,
    strategy,
    risk,
    regime: input.regime,
    handOver: true,
  }));
  const noPending = new Map<string, never>();

  let book = input.start?.book ?? openingBook(input.initialCash, nows.length > 0 ? nows[0]! : 0, input.mode ?? 'NORMAL');
  const trades: Trade[] = [];
  const signals: Signal[] = [];
  const rejections: Rejection[] = [];
  const skipped: Record<string, number> = {};
  const n = nows.length;
  const equity: EquitySeries = {
    length: n,
    t: new Float64Array(n),
    equity: new BigInt64Array(n),
    cash: new BigInt64Array(n),
    drawdownPct: new Float64Array(n),
    killed: new Uint8Array(n),
  };
  const ones: Candle[][] = symbols.map(() => []);
  let killedAt: number | null = null;
  const entryRegimes = new Map<string, Regime>();
  let dailyLossPauses = 0;
  let maxDrawdownPct = 0;
  const protection: { params: ProtectionParams; state: ProtectionState } | null = input.protections
    ? { params: input.protections, state: EMPTY_PROTECTIONS }
    : null;
  const locks: Lock[] = [];

  for (let step = 0; step < n; step++) {
    const now = nows[step]!;
    const t = now - tf;
    for (let k = 0; k < symbols.length; k++) {
      const series = seriesOf[k]!;
      const start = cursor[k]!;
      let end = start;
      while (end < series.length && series[end]!.t <= t) end++;
      cursor[k] = end;
      const slot = slots[k]!;
      // One candle per step is the hot path: reuse one array per symbol instead of slicing.
      if (end === start) {
        slot.candles = NO_CANDLES;
      } else if (end - start === 1) {
        ones[k]![0] = series[start]!;
        slot.candles = ones[k]!;
      } else {
        slot.candles = series.slice(start, end);
      }
      if (guard) {
        // Guard candles closed by now: checked for a held symbol, passed over otherwise (the tick fetches none then).
        const gs = guardOf[k]!;
        const from = guardCursor[k]!;
        let to = from;
        while (to < gs.length && gs[to]!.t + guardTf <= now) to++;
        guardCursor[k] = to;
        slot.guard = book.positions[symbols[k]!] && to > from ? { timeframe: guard.timeframe, candles: gs.slice(from, to) } : undefined;
      }
    }
    const pausedBefore = book.entriesPausedUntil;
    const stepped = engineStep({ book, slots, pending: noPending, now, params, protections: protection ?? undefined });
    const account = stepped.account;
    if (protection) protection.state = stepped.protections;
    // (indexed: for-of over the step's lists, mostly frozen empty ones, allocates an iterator per step)
    for (let i = 0; i < stepped.locked.length; i++) locks.push(stepped.locked[i]!);
    book = account.book;
    if (account.modeChange?.mode === 'KILLED' && killedAt === null) killedAt = now;
    if (book.entriesPausedUntil !== null && book.entriesPausedUntil !== pausedBefore) dailyLossPauses++;
    for (let i = 0; i < account.skipped.length; i++) {
      const reason = account.skipped[i]!.reason;
      skipped[reason] = (skipped[reason] ?? 0) + 1;
    }
    for (let i = 0; i < account.signals.length; i++) signals.push(account.signals[i]!);
    equity.t[step] = now;
    equity.equity[step] = book.wallet.equity;
    equity.cash[step] = book.wallet.cash;
    equity.drawdownPct[step] = account.limits.drawdownPct;
    equity.killed[step] = book.mode === 'KILLED' ? 1 : 0;
    maxDrawdownPct = Math.max(maxDrawdownPct, account.limits.drawdownPct);
    for (let i = 0; i < account.publish.length; i++) {
      const published = account.publish[i]!;
      // The executor's price and time checks, as live: the signal must fit its own candle (a 1m guard
      // candle for a protective exit on one) and be current (fills here always are: a refusal means
      // the engine emitted an old or forged signal).
      const k = symbols.indexOf(published.symbol);
      const onGuard = guard !== undefined && published.timeframe === guard.timeframe && published.timeframe !== timeframe;
      const [series, end] = onGuard ? [guardOf[k]!, guardCursor[k]!] : [seriesOf[k]!, cursor[k]!];
      const mismatch = signalPriceMismatch(published, candleAt(series, end, published.candleTime));
      if (mismatch) throw new Error(`engine emitted a signal its own candle contradicts: ${mismatch}`);
      const newest = (onGuard || published.timeframe === timeframe) && end > 0 ? series[end - 1]! : null;
      const current = atCurrentPrice(published, now, newest);
      if (current.kind === 'refused') throw new Error(`engine emitted a signal that is not current: ${current.reason}`);
      const belowTarget = takeProfitBelowTarget(published, book.positions[published.symbol]);
      if (belowTarget) throw new Error(`engine emitted a take-profit below its target: ${belowTarget}`);
      const signal = current.signal;
      const rules = input.rulesFor(signal.symbol);
      const ctx = { risk, rules, feeBps, slippageBps };
      const plan = planOrder(book, signal, ctx);
      if (plan.kind === 'rejected') {
        rejections.push({ signal, reason: plan.reason, detail: plan.detail });
        continue;
      }
      const applied = applyFill(
        book,
        signal,
        paperFill({ side: signal.side, refPrice: signal.refPrice, qty: plan.qty, feeBps, slippageBps }),
        ctx,
      );
      book = applied.book;
      trades.push(applied.trade);
      if (signal.side === 'buy') entryRegimes.set(applied.trade.id, states[signal.symbol]!.regime.regime);
    }
    input.onStep?.(now, states);
  }
  const regimes = Object.fromEntries(symbols.map((s) => [s, states[s]!.regime]));
  return { book, trades, signals, rejections, skipped, equity, regimes, entryRegimes, killedAt, dailyLossPauses, maxDrawdownPct, locks };
}
