/**
 * Ports for the bot's state (Firestore in production, in-memory fakes in unit tests; both pass the
 * contract suites in ports/contracts). Adapters validate documents on the way in and out; these
 * are domain shapes.
 *
 * Ownership, so the tick and executeOrder never fight over a document:
 * - executeOrder owns the ledger (wallet/paper with its positions, positions/*, trades/*, orders/*);
 * - the tick owns status/system's engine state, market views and account marks, and equity/*;
 * - the mode (and the budget periods beside it) changes only through changeMode: one transaction on
 *   status/system that reads the stored mode and applies domain/mode.ts's applyModeEvent, so the
 *   tick's kill switch, admin and the budget guard compose by precedence instead of overwriting.
 */
import type { Alert } from '../domain/alerts.ts';
import type { Timeframe } from '../domain/candle.ts';
import type { Guard, SymbolState } from '../domain/engine/index.ts';
import type { AppliedMode, ModeEvent } from '../domain/mode.ts';
import type { Lock, ProtectionState } from '../domain/protections/index.ts';
import type { Amount } from '../domain/money.ts';
import type { Book } from '../domain/portfolio/book.ts';
import type { LedgerReplay } from '../domain/portfolio/ledger.ts';
import type { LedgerAdjustment } from '../domain/reconcile/index.ts';
import type { IndicatorSnapshot, Regime } from '../domain/regime.types.ts';
import type { Fill, Position, Signal, SystemMode, Trade, Wallet } from '../domain/trading.types.ts';
import type { DayRollup } from '../domain/performance/daily.ts';
import type { EquityPoint } from '../domain/performance/summarize.ts';
import type { StoredDayStart } from '../domain/shadow/replayDay.ts';

export type { Alert, Book };

/** What the dashboard shows per symbol (status/system.markets): the newest candle's indicators and more. */
export interface MarketView extends Omit<IndicatorSnapshot, 't' | 'close'> {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** open time of the newest closed candle walked */
  readonly lastCandleAt: number | null;
  readonly price: number | null;
  readonly regime: Regime;
  readonly stale: boolean;
  /** when the current outage began (market time), null while fresh */
  readonly staleSince: number | null;
  readonly error: string | null;
  /** the stop in force and the target of an open position */
  readonly stop: Amount | null;
  readonly takeProfit: Amount | null;
  readonly updatedAt: number;
}

export interface FeedHealth {
  readonly lastCandleAt: number | null;
  readonly stale: boolean;
  readonly error: string | null;
}

/** The engine's memory of one symbol, as the tick persists it. */
export interface PersistedSymbol {
  readonly state: SymbolState;
  readonly guard: Guard | null;
}

/** The account's marks: the tick alone moves them (account step). */
export type AccountMarks = Pick<Wallet, 'equity' | 'peakEquity' | 'day' | 'dayStartEquity'>;

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
  readonly account: AccountMarks | null;
  readonly markets: Readonly<Record<string, MarketView>>;
  /** the last reconciliation with the exchange (live mode); null before the first */
  readonly reconcile: ReconcileMark | null;
  /** the protections' memory (the tick's): recent exits and locks, lifted ones included until the next tick drops them */
  readonly protections: ProtectionState;
  /** ids of the locks an admin lifted (liftLocks); the tick drops them */
  readonly locksLifted: readonly string[];
}

export interface ReconcileMark {
  /** market time it ran at */
  readonly at: number;
  readonly clean: boolean;
  readonly differences: number;
  /** the deployed version that ran it: a new deploy reconciles again at its first tick */
  readonly version: string;
}

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

/** Everything a tick reads: status/system and the ledger (two documents). */
export interface TickSnapshot {
  readonly status: SystemStatus | null;
  /** by symbol; a corrupt entry is reported in `corrupt` (symbol → reason), never thrown */
  readonly symbols: ReadonlyMap<string, PersistedSymbol>;
  readonly corrupt: ReadonlyMap<string, string>;
  /** mode, pause, marks (opening marks before the first tick) and the booked positions (without guards) */
  readonly book: Book;
}

