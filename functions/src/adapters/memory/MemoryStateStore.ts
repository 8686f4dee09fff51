/**
 * In-memory StateStore and OrderLedger over one shared MemoryDb: what the unit tests drive the
 * services with. They pass the same contract suites (ports/contracts) as the Firestore adapters.
 * Values are cloned in and out, so a caller can never mutate stored state by accident.
 */
import { symbolKey } from '../../domain/alerts.ts';
import { applyModeEvent, type AppliedMode, type ModeEvent, type ModeRecord } from '../../domain/mode.ts';
import { openingWallet, utcDay } from '../../domain/wallet.ts';
import { EMPTY_PROTECTIONS, liftLocks, type Lock } from '../../domain/protections/index.ts';
import type { Amount } from '../../domain/money.ts';
import type { LedgerAdjustment } from '../../domain/reconcile/index.ts';
import type { Position, Signal, Trade, Wallet } from '../../domain/trading.types.ts';
import { addTrade, closeDay, emptyDay, tradeDay, type DayRollup } from '../../domain/performance/daily.ts';
import {
  AttemptRaceError,
  type Alert,
  type AuditCheckpoint,
  type AuditSnapshot,
  type Book,
  type BookChange,
  type DayMarks,
  type DeadLetter,
  type LiveIntent,
  type LiveStep,
  type AdjustmentLedger,
  type OrderLedger,
  type OrderRecord,
  type PersistedSymbol,
  type ReconcileMark,
  type StateStore,
  type SystemStatus,
  type TickSave,
  type TickSnapshot,
} from '../../ports/state.ts';

import type { ShadowResult } from '../../domain/shadow/compare.ts';
import type { StoredDayStart } from '../../domain/shadow/replayDay.ts';
import type { AuditEntry } from '../../ports/ops.ts';

type Ledger = Pick<Wallet, 'initialCash' | 'cash' | 'realizedPnl' | 'feesPaid' | 'tradeSeq'> & { positions: Record<string, Position> };
/** What wallet/paper and positions/ store of a book (the wallet's derived fields are recomputed on read). */
const ledgerOf = (w: Omit<Ledger, 'positions'>, positions: Readonly<Record<string, Position>>): Ledger => ({
  initialCash: w.initialCash,
  cash: w.cash,
  realizedPnl: w.realizedPnl,
  feesPaid: w.feesPaid,
  tradeSeq: w.tradeSeq,
  positions: { ...positions },
});

export class MemoryDb {
  config: unknown = undefined;
  status: SystemStatus | null = null;
  /** status/system.budgets: the budget periods changeMode keeps beside the mode */
  budgets: ModeRecord['budgets'] = {};
  engine = new Map<string, PersistedSymbol>();
  ledger: Ledger | null = null;
  positionDocs = new Map<string, Position>();
  orders = new Map<string, OrderRecord>();
  intents = new Map<string, LiveIntent>();
  trades = new Map<string, Trade>();
  signals = new Map<string, Signal>();
  alerts = new Map<string, Alert>();
  deadletters = new Map<string, DeadLetter>();
  equity = new Map<string, Map<number, Amount>>();
  rollups = new Map<string, DayRollup>();
  auditCheckpoint: AuditCheckpoint | null = null;
  /** shadow/{day}: the day's start and the shadow's verdict */
  shadow = new Map<string, { start?: StoredDayStart; result?: ShadowResult }>();
  shadowLatest: ShadowResult | null = null;
  auditLog: AuditEntry[] = [];
}

const EMPTY_STATUS: SystemStatus = {
  mode: 'NORMAL',
  modeReason: null,
  entriesPausedUntil: null,
  lastTickAt: null,
  lastTickLatencyMs: null,
  lastTickId: null,
  marketTime: null,
  feeds: {},
  healthScore: 100,
  version: 'unknown',
  account: null,
  markets: {},
  reconcile: null,
  protections: EMPTY_PROTECTIONS,
  locksLifted: [],
};

function bookOf(db: MemoryDb, initialCash: Amount, now: number): Book {
  const opening = openingWallet(initialCash, now);
  const account = db.status?.account ?? opening;
  // Only the marks come from status/system, as in Firestore (accountToDoc): the ledger's cash wins.
  const marks = { equity: account.equity, peakEquity: account.peakEquity, day: account.day, dayStartEquity: account.dayStartEquity };
  const { positions = {}, ...ledger } = db.ledger ?? {};
  const wallet: Wallet = { ...opening, ...ledger, ...marks };
  return structuredClone({
    mode: db.status?.mode ?? 'NORMAL',
    entriesPausedUntil: db.status?.entriesPausedUntil ?? null,
    wallet,
    positions,
  });
}

