import type { Firestore } from '@google-cloud/firestore';
import type { Amount } from '../../domain/money.ts';
import type { BookChange, OrderLedger } from '../../ports/state.ts';
import { orderToDoc, positionToDoc, symbolDocId, tradeToDoc, walletToDoc } from './codec.ts';
import { PATHS, readBook } from './FirestoreStateStore.ts';

/**
 * Exactly-once effect over at-least-once delivery: the idempotency record orders/{signalId} is
 * read and created in the same transaction that moves money. A duplicate delivery finds the record
 * and changes nothing; a crash before commit leaves nothing, so the redelivery does the work once.
 */
export class FirestoreOrderLedger implements OrderLedger {
  constructor(private readonly db: Firestore) {}

  async execute(signalId: string, initialCash: Amount, now: number, decide: Parameters<OrderLedger['execute']>[3]) {
    return this.db.runTransaction(async (tx) => {
      const orderRef = this.db.doc(`${PATHS.orders}/${signalId}`);
      const existing = await tx.get(orderRef);
      if (existing.exists) return { duplicate: true, change: null };
      const book = await readBook(this.db, initialCash, now, tx);
      const change: BookChange = await decide(book);
      tx.create(orderRef, orderToDoc(change.order));
      if (change.wallet) tx.set(this.db.doc(PATHS.wallet), walletToDoc(change.wallet, now));
      if (change.trade) tx.create(this.db.doc(`${PATHS.trades}/${change.trade.id}`), tradeToDoc(change.trade));
      if (change.position !== undefined) {
        const symbol = change.order.symbol;
        const ref = this.db.doc(`${PATHS.positions}/${symbolDocId(symbol)}`);
        if (change.position === null) tx.delete(ref);
        else tx.set(ref, positionToDoc(change.position));
      }
      return { duplicate: false, change };
    });
  }
}