/** Everything a tick writes to status/system, in one write. */
export interface TickSave {
  readonly symbols: ReadonlyMap<string, PersistedSymbol>;
  readonly markets: Readonly<Record<string, MarketView>>;
  readonly feeds: Readonly<Record<string, FeedHealth>>;
  readonly account: AccountMarks;
  readonly entriesPausedUntil: number | null;
  readonly lastTickAt: number;
  readonly lastTickLatencyMs: number;
  readonly lastTickId: string;
  readonly marketTime: number;
  readonly healthScore: number;
  readonly version: string;
  readonly protections: ProtectionState;
}

export interface AuditSnapshot {
  readonly book: Book;
  readonly trades: Trade[];
  readonly projected: Position[];
}

export interface AuditCheckpoint extends LedgerReplay {
  readonly initialCash: Amount;
  /** when the audit that wrote it ran */
  readonly at: number;
}

export interface StateStore {
  getStatus(): Promise<SystemStatus | null>;
  getBotConfigDoc(): Promise<unknown>;
  loadTick(initialCash: Amount, now: number): Promise<TickSnapshot>;
  saveTick(save: TickSave): Promise<void>;
  /** what the executor recorded for these signal ids: 'filled', 'not_filled' (rejected or dead-lettered); absent ids have nothing yet */
  executorOutcomes(signalIds: readonly string[]): Promise<Map<string, 'filled' | 'not_filled'>>;
  /** mode, pause, marks and booked positions, as executeOrder sees them */
  getBook(initialCash: Amount, now: number): Promise<Book>;
  /**
   * What the ledger audit compares, read at one instant (a read-only transaction): the book, the
   * trades with seq > afterSeq (0: all of them), and the positions/* projection.
   */
  loadAudit(initialCash: Amount, now: number, afterSeq: number): Promise<AuditSnapshot>;
  /** audit/ledger: the replay through the last clean audit, so the next one reads only newer trades */
  getAuditCheckpoint(): Promise<AuditCheckpoint | null>;
  saveAuditCheckpoint(checkpoint: AuditCheckpoint): Promise<void>;
  saveSignals(signals: readonly Signal[]): Promise<void>;
  raiseAlert(alert: Alert): Promise<void>;
  recordDeadLetter(letter: DeadLetter): Promise<void>;
  /**
   * One transaction on status/system: read the mode and budget periods, apply `event` through
   * applyModeEvent, write what changed (`reason` becomes modeReason when the mode is written).
   * A refusal (e.g. resume while KILLED) is returned with ok: false, never thrown.
   */
  changeMode(event: ModeEvent, reason: string): Promise<AppliedMode>;
  /**
   * One transaction on status/system (domain/protections liftLocks): the stored locks not lifted yet
   * whose id or symbol is in `which` (or every one, 'all') join locksLifted; returns them. The tick
   * drops lifted locks on its next run and never writes locksLifted, so a lift during a tick holds.
   */
  liftLocks(which: readonly string[] | 'all'): Promise<Lock[]>;
  /** status/system.reconcile: one merge write, beside the tick's */
  recordReconcile(mark: ReconcileMark): Promise<void>;
  recordEquity(now: number, equity: Amount): Promise<void>;
  /** The tick's last marks of a UTC day it has left, merged into rollups/{day} (the trade fields stay executeOrder's). */
  closeDay(day: string, marks: DayMarks, now: number): Promise<void>;
  /** shadow/{day}.start: what the day's first tick read before stepping (the shadow backtest starts from it); one write a day */
  saveDayStart(start: StoredDayStart): Promise<void>;
  /** Every equity/{day}: the tick's marks, for a rollup rebuild (one read per day stored). */
  loadEquityDays(): Promise<Map<string, EquityPoint[]>>;
  /** Replaces rollups/{day} for each day given (a rebuild: run it while no fill is booking, e.g. after a restore). */
  saveRollups(rollups: readonly DayRollup[], now: number): Promise<void>;
  /** rollups/{day} for every day ≥ fromDay (yyyymmdd), oldest first: the command set's profit and period reports. */
  loadRollups(fromDay: string): Promise<DayRollup[]>;
  /** The newest `limit` trades of the ledger, newest (highest seq) first. */
  recentTrades(limit: number): Promise<Trade[]>;
}

/** A day's equity at its first and last tick mark, and the running peak at its close. */
export interface DayMarks {
  readonly open: Amount;
  readonly close: Amount;
  readonly peak: Amount;
}

