/**
 * Adapters for the operations functions (admin, budgetGuard), beside trading.ts's trading runtime.
 * Everything heavy (Pub/Sub, firebase-admin, google-auth-library, Cloud Scheduler) loads on first
 * use, so a cold admin call that only reads health pays for none of it.
 */
import { randomUUID } from 'node:crypto';
import { parseOpsEnv, type OpsEnv } from '../config/opsSchema.ts';
import { instanceRuntime, liveExchangeAccount, marketClock, marketSource, VERSION, type Runtime } from './trading.ts';
import { FirestoreStateStore } from '../adapters/firestore/FirestoreStateStore.ts';
import { FirestoreCandleStore } from '../adapters/firestore/FirestoreCandleStore.ts';
import { FirestoreOrderLedger } from '../adapters/firestore/FirestoreOrderLedger.ts';
import { FirestoreChatGuard } from '../adapters/firestore/FirestoreChatGuard.ts';
import { FirestoreOpsStore } from '../adapters/ops/FirestoreOpsStore.ts';
import { firebaseVerifier, googleServiceAccountVerifier } from '../adapters/ops/verifiers.ts';
import { firebaseAuthAccounts } from '../adapters/ops/FirebaseAuthAccounts.ts';
import { schedulerControl } from '../adapters/scheduler/SchedulerControls.ts';
import { createLogger } from '../lib/log.ts';
import { createNotifier, notifying } from '../adapters/notify/index.ts';
import { runTick } from '../services/runTick.ts';
import type { AdminHandlerDeps } from '../handlers/admin.ts';
import type { BudgetDeps } from '../services/budgetGuard.ts';
import type { TelegramDeps } from '../services/telegramBot.ts';
import { TelegramBotApi } from '../adapters/notify/TelegramBotApi.ts';
import type { SignalBus } from '../ports/index.ts';
import { lazyPubSubBus } from '../adapters/pubsub/lazyBus.ts';

export interface OpsRuntime {
  opsEnv: OpsEnv;
  adminDeps(): Promise<AdminHandlerDeps>;
  budgetDeps(): Promise<BudgetDeps>;
  /** the command bot: refused (the webhook answers 503) until its token, secret and chats are set */
  telegramDeps(): Promise<TelegramDeps>;
}

export function createOpsRuntime(runtime: Runtime, opsEnv: OpsEnv = parseOpsEnv()): OpsRuntime {
  const { env, db } = runtime;
  const log = createLogger(env.LOG_LEVEL, { service: 'eagle-eye', version: VERSION });
  const clock = marketClock(env);
  const store = notifying(new FirestoreStateStore(db), createNotifier(db, opsEnv, log));
  const bus = lazyPubSubBus(env.PROJECT_ID, env.SIGNALS_TOPIC);
  const loadBus = async (): Promise<SignalBus> => bus;
  let admin: Promise<AdminHandlerDeps> | undefined;
  let budget: Promise<BudgetDeps> | undefined;
  let telegram: Promise<TelegramDeps> | undefined;
  const scheduler = () =>
    schedulerControl(db, { projectId: env.PROJECT_ID, region: opsEnv.SCHEDULER_REGION, emulator: Boolean(env.FIRESTORE_EMULATOR_HOST) });
  const adminDeps = () =>
    (admin ??= Promise.resolve({
      env,
      store,
      ops: new FirestoreOpsStore(db),
      candles: new FirestoreCandleStore(db),
      source: () => marketSource(env),
      exchangeRules: () => runtime.venue.rules(),
      bus: loadBus,
      scheduler: scheduler(),
      ledger: new FirestoreOrderLedger(db),
      account: () => liveExchangeAccount(env),
      accounts: () => firebaseAuthAccounts(env.PROJECT_ID),
      tick: async ({ asOf }) => runTick(await runtime.tickDeps(), { tickId: `admin-${randomUUID()}`, now: asOf }),
      marketNow: async () => clock.now(),
      wallNow: () => Date.now(),
      log: log.child({ function: 'admin' }),
      verifiers: [firebaseVerifier(env.PROJECT_ID), googleServiceAccountVerifier(opsEnv.ADMIN_TOKEN_AUDIENCE)],
      serviceAccounts: opsEnv.ADMIN_SERVICE_ACCOUNTS,
      allowedOrigins: opsEnv.ADMIN_ALLOWED_ORIGINS,
    }));
  return {
    opsEnv,
    adminDeps,
    telegramDeps: () =>
      (telegram ??= (async () => {
        const { TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_SECRET: secret } = opsEnv;
        if (!token || !secret) throw new Error('TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET are required');
        const admin = await adminDeps();
        return {
          ...admin,
          log: log.child({ function: 'telegram' }),
          chat: new TelegramBotApi({ token, apiUrl: opsEnv.TELEGRAM_API_URL }),
          secret,
          readerChats: opsEnv.TELEGRAM_READ_CHAT_IDS,
          adminChats: opsEnv.TELEGRAM_ADMIN_CHAT_IDS,
          confirmTtlMs: opsEnv.TELEGRAM_CONFIRM_TTL_S * 1000,
          guard: new FirestoreChatGuard(db),
          rateLimit: { perMinute: opsEnv.TELEGRAM_RATE_PER_MIN, burst: opsEnv.TELEGRAM_RATE_BURST },
        };
      })()),
    budgetDeps: () =>
      (budget ??= Promise.resolve({
        store,
        ops: new FirestoreOpsStore(db),
        clock,
        log: log.child({ function: 'budgetGuard' }),
        pausePct: opsEnv.BUDGET_PAUSE_PCT,
      })),
  };
}

let instance: OpsRuntime | undefined;

/** The instance's operations runtime, on top of its trading runtime. */
export const instanceOpsRuntime = (): OpsRuntime => (instance ??= createOpsRuntime(instanceRuntime()));
