import type { Firestore } from '@google-cloud/firestore';
import type { Amount } from '../../domain/money.ts';
import type { BookChange, OrderLedger } from '../../ports/state.ts';
import { PATHS } from '../../shared/names.ts';
import { ledgerToDoc, orderToDoc, positionToDoc, symbolDocId, tradeToDoc } from './codec.ts';
import { readBook } from './FirestoreStateStore.ts';

/**
 * Exactly-once effect over at-least-once delivery: the idempotency record orders/{signalId} is
 * read and created in the same transaction that moves money. A duplicate delivery finds the record
 * and changes nothing; a crash before commit leaves nothing, so the redelivery does the work once.
 * The transaction reads three documents (the order, status/system, wallet/paper) and writes only
 * what executeOrder owns: the order, the ledger, the position projection and the trade.
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
      if (change.ledger) {
        tx.set(this.db.doc(PATHS.wallet), ledgerToDoc(change.ledger.wallet, change.ledger.positions, now));
        const symbol = change.order.symbol;
        const ref = this.db.doc(`${PATHS.positions}/${symbolDocId(symbol)}`);
        const position = change.ledger.positions[symbol];
        if (position) tx.set(ref, positionToDoc(position));
        else tx.delete(ref);
      }
      if (change.trade) tx.create(this.db.doc(`${PATHS.trades}/${change.trade.id}`), tradeToDoc(change.trade));
      return { duplicate: false, change };
    });
  }
}