/** What one executeOrder transaction decided: the order record, and the ledger after it (when filled). */
export interface BookChange {
  readonly order: OrderRecord;
  readonly ledger?: Pick<Book, 'wallet' | 'positions'>;
  readonly trade?: Trade;
}

/**
 * The exactly-once core of executeOrder: `decide` runs inside one transaction that also reads
 * orders/{signalId}; when that record exists the delivery is a duplicate and `decide` is not called.
 * `decide` may be re-run by the store on contention, so it must be a pure function of the book.
 */
export interface OrderLedger {
  execute(
    signalId: string,
    initialCash: Amount,
    now: number,
    decide: (book: Book) => Promise<BookChange>,
  ): Promise<{ duplicate: boolean; change: BookChange | null }>;
  /**
   * Live tx 1. orders/{signalId} exists ⇒ `final`. An intent is already recorded ⇒ `placing` with it
   * (`plan` is not called). Otherwise `plan(book, inFlight)` either returns the intent to record, or a
   * refusal, which is committed as the order's outcome (like `execute`) ⇒ `refused`. `inFlight`: the
   * symbols of the other intents, read in the same transaction (live orders sent, not yet booked: the
   * book does not show them yet).
   */
  beginLive(
    signalId: string,
    initialCash: Amount,
    now: number,
    plan: (book: Book, inFlight: ReadonlySet<string>) => Promise<{ intent: LiveIntent } | { refused: BookChange }>,
  ): Promise<LiveStep>;
  /** beforeSend: record the attempt, only if the intent's lastAttemptAt is still `seen`; else throws AttemptRaceError. */
  markAttempt(signalId: string, seen: number | undefined, at: number): Promise<void>;
  /** Live tx 2: the intent must exist; orders/{signalId} exists ⇒ duplicate; else commit `decide(book)` like `execute` and drop the intent. */
  finishLive(
    signalId: string,
    initialCash: Amount,
    now: number,
    decide: (book: Book) => Promise<BookChange>,
  ): Promise<{ duplicate: boolean; change: BookChange | null }>;
}

/** The ledger's other writer: reconciliation (the Firestore and in-memory OrderLedgers implement it too). */
export interface AdjustmentLedger {
  /**
   * A confirmed reconciliation (domain/reconcile/adjust.ts), in one transaction: `decide(book)` on the
   * book read there; when it returns an adjustment, write the ledger, the projection of every symbol
   * it touched, its entries in trades/, and its shifted marks in status/system. May re-run `decide`.
   */
  adjust(initialCash: Amount, now: number, decide: (book: Book) => LedgerAdjustment | null): Promise<LedgerAdjustment | null>;
}

/** intents/{signalId}: a live order that may have been sent to the exchange and has no recorded outcome yet. */
export interface LiveIntent {
  readonly signalId: string;
  readonly symbol: string;
  readonly side: Signal['side'];
  readonly qty: Amount;
  readonly createdAt: number;
  /** when the last placement was sent; absent if none was */
  readonly lastAttemptAt?: number;
}

export type LiveStep =
  | { readonly kind: 'final' }
  | { readonly kind: 'placing'; readonly intent: LiveIntent }
  | { readonly kind: 'refused'; readonly change: BookChange };

/** What the live broker's order desk (adapters/ccxt/LiveOrders) answers for one intent. */
export type LiveOutcome =
  | { readonly status: 'filled'; readonly fill: Fill; readonly orderId: string }
  | { readonly status: 'rejected'; readonly reason: string }
  | { readonly status: 'unknown'; readonly reason: string; readonly retryAfterMs: number };

/** A live broker declares its desk as `orders` (ports/index.ts Broker): reconcile by client order id first, send at most once per lag. */
export interface LiveOrderDesk {
  place(
    intent: Pick<LiveIntent, 'signalId' | 'symbol' | 'side' | 'qty' | 'lastAttemptAt'>,
    hooks: { beforeSend(at: number): Promise<void> },
  ): Promise<LiveOutcome>;
}

/** Another delivery recorded an attempt between our read of the intent and our send: do not send. */
export class AttemptRaceError extends Error {
  override readonly name = 'AttemptRaceError';
}
