/**
 * Ports: the only shapes the core and the handlers know of the outside world.
 * One adapter folder per system implements them (adapters/firestore, pubsub, ccxt, replay, paper,
 * monitoring); in-memory fakes implement the same interfaces and run the same contract tests.
 */
import type { Candle, Timeframe } from '../domain/candle.ts';
import type { Fill, Signal } from '../domain/trading.types.ts';
import type { CandleReading } from '../domain/engine/index.ts';
import type { Amount } from '../domain/money.ts';
import type { KeyHealth } from '../domain/keyHealth.ts';
import type { ExchangeRules } from '../domain/marketRules.ts';
import type { LiveOrderDesk } from './state.ts';

export interface Clock {
  now(): number;
  /** market milliseconds per wall millisecond: 1 live, N in a replay run N× faster (absent: 1) */
  readonly speed?: number;
}

/**
 * One time budget shared by several calls. A tick gives each symbol one budget for its whole
 * candle refresh (new candles AND gap repairs); every fetch of that refresh spends from it, so a
 * slow exchange costs a symbol at most that budget, whatever the number of holes.
 */
export interface Deadline {
  /** Milliseconds left, ≤ 0 once spent; in the clock of whoever created it. */
  remainingMs(): number;
}

export interface MarketData {
  readonly name: string;
  /** Declared by a source that spends its fetches from a time budget (ccxt): starts one, which each request of a refresh then accepts. */
  startDeadline?(): Deadline;
  /** Declared by a source of recorded data (replay): the market-time span it covers, which bounds a tick's `asOf`. */
  readonly span?: { readonly fromMs: number; readonly untilMs: number };
  /**
   * Closed candles with open time in [sinceMs, untilMs), ascending. Never returns a forming candle:
   * the source drops any candle whose close time (t + timeframe) is after `nowMs`.
   * Throws MarketDataError (domain/errors.ts) so callers can tell a retryable failure from a permanent one.
   */
  fetchClosedCandles(req: {
    symbol: string;
    timeframe: Timeframe;
    sinceMs: number;
    untilMs: number;
    nowMs: number;
    /** the refresh's shared budget, from this source's startDeadline() */
    deadline?: Deadline;
  }): Promise<Candle[]>;
}

export interface SignalBus {
  publish(signal: Signal): Promise<string>;
}

export interface OrderRequest {
  readonly signal: Signal;
  readonly qty: Amount;
}

export interface Broker {
  readonly name: string;
  /**
   * The declared live capability: a broker that sends orders to an exchange exposes its order desk
   * (executeOrder then records an intent before and the outcome after the exchange call); null for
   * one that fills by rule (paper).
   */
  readonly orders: LiveOrderDesk | null;
  /** Must be idempotent per signal id (paper: pure; live: clientOrderId = signal.id). */
  fill(req: OrderRequest): Promise<Fill>;
}

/**
 * The exchange as the bot trades on it: its market rules and, live, the API key's health. Paper:
 * the recorded snapshot's rules and no key (adapters/paper/recordedRules.ts); live: the broker's own
 * ccxt instance (adapters/ccxt/LiveVenue.ts), so its markets load once per instance.
 */
export interface Venue {
  /** Never throws: rules that could not be loaded are `available: false` (no entry is sized until they load). */
  rules(): Promise<ExchangeRules>;
  /** Never throws: live, checked at first use and then daily (domain/keyHealth.ts); paper, NO_KEY. */
  keyHealth(now: number): Promise<KeyHealth>;
}

export type MetricPoint = { name: string; value: number; labels?: Record<string, string> };
export interface Metrics {
  record(points: MetricPoint[]): Promise<void>;
}

/** Closed candles at rest (Firestore: candles/{symbol}_{tf}/days/{bucket}). Upserts are idempotent. */
export interface CandleStore {
  /** candles, and the symbol step's readings of decision candles (stored beside them, for the chart); both idempotent */
  upsert(symbol: string, timeframe: Timeframe, candles: readonly Candle[], readings?: readonly CandleReading[]): Promise<number>;
  /** the stored readings with open time in [fromMs, toMs), ascending */
  readings(symbol: string, timeframe: Timeframe, fromMs: number, toMs: number): Promise<CandleReading[]>;
  /** candles with open time in [fromMs, toMs), ascending */
  read(symbol: string, timeframe: Timeframe, fromMs: number, toMs: number): Promise<Candle[]>;
  /** open time of the newest stored candle, or null when none */
  newest(symbol: string, timeframe: Timeframe): Promise<number | null>;
}
