/**
 * Ports for the bot's state (Firestore in production, in-memory in unit tests).
 * Documents are validated on the way in and out by the adapter; these are domain shapes.
 */
import type { Timeframe } from '../domain/candle.ts';
import type { Amount } from '../domain/money.ts';
import type { IndicatorSnapshot, Regime, RegimeState } from '../domain/regime.types.ts';
import type { Position, Signal, SystemMode, Trade, Wallet } from '../domain/trading.types.ts';
import type { Book } from '../domain/portfolio/book.ts';
import type { Alert } from '../domain/alerts.ts';

export interface MarketState {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** open time of the newest stored closed candle, null before the first ingest */
  readonly lastCandleAt: number | null;
  readonly price: number | null;
  readonly regime: Regime;
  readonly regimeState: RegimeState;
  readonly indicators: Omit<IndicatorSnapshot, 't' | 'close'> | null;
  readonly stale: boolean;
  readonly error: string | null;
  readonly updatedAt: number;
}

export interface FeedHealth {
  readonly lastCandleAt: number | null;
  readonly stale: boolean;
  readonly error: string | null;
}

export interface SystemStatus {
  readonly mode: SystemMode;
  readonly modeReason: string | null;
  /** entries stay paused until this time (daily loss limit), null when not paused */
  readonly entriesPausedUntil: number | null;
  readonly lastTickAt: number | null;
  readonly lastTickLatencyMs: number | null;
  readonly lastTickId: string | null;
  /** market time of the last tick (differs from lastTickAt in a replay) */
  readonly marketTime: number | null;
  readonly feeds: Readonly<Record<string, FeedHealth>>;
  readonly healthScore: number;
  readonly version: string;
}

export type { Alert };

export interface DeadLetter {
  readonly id: string;
  readonly source: string;
  readonly reason: string;
  readonly payload: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly receivedAt: number;
}

export type OrderOutcome =
  | { readonly status: 'filled'; readonly tradeId: string; readonly qty: Amount; readonly price: Amount; readonly fee: Amount }
  | { readonly status: 'rejected'; readonly reason: string };

export interface OrderRecord {
  readonly signalId: string;
  readonly symbol: string;
  readonly side: Signal['side'];
  readonly outcome: OrderOutcome;
  readonly createdAt: number;
}

export type { Book };

/** What one executeOrder transaction decided: nothing to write (duplicate) or the new state. */
export interface BookChange {
  readonly order: OrderRecord;
  readonly wallet?: Wallet;
  /** the symbol's position after the fill; null deletes it */
  readonly position?: Position | null;
  readonly trade?: Trade;
}

export interface StateStore {
  getStatus(): Promise<SystemStatus | null>;
  saveStatus(status: SystemStatus): Promise<void>;
  getBotConfigDoc(): Promise<unknown>;
  /** Valid market documents by symbol; a corrupt one is reported in `corrupt` (symbol → reason), never thrown. */
  getMarkets(symbols: readonly string[]): Promise<{ markets: Map<string, MarketState>; corrupt: Map<string, string> }>;
  saveMarket(state: MarketState): Promise<void>;
  getBook(initialCash: Amount, now: number): Promise<Book>;
  /** mark-to-market writes from the tick; positions are matched by symbol and only price fields change */
  saveMarks(wallet: Wallet, positions: readonly Position[], now: number): Promise<void>;
  saveSignals(signals: readonly Signal[]): Promise<void>;
  raiseAlert(alert: Alert): Promise<void>;
  recordDeadLetter(letter: DeadLetter): Promise<void>;
  listTrades(): Promise<Trade[]>;
  setMode(mode: SystemMode, reason: string): Promise<void>;
  /** daily loss limit: entries stay paused until `until` (next UTC midnight) */
  pauseEntriesUntil(until: number, reason: string): Promise<void>;
  recordEquity(now: number, equity: Amount): Promise<void>;
}

/**
 * The exactly-once core of executeOrder: `decide` runs inside one transaction that also reads
 * orders/{signalId}; when that record exists the delivery is a duplicate and `decide` is not called.
 * `decide` may be re-run by the store on contention, so it must be a pure function of the book.
 */
export interface OrderLedger {
  execute(signalId: string, initialCash: Amount, now: number, decide: (book: Book) => Promise<BookChange>): Promise<{ duplicate: boolean; change: BookChange | null }>;
}