export class MemoryStateStore implements StateStore {
  constructor(readonly db: MemoryDb = new MemoryDb()) {}

  async getStatus() {
    return structuredClone(this.db.status);
  }
  async getBotConfigDoc() {
    return structuredClone(this.db.config);
  }
  async loadTick(initialCash: Amount, now: number): Promise<TickSnapshot> {
    return {
      status: structuredClone(this.db.status),
      symbols: structuredClone(this.db.engine),
      corrupt: new Map(),
      book: bookOf(this.db, initialCash, now),
    };
  }
  async saveTick(save: TickSave): Promise<void> {
    const s = structuredClone(save);
    const prev = this.db.status ?? EMPTY_STATUS;
    for (const [symbol, p] of s.symbols) this.db.engine.set(symbol, p);
    this.db.status = {
      ...prev,
      // keyed by document-safe id (BTC-USDT), as status/system.markets is
      markets: { ...prev.markets, ...Object.fromEntries(Object.values(s.markets).map((m) => [symbolKey(m.symbol), m])) },
      feeds: s.feeds,
      account: s.account,
      entriesPausedUntil: s.entriesPausedUntil,
      lastTickAt: s.lastTickAt,
      lastTickLatencyMs: s.lastTickLatencyMs,
      lastTickId: s.lastTickId,
      marketTime: s.marketTime,
      healthScore: s.healthScore,
      version: s.version,
      protections: s.protections,
    };
  }
  async liftLocks(which: readonly string[] | 'all'): Promise<Lock[]> {
    const prev = this.db.status ?? EMPTY_STATUS;
    const { lifted, locksLifted } = liftLocks(prev.protections, prev.locksLifted, which);
    this.db.status = { ...prev, locksLifted };
    return structuredClone(lifted);
  }
  async executorOutcomes(ids: readonly string[]) {
    const out = new Map<string, 'filled' | 'not_filled'>();
    for (const id of ids) {
      const order = this.db.orders.get(id);
      if (order) out.set(id, order.outcome.status === 'filled' ? 'filled' : 'not_filled');
      else if (this.db.deadletters.has(id)) out.set(id, 'not_filled');
    }
    return out;
  }
  async getBook(initialCash: Amount, now: number) {
    return bookOf(this.db, initialCash, now);
  }
  async saveSignals(signals: readonly Signal[]) {
    for (const s of signals) this.db.signals.set(s.id, structuredClone(s));
  }
  async raiseAlert(alert: Alert) {
    this.db.alerts.set(alert.id, structuredClone(alert));
  }
  async recordDeadLetter(letter: DeadLetter) {
    this.db.deadletters.set(letter.id, structuredClone(letter));
  }
  async loadAudit(initialCash: Amount, now: number, afterSeq: number): Promise<AuditSnapshot> {
    const trades = [...this.db.trades.values()].filter((t) => t.seq > afterSeq);
    return structuredClone({ book: bookOf(this.db, initialCash, now), trades, projected: [...this.db.positionDocs.values()] });
  }
  async getAuditCheckpoint() {
    return structuredClone(this.db.auditCheckpoint);
  }
  async saveAuditCheckpoint(checkpoint: AuditCheckpoint) {
    this.db.auditCheckpoint = structuredClone(checkpoint);
  }
  /** Read, decide and write with no await in between: as atomic as Firestore's transaction. */
  async changeMode(event: ModeEvent, reason: string): Promise<AppliedMode> {
    const step = applyModeEvent({ mode: this.db.status?.mode ?? null, budgets: this.db.budgets }, structuredClone(event));
    this.db.budgets = structuredClone(step.record.budgets);
    if (step.writeMode) this.db.status = { ...(this.db.status ?? EMPTY_STATUS), mode: step.record.mode!, modeReason: reason };
    return step.applied;
  }
  async recordReconcile(mark: ReconcileMark) {
    this.db.status = { ...(this.db.status ?? EMPTY_STATUS), reconcile: { ...mark } };
  }
  async recordEquity(now: number, equity: Amount) {
    const day = this.db.equity.get(utcDay(now)) ?? new Map<number, Amount>();
    day.set(now, equity);
    this.db.equity.set(utcDay(now), day);
  }
  async loadEquityDays() {
    return new Map([...this.db.equity].map(([day, points]) => [day, [...points].map(([time, equity]) => ({ time, equity }))]));
  }
  async loadRollups(fromDay: string) {
    return structuredClone([...this.db.rollups.values()].filter((r) => r.day >= fromDay).sort((a, b) => a.day.localeCompare(b.day)));
  }
  async recentTrades(limit: number) {
    return structuredClone([...this.db.trades.values()].sort((a, b) => b.seq - a.seq).slice(0, limit));
  }
  async saveRollups(rollups: readonly DayRollup[]) {
    for (const r of rollups) this.db.rollups.set(r.day, structuredClone(r));
  }
  async saveDayStart(start: StoredDayStart) {
    this.db.shadow.set(start.start.day, { ...this.db.shadow.get(start.start.day), start: structuredClone(start) });
  }
  async closeDay(day: string, marks: DayMarks) {
    this.db.rollups.set(day, closeDay(this.db.rollups.get(day) ?? emptyDay(day), marks));
  }
}

