/** The port contracts against the Firestore adapters on the real emulator (the fakes run the same suites in the unit project). */
import { afterAll } from 'vitest';
import { FirestoreCandleStore } from '../../functions/src/adapters/firestore/FirestoreCandleStore.ts';
import { FirestoreOrderLedger } from '../../functions/src/adapters/firestore/FirestoreOrderLedger.ts';
import { FirestoreStateStore } from '../../functions/src/adapters/firestore/FirestoreStateStore.ts';
import { describeCandleStoreContract } from '../../functions/src/ports/contracts/candleStore.contract.ts';
import { describeStateStoreContract } from '../../functions/src/ports/contracts/stateStore.contract.ts';
import { resetFirestore, testRuntime } from './harness.ts';

const runtime = testRuntime();
afterAll(() => runtime.db.terminate());

describeStateStoreContract('Firestore (emulator)', async () => {
  await resetFirestore();
  return { store: new FirestoreStateStore(runtime.db), ledger: new FirestoreOrderLedger(runtime.db) };
});
describeCandleStoreContract('Firestore (emulator)', async () => {
  await resetFirestore();
  return new FirestoreCandleStore(runtime.db);
});
