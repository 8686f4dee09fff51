/**
 * The per-symbol step, shared by the live tick and the backtester:
 *
 * 1. Walk every candle not walked yet: indicators (a resumable stream) and regime hysteresis, so a
 *    catch-up tick ends in the same state as one tick per candle.
 * 2. Staleness: the newest closed candle closed more than two timeframes ago. The onset raises one
 *    alert dated when the outage began.
 * 3. Protective exits over every candle after the position's last check (stop, target, trailing),
 *    on the finest candles given: the guard series (1m under coarser decisions) where it exists,
 *    the decision candles before it; the first hit wins (priced by risk/stops.ts: a 1m candle's
 *    close, a coarser candle's level or gapped open).
 * 4. Otherwise the strategy, on the newest closed candle only, and only when that candle is new:
 *    its declared candle window is advanced on every walked candle, its indicators computed once
 *    over that window after the walk, then `advise` (domain/strategy/api.ts).
 *
 * Nothing new is decided for a symbol with an unsettled order. Entries need ATR (to size and place
 * the stop), a fresh feed, a tradable (configured) symbol, no daily-loss pause and a mode that emits
 * entries; exits are emitted whatever the mode (the account step decides what gets published).
 */
import type { Alert } from '../alerts.ts';
import { symbolKey } from '../alerts.ts';
import { timeframeMs, type Candle, type Timeframe } from '../candle.ts';
import { cloneStream, indicatorStreamInit, nextIndicators, type IndicatorStream } from '../indicators/index.ts';
import { modeEmitsEntries } from '../mode.ts';
import { toAmount, type Amount } from '../money.ts';
import { classifyRegime, type ResolvedRegimeParams } from '../regime/index.ts';
import { INITIAL_REGIME_STATE, type IndicatorSnapshot, type Regime, type RegimeState } from '../regime.types.ts';
import type { RiskParams } from '../risk/params.ts';
import { evaluateExit } from '../risk/stops.ts';
import { GUARD_TIMEFRAME } from './guard.ts';
import { LEVEL_BPS, type SignalDraft } from '../signal.ts';
import type { Strategy } from '../strategy/strategy.types.ts';
import { EMPTY_STRATEGY_STATE, pushBar, reseedBars, strategyValues, type StrategyState } from '../strategy/window.ts';
import type { Position, Side, SignalReason, SystemMode } from '../trading.types.ts';

/** An order the tick has published and not yet seen settle. */
export interface PendingOrder {
  readonly signalId: string;
  readonly side: Side;
  /** market time of the tick that published it */
  readonly emittedAt: number;
}

export interface SymbolState {
  readonly timeframe: Timeframe;
  /** open time of the newest candle walked; null before the first */
  readonly lastCandleAt: number | null;
  readonly price: number | null;
  readonly indicators: IndicatorStream;
  readonly regime: RegimeState;
  readonly snapshot: IndicatorSnapshot | null;
  /**
   * [open time, ATR] of candles walked while an order was in flight, so the position's stops can
   * catch up over them once its fill lands; empty otherwise (nothing to catch up).
   */
  readonly recentAtr: readonly (readonly [number, number | null])[];
  readonly staleSince: number | null;
  readonly pending: PendingOrder | null;
  /** the strategy's candle window and its indicators at the newest candle */
  readonly strategy: StrategyState;
}

/** Candles of ATR history kept for catching stops up. */
export const RECENT_ATR = 32;

export function initialSymbolState(timeframe: Timeframe): SymbolState {
  return {
    timeframe,
    lastCandleAt: null,
    price: null,
    indicators: indicatorStreamInit(),
    regime: INITIAL_REGIME_STATE,
    snapshot: null,
    recentAtr: [],
    staleSince: null,
    pending: null,
    strategy: EMPTY_STRATEGY_STATE,
  };
}

/** What a symbol step wants; the account step sizes entries and turns intents into signals. */
export type SignalIntent = Omit<SignalDraft, 'qty'> & {
  /** exits: the whole position; entries: null until sized */
  readonly qty: Amount | null;
  /** entries: the strategy's size hook, in basis points of the risk-based size (1..10 000); absent = all of it */
  readonly sizeBps?: number;
};