/** Transactions are serialized (one at a time), which is the isolation Firestore's give executeOrder. */
export class MemoryOrderLedger implements OrderLedger, AdjustmentLedger {
  private queue: Promise<unknown> = Promise.resolve();
  constructor(readonly db: MemoryDb) {}

  /** One at a time, like a serialised transaction. */
  private serial<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private commit(change: BookChange): void {
    const c = structuredClone(change);
    this.db.orders.set(c.order.signalId, c.order);
    if (c.ledger) {
      const { wallet, positions } = c.ledger;
      this.db.ledger = ledgerOf(wallet, positions);
      const p = positions[c.order.symbol];
      if (p) this.db.positionDocs.set(c.order.symbol, p);
      else this.db.positionDocs.delete(c.order.symbol);
    }
    if (c.trade) {
      this.db.trades.set(c.trade.id, c.trade);
      const day = tradeDay(c.trade);
      this.db.rollups.set(day, addTrade(this.db.rollups.get(day) ?? emptyDay(day), c.trade));
    }
  }

  execute(signalId: string, initialCash: Amount, now: number, decide: (book: Book) => Promise<BookChange>) {
    return this.serial(async () => {
      if (this.db.orders.has(signalId)) return { duplicate: true, change: null };
      const change = await decide(bookOf(this.db, initialCash, now));
      this.commit(change);
      return { duplicate: false, change };
    });
  }

  beginLive(
    signalId: string,
    initialCash: Amount,
    now: number,
    plan: (book: Book, inFlight: ReadonlySet<string>) => Promise<{ intent: LiveIntent } | { refused: BookChange }>,
  ): Promise<LiveStep> {
    return this.serial(async () => {
      if (this.db.orders.has(signalId)) return { kind: 'final' as const };
      const existing = this.db.intents.get(signalId);
      if (existing) return { kind: 'placing' as const, intent: structuredClone(existing) };
      const planned = await plan(bookOf(this.db, initialCash, now), new Set([...this.db.intents.values()].map((i) => i.symbol)));
      if ('refused' in planned) {
        this.commit(planned.refused);
        return { kind: 'refused' as const, change: planned.refused };
      }
      this.db.intents.set(signalId, structuredClone(planned.intent));
      return { kind: 'placing' as const, intent: planned.intent };
    });
  }

  markAttempt(signalId: string, seen: number | undefined, at: number): Promise<void> {
    return this.serial(async () => {
      const intent = this.db.intents.get(signalId);
      if (!intent || intent.lastAttemptAt !== seen) throw new AttemptRaceError(`intent ${signalId}: another delivery recorded an attempt`);
      this.db.intents.set(signalId, { ...intent, lastAttemptAt: at });
    });
  }

  adjust(initialCash: Amount, now: number, decide: (book: Book) => LedgerAdjustment | null): Promise<LedgerAdjustment | null> {
    return this.serial(async () => {
      const book = bookOf(this.db, initialCash, now);
      const adj = decide(book);
      if (!adj) return null;
      const { wallet, positions, entries } = structuredClone(adj);
      this.db.ledger = ledgerOf(wallet, positions);
      for (const symbol of new Set(entries.map((e) => e.symbol))) {
        const p = positions[symbol];
        if (p) this.db.positionDocs.set(symbol, p);
        else this.db.positionDocs.delete(symbol);
      }
      for (const e of entries) this.db.trades.set(e.id, e);
      const account = { equity: wallet.equity, peakEquity: wallet.peakEquity, day: wallet.day, dayStartEquity: wallet.dayStartEquity };
      this.db.status = { ...(this.db.status ?? EMPTY_STATUS), account };
      return adj;
    });
  }

  finishLive(signalId: string, initialCash: Amount, now: number, decide: (book: Book) => Promise<BookChange>) {
    return this.serial(async () => {
      if (this.db.orders.has(signalId)) return { duplicate: true, change: null };
      if (!this.db.intents.has(signalId)) throw new Error(`no live intent recorded for ${signalId}`);
      const change = await decide(bookOf(this.db, initialCash, now));
      this.commit(change);
      this.db.intents.delete(signalId);
      return { duplicate: false, change };
    });
  }
}
