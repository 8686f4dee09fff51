import type { Firestore, Transaction } from '@google-cloud/firestore';
import { runTransaction } from './transaction.ts';
import type { Amount } from '../../domain/money.ts';
import {
  AttemptRaceError,
  type AdjustmentLedger,
  type Book,
  type BookChange,
  type LiveIntent,
  type LiveStep,
  type OrderLedger,
} from '../../ports/state.ts';
import type { LedgerAdjustment } from '../../domain/reconcile/index.ts';
import {
  accountToDoc,
  IntentDoc,
  PATHS,
  intentPath,
  intentToDoc,
  ledgerToDoc,
  orderPath,
  orderToDoc,
  parseDoc,
  positionPath,
  positionToDoc,
  tradePath,
  tradeToDoc,
} from '../../shared/store/index.ts';
import { readBook } from './FirestoreStateStore.ts';
import { addTrade, emptyDay, tradeDay, type DayRollup } from '../../domain/performance/daily.ts';
import { rollupFromDoc, rollupPath, rollupToDoc } from '../../shared/store/index.ts';

const intentFromDoc = (path: string, data: unknown): LiveIntent => parseDoc(IntentDoc, path, data);

/**
 * Exactly-once effect over at-least-once delivery: the idempotency record orders/{signalId} is
 * read and created in the same transaction that moves money. A duplicate delivery finds the record
 * and changes nothing; a crash before commit leaves nothing, so the redelivery does the work once.
 * The transaction reads three documents (the order, status/system, wallet/paper) and writes only
 * what executeOrder owns: the order, the ledger, the position projection and the trade; a fill also
 * reads and rewrites its day's rollup (rollups/{yyyymmdd}), so the day's numbers move with the ledger.
 *
 * Live orders split it around the exchange call: intents/{signalId} records what is being sent
 * (tx 1), its lastAttemptAt is set before each send, and tx 2 commits the outcome as above and
 * drops the intent. orders/ only ever holds final outcomes, which is what the tick's settlement reads.
 */
export class FirestoreOrderLedger implements OrderLedger, AdjustmentLedger {
  constructor(private readonly db: Firestore) {}

  private orderRef = (id: string) => this.db.doc(orderPath(id));
  private intentRef = (id: string) => this.db.doc(intentPath(id));

  /** The trade's day rollup with the trade added: read in the transaction, after `decide` and before any write. */
  private async rollup(tx: Transaction, change: BookChange): Promise<DayRollup | null> {
    if (!change.trade) return null;
    const day = tradeDay(change.trade);
    const snap = await tx.get(this.db.doc(rollupPath(day)));
    return addTrade(snap.exists ? rollupFromDoc(snap.ref.path, snap.data()) : emptyDay(day), change.trade);
  }

  private commit(tx: Transaction, change: BookChange, now: number, rollup: DayRollup | null): void {
    if (rollup) tx.set(this.db.doc(rollupPath(rollup.day)), rollupToDoc(rollup, now));
    tx.create(this.orderRef(change.order.signalId), orderToDoc(change.order));
    if (change.ledger) {
      tx.set(this.db.doc(PATHS.wallet), ledgerToDoc(change.ledger.wallet, change.ledger.positions, now));
      const symbol = change.order.symbol;
      const ref = this.db.doc(positionPath(symbol));
      const position = change.ledger.positions[symbol];
      if (position) tx.set(ref, positionToDoc(position));
      else tx.delete(ref);
    }
    if (change.trade) tx.create(this.db.doc(tradePath(change.trade.id)), tradeToDoc(change.trade));
  }

  async execute(signalId: string, initialCash: Amount, now: number, decide: (book: Book) => Promise<BookChange>) {
    return runTransaction(this.db, async (tx) => {
      const existing = await tx.get(this.orderRef(signalId));
      if (existing.exists) return { duplicate: true, change: null };
      const change: BookChange = await decide(await readBook(this.db, initialCash, now, tx));
      this.commit(tx, change, now, await this.rollup(tx, change));
      return { duplicate: false, change };
    });
  }

  async beginLive(
    signalId: string,
    initialCash: Amount,
    now: number,
    plan: (book: Book, inFlight: ReadonlySet<string>) => Promise<{ intent: LiveIntent } | { refused: BookChange }>,
  ): Promise<LiveStep> {
    return runTransaction(this.db, async (tx): Promise<LiveStep> => {
      const [order, intent] = await tx.getAll(this.orderRef(signalId), this.intentRef(signalId));
      if (order!.exists) return { kind: 'final' };
      if (intent!.exists) return { kind: 'placing', intent: intentFromDoc(intent!.ref.path, intent!.data()) };
      // intents/ holds only the live orders in flight (a handful at most): one small query, live only.
      const open = await tx.get(this.intentRef(signalId).parent.select('symbol'));
      const inFlight = new Set(open.docs.map((d) => d.get('symbol') as string));
      const planned = await plan(await readBook(this.db, initialCash, now, tx), inFlight);
      if ('refused' in planned) {
        this.commit(tx, planned.refused, now, await this.rollup(tx, planned.refused));
        return { kind: 'refused', change: planned.refused };
      }
      tx.create(this.intentRef(signalId), intentToDoc(planned.intent));
      return { kind: 'placing', intent: planned.intent };
    });
  }

  async markAttempt(signalId: string, seen: number | undefined, at: number): Promise<void> {
    await runTransaction(this.db, async (tx) => {
      const snap = await tx.get(this.intentRef(signalId));
      const intent = snap.exists ? intentFromDoc(snap.ref.path, snap.data()) : null;
      if (!intent || intent.lastAttemptAt !== seen) throw new AttemptRaceError(`intent ${signalId}: another delivery recorded an attempt`);
      tx.update(snap.ref, { lastAttemptAt: at });
    });
  }

  async adjust(initialCash: Amount, now: number, decide: (book: Book) => LedgerAdjustment | null): Promise<LedgerAdjustment | null> {
    return runTransaction(this.db, async (tx) => {
      const book = await readBook(this.db, initialCash, now, tx);
      const adj = decide(book);
      if (!adj) return null;
      tx.set(this.db.doc(PATHS.wallet), ledgerToDoc(adj.wallet, adj.positions, now));
      for (const symbol of new Set(adj.entries.map((e) => e.symbol))) {
        const ref = this.db.doc(positionPath(symbol));
        const position = adj.positions[symbol];
        if (position) tx.set(ref, positionToDoc(position));
        else if (book.positions[symbol]) tx.delete(ref);
      }
      for (const entry of adj.entries) tx.create(this.db.doc(tradePath(entry.id)), tradeToDoc(entry));
      // The marks belong to status/system (the tick moves them): only the account field, merged.
      tx.set(this.db.doc(PATHS.status), { account: accountToDoc(adj.wallet) }, { merge: true });
      return adj;
    });
  }

  async finishLive(signalId: string, initialCash: Amount, now: number, decide: (book: Book) => Promise<BookChange>) {
    return runTransaction(this.db, async (tx) => {
      const [order, intent] = await tx.getAll(this.orderRef(signalId), this.intentRef(signalId));
      if (order!.exists) return { duplicate: true, change: null };
      if (!intent!.exists) throw new Error(`no live intent recorded for ${signalId}`);
      const change: BookChange = await decide(await readBook(this.db, initialCash, now, tx));
      this.commit(tx, change, now, await this.rollup(tx, change));
      tx.delete(intent!.ref);
      return { duplicate: false, change };
    });
  }
}
