/**
 * The shadow backtest's replay of one UTC day: backtestLoop from the state the live bot started the
 * day with (its book and engine memory, recorded by the day's first tick), over the day's stored
 * candles, stepping at the live ticks' market times. The live tick and this replay then ran the same
 * engine on the same inputs, so their trades must be the same (compare.ts).
 */
import { lastClosedOpenTime, timeframeMs, type Candle, type Timeframe } from '../candle.ts';
import { backtestLoop, type BacktestInput, type BacktestResult } from '../engine/backtestLoop.ts';
import { withGuard, type Guard } from '../engine/guard.ts';
import type { SymbolState } from '../engine/symbolStep.ts';
import type { Book } from '../portfolio/book.ts';
import type { ShadowEvent } from './compare.ts';

/** What the first tick of a UTC day read before stepping: the day's starting point. */
export interface DayStart {
  /** yyyymmdd */
  readonly day: string;
  /** market time of the tick that recorded it */
  readonly at: number;
  /** mode, pause, marks, ledger and booked positions (without guards); wallet.tradeSeq is the day's first ledger sequence - 1 */
  readonly book: Book;
  readonly symbols: Readonly<Record<string, { readonly state: SymbolState; readonly guard: Guard | null }>>;
}

const DAY_MS = 86_400_000;

export function dayBounds(day: string): { start: number; end: number } {
  if (!/^\d{8}$/.test(day)) throw new RangeError(`day must be yyyymmdd, got ${day}`);
  const start = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8)));
  if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10).replaceAll('-', '') !== day)
    throw new RangeError(`no such day: ${day}`);
  return { start, end: start + DAY_MS };
}

/**
 * The candles the replay reads (open time in [from, to)): decision candles from the oldest one a
 * symbol still has to walk (a whole history window for a symbol the tick had not walked yet), guard
 * candles from the oldest span a held position has not been checked over (at most a day back).
 */
export function replayWindow(
  start: DayStart,
  timeframe: Timeframe,
  historyCandles: number,
): { decision: { from: number; to: number }; guard: { from: number; to: number } } {
  const tf = timeframeMs(timeframe);
  const { start: dayStart, end } = dayBounds(start.day);
  const walked = Object.values(start.symbols).map((s) => (s.state.timeframe === timeframe ? s.state.lastCandleAt : null));
  const cold = walked.length === 0 || walked.some((t) => t === null);
  const from = cold ? lastClosedOpenTime(start.at, timeframe) + tf - historyCandles * tf : Math.min(...(walked as number[])) + tf;
  const checked = Object.values(start.book.positions).map((p) => withGuard(p, start.symbols[p.symbol]?.guard ?? null).checkedUntil);
  const guardFrom = Math.max(dayStart - DAY_MS, Math.min(dayStart, ...checked));
  return { decision: { from: Math.min(from, dayStart), to: end - tf }, guard: { from: guardFrom, to: end } };
}

export interface ReplayDayInput {
  readonly start: DayStart;
  /** the engine's settings the day started with */
  readonly engine: Pick<BacktestInput, 'timeframe' | 'strategy' | 'risk' | 'regime' | 'rulesFor' | 'feeBps' | 'slippageBps'>;
  /** decision candles per symbol (replayWindow's range), ascending */
  readonly candles: Readonly<Record<string, readonly Candle[]>>;
  readonly guard?: { readonly timeframe: Timeframe; readonly candles: Readonly<Record<string, readonly Candle[]>> } | undefined;
  /** the live ticks' market times that day (equity/{day}) */
  readonly tickTimes: readonly number[];
}

export interface ReplayDayResult {
  readonly result: BacktestResult;
  /** what the replay cannot reproduce and says so: orders in flight when the day started */
  readonly events: readonly ShadowEvent[];
}

export function replayDay(input: ReplayDayInput): ReplayDayResult {
  const { start, engine } = input;
  const { end } = dayBounds(start.day);
  const tf = timeframeMs(engine.timeframe);
  const events: ShadowEvent[] = [];
  // A copy: the loop advances the symbols' indicator streams in place.
  const states: Record<string, SymbolState> = {};
  for (const [symbol, s] of Object.entries(structuredClone(start.symbols))) {
    if (s.state.timeframe !== engine.timeframe) continue; // the tick starts such a symbol afresh, as the loop does
    if (s.state.pending) {
      events.push({
        cause: 'order_in_flight_at_start',
        at: start.at,
        detail: `${symbol} order ${s.state.pending.signalId} (${s.state.pending.side}) was in flight when the day started; the replay cannot know when it landed`,
      });
    }
    states[symbol] = { ...s.state, pending: null };
  }
  const positions = Object.fromEntries(
    Object.entries(start.book.positions).map(([symbol, p]) => [symbol, withGuard(p, start.symbols[symbol]?.guard ?? null)]),
  );
  const candles = Object.fromEntries(Object.entries(input.candles).map(([symbol, cs]) => [symbol, cs.filter((c) => c.t + tf < end)]));
  const result = backtestLoop({
    ...engine,
    candles,
    initialCash: start.book.wallet.initialCash,
    guard: input.guard,
    tickTimes: input.tickTimes.filter((t) => t < end),
    warmupUntil: lastClosedOpenTime(start.at, engine.timeframe),
    start: { book: { ...structuredClone(start.book), positions }, states },
  });
  return { result, events };
}

/** The start of a day as the tick records it (shadow/{day}.start): with the config it ran with. */
export interface StoredDayStart {
  readonly start: DayStart;
  readonly config: Record<string, unknown>;
}
