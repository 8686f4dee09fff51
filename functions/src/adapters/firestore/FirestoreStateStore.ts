import type { DocumentSnapshot, Firestore, Transaction } from '@google-cloud/firestore';
import { runTransaction } from './transaction.ts';
import { applyModeEvent, type AppliedMode, type ModeEvent } from '../../domain/mode.ts';
import { openingWallet, utcDay } from '../../domain/wallet.ts';
import { liftLocks, type Lock } from '../../domain/protections/index.ts';
import { toAmount, type Amount } from '../../domain/money.ts';
import type { Position, Signal, Trade, Wallet } from '../../domain/trading.types.ts';
import type {
  Alert,
  AuditCheckpoint,
  AuditSnapshot,
  Book,
  DayMarks,
  DeadLetter,
  PersistedSymbol,
  ReconcileMark,
  StateStore,
  SystemStatus,
  TickSave,
  TickSnapshot,
} from '../../ports/state.ts';
import {
  AuditCheckpointDoc,
  CorruptDocumentError,
  LedgerDoc,
  ModeRecordDoc,
  PATHS,
  auditCheckpointToDoc,
  PositionDoc,
  StatusDoc,
  SymbolDoc,
  TradeDoc,
  accountToDoc,
  alertPath,
  alertToDoc,
  deadLetterPath,
  deadLetterToDoc,
  equityDayPath,
  equityPointToDoc,
  marketViewToDoc,
  orderPath,
  parseDoc,
  signalPath,
  signalToDoc,
  symbolFromDoc,
  symbolKey,
  symbolToDoc,
  dayCloseToDoc,
  rollupFromDoc,
  rollupPath,
  rollupToDoc,
  EquityDayDoc,
  protectionsToDoc,
} from '../../shared/store/index.ts';
import type { DayRollup } from '../../domain/performance/daily.ts';
import type { EquityPoint } from '../../domain/performance/summarize.ts';
import { dayStartToDoc, shadowDayPath } from '../../shared/store/shadow.ts';
import type { StoredDayStart } from '../../domain/shadow/replayDay.ts';

export function statusFromSnap(snap: DocumentSnapshot): SystemStatus | null {
  return snap.exists ? parseDoc(StatusDoc, snap.ref.path, snap.data()) : null;
}

/** The per-symbol engine states in status/system; one corrupt entry costs that symbol its memory, not the tick. */
function symbolsFromSnap(snap: DocumentSnapshot): { symbols: Map<string, PersistedSymbol>; corrupt: Map<string, string> } {
  const symbols = new Map<string, PersistedSymbol>();
  const corrupt = new Map<string, string>();
  const engine: unknown = snap.exists ? snap.get('engine') : undefined;
  if (engine && typeof engine === 'object') {
    for (const [key, value] of Object.entries(engine)) {
      const symbol = key.replace('-', '/');
      try {
        symbols.set(symbol, symbolFromDoc(parseDoc(SymbolDoc, `${snap.ref.path}#engine.${key}`, value)));
      } catch (err) {
        if (!(err instanceof CorruptDocumentError)) throw err;
        corrupt.set(symbol, err.message);
      }
    }
  }
  return { symbols, corrupt };
}

/** Compose the book from status/system (mode, pause, marks) and wallet/paper (the ledger). */
function bookFrom(
  statusSnap: DocumentSnapshot,
  ledgerSnap: DocumentSnapshot,
  initialCash: Amount,
  now: number,
): { book: Book; status: SystemStatus | null } {
  const status = statusFromSnap(statusSnap);
  const opening = openingWallet(initialCash, now);
  const ledger = ledgerSnap.exists ? parseDoc(LedgerDoc, ledgerSnap.ref.path, ledgerSnap.data()) : null;
  const marks = status?.account ?? {
    equity: opening.equity,
    peakEquity: opening.peakEquity,
    day: opening.day,
    dayStartEquity: opening.dayStartEquity,
  };
  const wallet: Wallet = ledger
    ? {
        initialCash: ledger.initialCash,
        cash: ledger.cash,
        realizedPnl: ledger.realizedPnl,
        feesPaid: ledger.feesPaid,
        tradeSeq: ledger.tradeSeq,
        ...marks,
      }
    : { ...opening, ...marks };
  const positions: Record<string, Position> = {};
  for (const p of Object.values(ledger?.positions ?? {})) positions[p.symbol] = p;
  return { book: { mode: status?.mode ?? 'NORMAL', entriesPausedUntil: status?.entriesPausedUntil ?? null, wallet, positions }, status };
}