export interface SymbolStepInput {
  readonly symbol: string;
  readonly state: SymbolState;
  /** closed candles, ascending; those not after `state.lastCandleAt` only serve to catch stops up */
  readonly candles: readonly Candle[];
  /** the open position with its protective levels, if any */
  readonly position: Position | null;
  /**
   * Finer closed candles for the position's protective checks between decision closes (1m under
   * 4h decisions), ascending; absent when the source has none (the decision candles serve). Decision
   * candles that end before the first guard candle are checked first.
   */
  readonly guard?: { readonly timeframe: Timeframe; readonly candles: readonly Candle[] } | undefined;
  readonly now: number;
  /** false for a held symbol that is no longer configured: protected and valued, never entered */
  readonly tradable: boolean;
  readonly mode: SystemMode;
  readonly entriesPaused: boolean;
  readonly strategy: Strategy;
  readonly risk: RiskParams;
  readonly regime: ResolvedRegimeParams;
  /**
   * The caller hands `state` over and will only use the returned one: its indicator stream and ATR
   * history are advanced in place instead of copied (the backtester's hot path). Same results.
   */
  readonly handOver?: boolean;
}

/** What the step decided with after one decision candle: the chart draws these (stored beside the candle). */
export interface CandleReading {
  readonly t: number;
  readonly ema50: number | null;
  readonly ema200: number | null;
  readonly regime: Regime;
}

export interface SymbolStepResult {
  readonly state: SymbolState;
  /** one per candle walked, ascending; empty when the state was handed over (the backtester stores none) */
  readonly readings: readonly CandleReading[];
  readonly position: Position | null;
  readonly intent: SignalIntent | null;
  readonly stale: boolean;
  /** candles walked this step */
  readonly walked: number;
  readonly alerts: Alert[];
  /** the timeframe the position's stops were checked on this step; null when not checked (no position, order in flight) */
  readonly protectedOn: Timeframe | null;
  /** the newest close this step saw (guard or decision candle): what a held position is marked at */
  readonly mark: Mark | null;
}

export interface Mark {
  readonly price: Amount;
  readonly candleTime: number;
  readonly timeframe: Timeframe;
}

/** A symbol is stale when its newest closed candle closed more than two timeframes ago. */
export function isStale(lastCandleAt: number | null, now: number, tf: Timeframe): boolean {
  if (lastCandleAt === null) return true;
  const step = timeframeMs(tf);
  return now - (lastCandleAt + step) > 2 * step;
}

/** ATR as an Amount, or null when not warmed up (or degenerate). */
export function atrAmount(atr: number | null): Amount | null {
  if (atr === null || !Number.isFinite(atr) || atr <= 0) return null;
  const a = toAmount(atr, 'up');
  return a > 0n ? a : null;
}

type AtrHistory = readonly (readonly [number, number | null])[];

function atrAt(recent: AtrHistory, t: number): number | null {
  for (let i = recent.length - 1; i >= 0; i--) if (recent[i]![0] === t) return recent[i]![1];
  return null;
}

/** The ATR of the newest decision candle closed by `t` (a guard candle's open): what was known then. */
function atrKnownAt(t: number, step: number, lists: readonly AtrHistory[], fallback: number | null): number | null {
  let bestT = -Infinity;
  let best: number | null = fallback;
  for (const list of lists)
    for (const [ct, atr] of list)
      if (ct + step <= t && ct > bestT) {
        bestT = ct;
        best = atr;
      }
  return best;
}

