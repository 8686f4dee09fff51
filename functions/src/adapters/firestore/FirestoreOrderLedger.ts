import type { Firestore, Transaction } from '@google-cloud/firestore';
import { z } from 'zod';
import { toAmount, toDecimalString, type Amount } from '../../domain/money.ts';
import { AttemptRaceError, type Book, type BookChange, type LiveIntent, type LiveStep, type OrderLedger } from '../../ports/state.ts';
import { PATHS } from '../../shared/names.ts';
import { formatIssues } from '../../config/load.ts';
import { CorruptDocumentError, ledgerToDoc, orderToDoc, positionToDoc, symbolDocId, tradeToDoc } from './codec.ts';
import { readBook } from './FirestoreStateStore.ts';

const IntentDoc = z.object({
  signalId: z.string(),
  symbol: z.string(),
  side: z.enum(['buy', 'sell']),
  qty: z.string().regex(/^\d{1,12}\.\d{8}$/),
  createdAt: z.number().int().nonnegative(),
  lastAttemptAt: z.number().int().nonnegative().nullable(),
});

function intentFromDoc(path: string, data: unknown): LiveIntent {
  const r = IntentDoc.safeParse(data);
  if (!r.success) throw new CorruptDocumentError(path, formatIssues(r.error));
  const { lastAttemptAt, qty, ...rest } = r.data;
  return { ...rest, qty: toAmount(qty), ...(lastAttemptAt === null ? {} : { lastAttemptAt }) };
}

const intentToDoc = (i: LiveIntent) => ({ signalId: i.signalId, symbol: i.symbol, side: i.side, qty: toDecimalString(i.qty), createdAt: i.createdAt, lastAttemptAt: i.lastAttemptAt ?? null });

/**
 * Exactly-once effect over at-least-once delivery: the idempotency record orders/{signalId} is
 * read and created in the same transaction that moves money. A duplicate delivery finds the record
 * and changes nothing; a crash before commit leaves nothing, so the redelivery does the work once.
 * The transaction reads three documents (the order, status/system, wallet/paper) and writes only
 * what executeOrder owns: the order, the ledger, the position projection and the trade.
 *
 * Live orders split it around the exchange call: intents/{signalId} records what is being sent
 * (tx 1), its lastAttemptAt is set before each send, and tx 2 commits the outcome as above and
 * drops the intent. orders/ only ever holds final outcomes, which is what the tick's settlement reads.
 */
export class FirestoreOrderLedger implements OrderLedger {
  constructor(private readonly db: Firestore) {}

  private orderRef = (id: string) => this.db.doc(`${PATHS.orders}/${id}`);
  private intentRef = (id: string) => this.db.doc(`${PATHS.intents}/${id}`);

  private commit(tx: Transaction, change: BookChange, now: number): void {
    tx.create(this.orderRef(change.order.signalId), orderToDoc(change.order));
    if (change.ledger) {
      tx.set(this.db.doc(PATHS.wallet), ledgerToDoc(change.ledger.wallet, change.ledger.positions, now));
      const symbol = change.order.symbol;
      const ref = this.db.doc(`${PATHS.positions}/${symbolDocId(symbol)}`);
      const position = change.ledger.positions[symbol];
      if (position) tx.set(ref, positionToDoc(position));
      else tx.delete(ref);
    }
    if (change.trade) tx.create(this.db.doc(`${PATHS.trades}/${change.trade.id}`), tradeToDoc(change.trade));
  }

  async execute(signalId: string, initialCash: Amount, now: number, decide: (book: Book) => Promise<BookChange>) {
    return this.db.runTransaction(async (tx) => {
      const existing = await tx.get(this.orderRef(signalId));
      if (existing.exists) return { duplicate: true, change: null };
      const change: BookChange = await decide(await readBook(this.db, initialCash, now, tx));
      this.commit(tx, change, now);
      return { duplicate: false, change };
    });
  }

  async beginLive(signalId: string, initialCash: Amount, now: number, plan: (book: Book, inFlight: ReadonlySet<string>) => Promise<{ intent: LiveIntent } | { refused: BookChange }>): Promise<LiveStep> {
    return this.db.runTransaction(async (tx): Promise<LiveStep> => {
      const [order, intent] = await tx.getAll(this.orderRef(signalId), this.intentRef(signalId));
      if (order!.exists) return { kind: 'final' };
      if (intent!.exists) return { kind: 'placing', intent: intentFromDoc(intent!.ref.path, intent!.data()) };
      // intents/ holds only the live orders in flight (a handful at most): one small query, live only.
      const open = await tx.get(this.intentRef(signalId).parent.select('symbol'));
      const inFlight = new Set(open.docs.map((d) => d.get('symbol') as string));
      const planned = await plan(await readBook(this.db, initialCash, now, tx), inFlight);
      if ('refused' in planned) {
        this.commit(tx, planned.refused, now);
        return { kind: 'refused', change: planned.refused };
      }
      tx.create(this.intentRef(signalId), intentToDoc(planned.intent));
      return { kind: 'placing', intent: planned.intent };
    });
  }

  async markAttempt(signalId: string, seen: number | undefined, at: number): Promise<void> {
    await this.db.runTransaction(async (tx) => {
      const snap = await tx.get(this.intentRef(signalId));
      const intent = snap.exists ? intentFromDoc(snap.ref.path, snap.data()) : null;
      if (!intent || intent.lastAttemptAt !== seen) throw new AttemptRaceError(`intent ${signalId}: another delivery recorded an attempt`);
      tx.update(snap.ref, { lastAttemptAt: at });
    });
  }

  async finishLive(signalId: string, initialCash: Amount, now: number, decide: (book: Book) => Promise<BookChange>) {
    return this.db.runTransaction(async (tx) => {
      const [order, intent] = await tx.getAll(this.orderRef(signalId), this.intentRef(signalId));
      if (order!.exists) return { duplicate: true, change: null };
      if (!intent!.exists) throw new Error(`no live intent recorded for ${signalId}`);
      const change: BookChange = await decide(await readBook(this.db, initialCash, now, tx));
      this.commit(tx, change, now);
      tx.delete(intent!.ref);
      return { duplicate: false, change };
    });
  }
}