/** Read the book — inside a transaction when one is given (two documents either way). */
export async function readBook(db: Firestore, initialCash: Amount, now: number, tx?: Transaction): Promise<Book> {
  const refs = [db.doc(PATHS.status), db.doc(PATHS.wallet)] as const;
  const [statusSnap, ledgerSnap] = tx ? await tx.getAll(...refs) : await db.getAll(...refs);
  return bookFrom(statusSnap!, ledgerSnap!, initialCash, now).book;
}

export class FirestoreStateStore implements StateStore {
  constructor(private readonly db: Firestore) {}

  async getStatus(): Promise<SystemStatus | null> {
    return statusFromSnap(await this.db.doc(PATHS.status).get());
  }

  async getBotConfigDoc(): Promise<unknown> {
    const snap = await this.db.doc(PATHS.config).get();
    return snap.exists ? snap.data() : undefined;
  }

  async loadTick(initialCash: Amount, now: number): Promise<TickSnapshot> {
    const [statusSnap, ledgerSnap] = await this.db.getAll(this.db.doc(PATHS.status), this.db.doc(PATHS.wallet));
    const { book, status } = bookFrom(statusSnap!, ledgerSnap!, initialCash, now);
    return { status, book, ...symbolsFromSnap(statusSnap!) };
  }

  async saveTick(save: TickSave): Promise<void> {
    // One merge write without the mode: that moves only through changeMode's transaction.
    const doc: Record<string, unknown> = {
      engine: Object.fromEntries([...save.symbols].map(([symbol, s]) => [symbolKey(symbol), symbolToDoc(s)])),
      markets: Object.fromEntries(Object.values(save.markets).map((m) => [symbolKey(m.symbol), marketViewToDoc(m)])),
      feeds: save.feeds,
      account: accountToDoc(save.account),
      entriesPausedUntil: save.entriesPausedUntil,
      lastTickAt: save.lastTickAt,
      lastTickLatencyMs: save.lastTickLatencyMs,
      lastTickId: save.lastTickId,
      marketTime: save.marketTime,
      healthScore: save.healthScore,
      version: save.version,
      protections: protectionsToDoc(save.protections),
    };
    await this.db.doc(PATHS.status).set(doc, { merge: true });
  }

  async executorOutcomes(signalIds: readonly string[]): Promise<Map<string, 'filled' | 'not_filled'>> {
    const out = new Map<string, 'filled' | 'not_filled'>();
    if (signalIds.length === 0) return out;
    const refs = signalIds.flatMap((id) => [this.db.doc(orderPath(id)), this.db.doc(deadLetterPath(id))]);
    for (const snap of await this.db.getAll(...refs)) {
      if (!snap.exists) continue;
      const filled = snap.ref.parent.id === PATHS.orders && snap.get('status') === 'filled';
      if (filled || !out.has(snap.id)) out.set(snap.id, filled ? 'filled' : 'not_filled');
    }
    return out;
  }

  getBook(initialCash: Amount, now: number): Promise<Book> {
    return readBook(this.db, initialCash, now);
  }

  async loadAudit(initialCash: Amount, now: number, afterSeq: number): Promise<AuditSnapshot> {
    // One read-only transaction: the wallet, the projection and the trades agree on one instant.
    return runTransaction(
      this.db,
      async (tx) => {
        const book = await readBook(this.db, initialCash, now, tx);
        const [positions, trades] = await Promise.all([
          tx.get(this.db.collection(PATHS.positions)),
          tx.get(this.db.collection(PATHS.trades).where('seq', '>', afterSeq)),
        ]);
        return {
          book,
          trades: trades.docs.map((d) => parseDoc(TradeDoc, d.ref.path, d.data())),
          projected: positions.docs.map((d) => parseDoc(PositionDoc, d.ref.path, d.data())),
        };
      },
      { readOnly: true },
    );
  }

  async getAuditCheckpoint(): Promise<AuditCheckpoint | null> {
    const snap = await this.db.doc(PATHS.auditCheckpoint).get();
    return snap.exists ? parseDoc(AuditCheckpointDoc, snap.ref.path, snap.data()) : null;
  }

  async saveAuditCheckpoint(checkpoint: AuditCheckpoint): Promise<void> {
    await this.db.doc(PATHS.auditCheckpoint).set(auditCheckpointToDoc(checkpoint));
  }

