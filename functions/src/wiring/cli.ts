/**
 * The admin services as `eagle` runs them in its own process against a local stack's emulators:
 * the same adapters as the admin function (wiring/ops.ts), with what differs on a workstation passed
 * in (how a tick is sent, the stack's market time, progress output).
 */
import type { Firestore } from '@google-cloud/firestore';
import type { Env } from '../config/schema.ts';
import { FirestoreStateStore } from '../adapters/firestore/FirestoreStateStore.ts';
import { FirestoreCandleStore } from '../adapters/firestore/FirestoreCandleStore.ts';
import { FirestoreOrderLedger } from '../adapters/firestore/FirestoreOrderLedger.ts';
import { FirestoreOpsStore } from '../adapters/ops/FirestoreOpsStore.ts';
import { firebaseAuthAccounts } from '../adapters/ops/FirebaseAuthAccounts.ts';
import { FirestoreSchedulerFlag } from '../adapters/scheduler/SchedulerControls.ts';
import { createLogger } from '../lib/log.ts';
import type { AdminDeps } from '../services/admin.ts';
import type { SignalBus } from '../ports/index.ts';
import { liveExchangeAccount, marketSource } from './trading.ts';
import { venueFor } from './venue.ts';

export { createFirestore } from '../adapters/firestore/client.ts';

export function cliAdminDeps(
  env: Env,
  db: Firestore,
  local: Pick<AdminDeps, 'tick' | 'marketNow' | 'onBackfillStep'>,
): { deps: AdminDeps; close(): Promise<void> } {
  let pubsub: { close(): Promise<void> } | undefined;
  let bus: Promise<SignalBus> | undefined;
  const deps: AdminDeps = {
    env,
    store: new FirestoreStateStore(db),
    ops: new FirestoreOpsStore(db),
    candles: new FirestoreCandleStore(db),
    source: () => marketSource(env),
    exchangeRules: () => venueFor(env).rules(),
    bus: () =>
      (bus ??= (async () => {
        const [{ PubSub }, { PubSubSignalBus }] = await Promise.all([
          import('@google-cloud/pubsub'),
          import('../adapters/pubsub/PubSubSignalBus.ts'),
        ]);
        const client = new PubSub({ projectId: env.PROJECT_ID });
        pubsub = client;
        return new PubSubSignalBus(client, env.SIGNALS_TOPIC);
      })()),
    scheduler: new FirestoreSchedulerFlag(db),
    ledger: new FirestoreOrderLedger(db),
    account: () => liveExchangeAccount(env),
    // the stack's Auth emulator (FIREBASE_AUTH_EMULATOR_HOST) or, with credentials, production's Auth
    accounts: () => firebaseAuthAccounts(env.PROJECT_ID),
    wallNow: () => Date.now(),
    log: createLogger('error'),
    ...local,
  };
  return { deps, close: async () => void (await pubsub?.close()) };
}