export function symbolStep(input: SymbolStepInput): SymbolStepResult {
  const { symbol, state, candles, now, strategy, risk } = input;
  const tf = state.timeframe;
  const step = timeframeMs(tf);
  // the last decision candle's ATR before this step (a handed-over snapshot is overwritten in place below)
  const beforeAt = state.lastCandleAt;
  const beforeAtr = state.snapshot?.atr ?? null;
  const stream = input.handOver ? state.indicators : cloneStream(state.indicators);
  let regime = state.regime;
  let snapshot = state.snapshot;
  let lastCandleAt = state.lastCandleAt;
  let price = state.price;
  const window = strategy.window;
  const stored = state.strategy.bars;
  let bars = window.size > 0 && state.lastCandleAt !== null ? reseedBars(stored, candles, state.lastCandleAt, window) : stored;
  // the first push copies the stored arrays unless handed over (or just rebuilt); later pushes extend that copy
  let ownBars = input.handOver === true || bars !== stored;
  // Each walked candle's ATR is kept only when stops may need it: a position is held (this step's
  // checks) or an order is in flight (the next steps' catch-up). No allocation per candle otherwise.
  const walkedAtr: (readonly [number, number | null])[] | null = input.position || state.pending ? [] : null;
  // handed over: the backtester stores no readings, so none are collected
  const readings: CandleReading[] | null = input.handOver ? null : [];
  let walked = 0;
  // Indexed loops over the candles: for-of allocates an iterator per call here (one array per symbol or a frozen empty one).
  for (let i = 0; i < candles.length; i++) {
    const c = candles[i]!;
    if (lastCandleAt !== null && c.t <= lastCandleAt) continue;
    // handed over: the previous snapshot object is nobody else's, so it is overwritten in place
    snapshot = nextIndicators(stream, c, input.handOver ? (snapshot ?? undefined) : undefined);
    regime = classifyRegime(snapshot, regime, input.regime);
    walkedAtr?.push([c.t, snapshot.atr]);
    if (window.size > 0) {
      bars = pushBar(bars, c, window, ownBars);
      ownBars = true;
    }
    readings?.push({ t: c.t, ema50: snapshot.ema50, ema200: snapshot.ema200, regime: regime.regime });
    lastCandleAt = c.t;
    price = c.c;
    walked++;
  }
  // Persisted only while an order is in flight; the step that sees its fill catches the stops up and is done with it.
  const recentAtr: SymbolState['recentAtr'] = state.pending ? [...state.recentAtr, ...walkedAtr!].slice(-RECENT_ATR) : NO_ATRS;
  const history = state.recentAtr;
  const strategyState: StrategyState =
    window.size === 0
      ? EMPTY_STRATEGY_STATE
      : walked === 0 && bars === stored
        ? state.strategy
        : { bars, values: strategyValues(strategy, bars) };

  const stale = isStale(lastCandleAt, now, tf);
  const staleSince = stale ? (state.staleSince ?? now) : null;
  const alerts = stale && state.staleSince === null ? [staleAlert(symbol, lastCandleAt, now, tf)] : NO_ALERTS;
  let next: SymbolState;
  if (input.handOver) {
    // Handed over: advance the caller's object in place (no new state per candle on the backtester's hot path).
    const m = state as { -readonly [K in keyof SymbolState]: SymbolState[K] };
    m.lastCandleAt = lastCandleAt;
    m.price = price;
    m.regime = regime;
    m.snapshot = snapshot;
    m.recentAtr = recentAtr;
    m.staleSince = staleSince;
    m.strategy = strategyState;
    next = m;
  } else {
    next = {
      timeframe: tf,
      lastCandleAt,
      price,
      indicators: stream,
      regime,
      snapshot,
      recentAtr,
      staleSince,
      pending: state.pending,
      strategy: strategyState,
    };
  }
  const position0 = input.position;
  const guard = position0 && input.guard ? input.guard : null;
  const out: { -readonly [K in keyof SymbolStepResult]: SymbolStepResult[K] } = {
    state: next,
    readings: readings ?? NO_READINGS,
    position: position0,
    intent: null,
    stale,
    walked,
    alerts,
    protectedOn: null,
    mark: markOf(input, walked, lastCandleAt, guard),
  };
  if (state.pending) return out;

  let position = position0;
  if (position) {
    out.protectedOn = guard ? guard.timeframe : tf;
    // Decision candles first, up to where the guard series begins; then the guard candles.
    const guardFrom = guard?.candles[0]?.t ?? Infinity;
    for (let i = 0; i < candles.length; i++) {
      const c = candles[i]!;
      if (c.t + step <= position.checkedUntil || (lastCandleAt !== null && c.t > lastCandleAt)) continue;
      if (c.t + step > guardFrom) break;
      const atr = atrAmount(atrAt(walkedAtr!, c.t) ?? atrAt(history, c.t) ?? snapshot?.atr ?? null);
      const evaluated = evaluateExit(position, c, atr, risk, tf === GUARD_TIMEFRAME);
      position = { ...evaluated.position, checkedUntil: c.t + step };
      out.position = position;
      if (evaluated.exit) {
        out.intent = intentOf(input, tf, evaluated.exit.reason, 'sell', c.t, evaluated.exit.price, atr, position.qty);
        return out;
      }
    }
    if (guard) {
      const gStep = timeframeMs(guard.timeframe);
      const before: AtrHistory = beforeAt === null ? NO_ATRS : [[beforeAt, beforeAtr]];
      for (const g of guard.candles) {
        if (g.t + gStep <= position.checkedUntil) continue;
        const atr = atrAmount(atrKnownAt(g.t, step, [history, before, walkedAtr!], snapshot?.atr ?? null));
        const evaluated = evaluateExit(position, g, atr, risk, guard.timeframe === GUARD_TIMEFRAME);
        position = { ...evaluated.position, checkedUntil: g.t + gStep };
        out.position = position;
        if (evaluated.exit) {
          out.intent = intentOf(input, guard.timeframe, evaluated.exit.reason, 'sell', g.t, evaluated.exit.price, atr, position.qty);
          return out;
        }
      }
    }
  }

  const newest = candles.at(-1);
  if (walked === 0 || !snapshot || !newest || newest.t !== lastCandleAt) return out;
  const advice = strategy.advise({
    regime: regime.regime,
    market: snapshot,
    indicators: strategyState.values,
    history: strategyState.bars,
    hasPosition: position !== null,
  });
  if (advice.action === 'hold') return out;
  const atr = atrAmount(snapshot.atr);
  if (advice.action === 'exit' && position)
    out.intent = intentOf(input, tf, advice.reason, 'sell', newest.t, toAmount(newest.c), atr, position.qty);
  else if (
    advice.action === 'enter_long' &&
    !position &&
    atr !== null &&
    !stale &&
    input.tradable &&
    !input.entriesPaused &&
    modeEmitsEntries(input.mode)
  ) {
    const intent = intentOf(input, tf, advice.reason, 'buy', newest.t, toAmount(newest.c), atr, null);
    out.intent = {
      ...intent,
      ...(advice.size === undefined ? {} : { sizeBps: sizeBps(advice.size) }),
      ...levelBps('stopAtrBps', advice.stop),
      ...levelBps('targetAtrBps', advice.target),
    };
  }
  return out;
}

