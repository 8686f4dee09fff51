/**
 * The Firestore stores over one client, plain (no notifying decorator): what the operator scripts
 * (backup, restore, drill, soak, chaos, benches) read and write with, built here like every other
 * composition of adapters.
 */
import type { Firestore } from '@google-cloud/firestore';
import { FirestoreStateStore } from '../adapters/firestore/FirestoreStateStore.ts';
import { FirestoreCandleStore } from '../adapters/firestore/FirestoreCandleStore.ts';
import { FirestoreOrderLedger } from '../adapters/firestore/FirestoreOrderLedger.ts';
import { FirestoreOpsStore } from '../adapters/ops/FirestoreOpsStore.ts';

export function firestoreStores(db: Firestore) {
  return {
    state: new FirestoreStateStore(db),
    candles: new FirestoreCandleStore(db),
    ledger: new FirestoreOrderLedger(db),
    ops: new FirestoreOpsStore(db),
  };
}