  async changeMode(event: ModeEvent, reason: string): Promise<AppliedMode> {
    const ref = this.db.doc(PATHS.status);
    // Contention here is a kill, a budget pause and an operator at once: more attempts than the default 5.
    return runTransaction(
      this.db,
      async (tx) => {
        const snap = await tx.get(ref);
        const step = applyModeEvent(parseDoc(ModeRecordDoc, ref.path, { mode: snap.get('mode'), budgets: snap.get('budgets') }), event);
        const doc: Record<string, unknown> = {};
        if (step.writeMode) Object.assign(doc, { mode: step.record.mode, modeReason: reason });
        if (step.budgetsChanged) doc.budgets = step.record.budgets;
        if (Object.keys(doc).length > 0) tx.set(ref, doc, { merge: true });
        return step.applied;
      },
      { maxAttempts: 20 },
    );
  }

  async liftLocks(which: readonly string[] | 'all'): Promise<Lock[]> {
    const ref = this.db.doc(PATHS.status);
    return runTransaction(this.db, async (tx) => {
      const status = statusFromSnap(await tx.get(ref));
      if (!status) return [];
      const { lifted, locksLifted } = liftLocks(status.protections, status.locksLifted, which);
      if (lifted.length > 0 || locksLifted.length !== status.locksLifted.length) tx.set(ref, { locksLifted }, { merge: true });
      return lifted;
    });
  }

  async recordReconcile(mark: ReconcileMark): Promise<void> {
    await this.db.doc(PATHS.status).set({ reconcile: mark }, { merge: true });
  }

  async recordEquity(now: number, equity: Amount): Promise<void> {
    // One document per UTC day, one map entry per tick: the chart reads a day with one read.
    await this.db.doc(equityDayPath(now)).set(equityPointToDoc(utcDay(now), now, equity), { merge: true });
  }

  async closeDay(day: string, marks: DayMarks, now: number): Promise<void> {
    // A merge of the equity fields only: a fill's transaction on the same document keeps its trade fields (and re-reads these).
    await this.db.doc(rollupPath(day)).set(dayCloseToDoc(day, marks, now), { merge: true });
  }

  async saveDayStart(start: StoredDayStart): Promise<void> {
    // A merge: the shadow's verdict on the same day lives beside it.
    await this.db.doc(shadowDayPath(start.start.day)).set({ start: dayStartToDoc(start) }, { merge: true });
  }

  async loadEquityDays(): Promise<Map<string, EquityPoint[]>> {
    const snap = await this.db.collection(PATHS.equity).get();
    return new Map(
      snap.docs.map((d) => {
        const doc = parseDoc(EquityDayDoc, d.ref.path, d.data());
        return [doc.day, doc.points.map((p) => ({ time: p.time, equity: toAmount(p.equity) }))];
      }),
    );
  }

  async loadRollups(fromDay: string): Promise<DayRollup[]> {
    const snap = await this.db.collection(PATHS.rollups).where('day', '>=', fromDay).orderBy('day').get();
    return snap.docs.map((d) => rollupFromDoc(d.ref.path, d.data()));
  }

  async recentTrades(limit: number): Promise<Trade[]> {
    const snap = await this.db.collection(PATHS.trades).orderBy('seq', 'desc').limit(limit).get();
    return snap.docs.map((d) => parseDoc(TradeDoc, d.ref.path, d.data()));
  }

  async saveRollups(rollups: readonly DayRollup[], now: number): Promise<void> {
    const writer = this.db.bulkWriter();
    for (const r of rollups) void writer.set(this.db.doc(rollupPath(r.day)), rollupToDoc(r, now));
    await writer.close();
  }

  async saveSignals(signals: readonly Signal[]): Promise<void> {
    if (signals.length === 0) return;
    const batch = this.db.batch();
    for (const s of signals) batch.set(this.db.doc(signalPath(s.id)), signalToDoc(s));
    await batch.commit();
  }

  async raiseAlert(alert: Alert): Promise<void> {
    // Deterministic ids make a repeated alert an overwrite, not a flood.
    await this.db.doc(alertPath(alert.id)).set(alertToDoc(alert));
  }

  async recordDeadLetter(letter: DeadLetter): Promise<void> {
    await this.db.doc(deadLetterPath(letter.id)).set(deadLetterToDoc(letter));
  }
}
