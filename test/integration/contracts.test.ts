/** The port contracts against the Firestore adapters on the real emulator (the fakes run the same suites in the unit project). */
import { costFromDoc, costPath } from '../../functions/src/shared/store/index.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { createSignal } from '../../functions/src/domain/signal.ts';
import { toAmount } from '../../functions/src/domain/money.ts';
import { FirestoreCandleStore } from '../../functions/src/adapters/firestore/FirestoreCandleStore.ts';
import { FirestoreOrderLedger } from '../../functions/src/adapters/firestore/FirestoreOrderLedger.ts';
import { FirestoreStateStore } from '../../functions/src/adapters/firestore/FirestoreStateStore.ts';
import { FirestoreOpsStore } from '../../functions/src/adapters/ops/FirestoreOpsStore.ts';
import { describeBudgetNoticesContract } from '../../functions/src/ports/contracts/budgetNotices.contract.ts';
import { describeCandleStoreContract } from '../../functions/src/ports/contracts/candleStore.contract.ts';
import { describeStateStoreContract } from '../../functions/src/ports/contracts/stateStore.contract.ts';
import { describeShadowStoreContract } from '../../functions/src/ports/contracts/shadowStore.contract.ts';
import { FirestoreShadowStore } from '../../functions/src/adapters/firestore/FirestoreShadowStore.ts';
import { resetFirestore, testRuntime } from './harness.ts';
import { signalPath } from '../../functions/src/shared/store/index.ts';

const runtime = testRuntime();
afterAll(() => runtime.db.terminate());

describeStateStoreContract('Firestore (emulator)', async () => {
  await resetFirestore();
  return { store: new FirestoreStateStore(runtime.db), ledger: new FirestoreOrderLedger(runtime.db) };
});
describeShadowStoreContract('Firestore (emulator)', async () => {
  await resetFirestore();
  return {
    store: new FirestoreStateStore(runtime.db),
    shadow: new FirestoreShadowStore(runtime.db),
    audit: new FirestoreOpsStore(runtime.db),
  };
});
describeCandleStoreContract('Firestore (emulator)', async () => {
  await resetFirestore();
  return new FirestoreCandleStore(runtime.db);
});

describeBudgetNoticesContract(
  'Firestore (emulator)',
  async () => {
    await resetFirestore();
    return new FirestoreOpsStore(runtime.db);
  },
  async (_ops, month) => {
    const snap = await runtime.db.doc(costPath(month)).get();
    return snap.exists ? costFromDoc(snap.ref.path, snap.data()).costAmount : null;
  },
);

describe('signals/{id} on Firestore', () => {
  it('stores every amount as an 8-decimal string, qty included', async () => {
    await resetFirestore();
    const s = createSignal(
      {
        strategyVersion: 't@1',
        symbol: 'BTC/USDT',
        timeframe: '1m',
        candleTime: Date.parse('2023-03-20T12:00:00Z'),
        side: 'buy',
        reason: 'regime_entry',
        refPrice: toAmount('27000.5'),
        atr: toAmount('12.25'),
        qty: toAmount('0.19124'),
      },
      Date.now(),
    );
    await new FirestoreStateStore(runtime.db).saveSignals([s]);
    expect((await runtime.db.doc(signalPath(s.id)).get()).data()).toMatchObject({
      refPrice: '27000.50000000',
      atr: '12.25000000',
      qty: '0.19124000',
    });
  });
});