/** The size hook's fraction in whole basis points; anything not a number in (0, 1] is clamped (0 refuses the entry, over 1 is the risk size). */
function sizeBps(fraction: number): number {
  return Number.isFinite(fraction) ? Math.min(10_000, Math.max(0, Math.floor(fraction * 10_000))) : 0;
}

/** The stop hook's ATR multiple in whole basis points, clamped to what a signal carries; not a number: the risk's level. */
function levelBps<K extends 'stopAtrBps' | 'targetAtrBps'>(key: K, atrs: number | undefined): Partial<Record<K, number>> {
  if (atrs === undefined || !Number.isFinite(atrs)) return {};
  return { [key]: Math.min(LEVEL_BPS.max, Math.max(LEVEL_BPS.min, Math.round(atrs * 10_000))) } as Partial<Record<K, number>>;
}

const NO_ALERTS: Alert[] = [];
const NO_ATRS: SymbolState['recentAtr'] = Object.freeze([]);
const NO_READINGS: readonly CandleReading[] = Object.freeze([]);

function staleAlert(symbol: string, lastCandleAt: number | null, now: number, tf: Timeframe): Alert {
  return {
    id: `stale_${symbolKey(symbol)}_${now}`,
    kind: 'stale_feed',
    severity: 'warning',
    symbol,
    createdAt: now,
    message: `${symbol}: no closed candle since ${lastCandleAt === null ? 'start' : new Date(lastCandleAt + timeframeMs(tf)).toISOString()}; no new entries`,
  };
}

function intentOf(
  input: SymbolStepInput,
  timeframe: Timeframe,
  reason: SignalReason,
  side: Side,
  candleTime: number,
  refPrice: Amount,
  atr: Amount | null,
  qty: Amount | null,
): SignalIntent {
  return {
    strategyVersion: input.strategy.version,
    symbol: input.symbol,
    timeframe,
    candleTime,
    side,
    reason,
    refPrice,
    atr: atr ?? 0n,
    qty,
  };
}

/** The newest close seen this step: the newest walked decision candle or unchecked guard candle, whichever closed last. */
function markOf(input: SymbolStepInput, walked: number, lastCandleAt: number | null, guard: SymbolStepInput['guard'] | null): Mark | null {
  const tf = input.state.timeframe;
  let mark: Mark | null = null;
  let closesAt = -Infinity;
  if (walked > 0 && lastCandleAt !== null) {
    const newest = input.candles.at(-1)!;
    mark = { price: toAmount(newest.c), candleTime: newest.t, timeframe: tf };
    closesAt = newest.t + timeframeMs(tf);
  }
  const g = guard?.candles.at(-1);
  if (guard && g && g.t + timeframeMs(guard.timeframe) > Math.max(closesAt, input.position!.checkedUntil)) {
    mark = { price: toAmount(g.c), candleTime: g.t, timeframe: guard.timeframe };
  }
  return mark;
}
