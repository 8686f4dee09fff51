/**
 * The one place where adapters are chosen and connected. Clients are created once per instance
 * (lazily, so a cold start pays only for what the invoked function uses) and reused while warm.
 */
import type { Firestore } from '@google-cloud/firestore';
import { parseEnv } from '../config/load.ts';
import { usesReplayClock, type Env } from '../config/schema.ts';
import { createFirestore } from '../adapters/firestore/client.ts';
import { FirestoreStateStore } from '../adapters/firestore/FirestoreStateStore.ts';
import { FirestoreCandleStore } from '../adapters/firestore/FirestoreCandleStore.ts';
import { FirestoreOrderLedger } from '../adapters/firestore/FirestoreOrderLedger.ts';
import { lazyPubSubBus } from '../adapters/pubsub/lazyBus.ts';
import { ReplayMarketData } from '../adapters/replay/ReplayMarketData.ts';
import { ReplayClock, systemClock } from '../adapters/replay/ReplayClock.ts';
import { LogMetrics } from '../adapters/monitoring/LogMetrics.ts';
import { cloudMonitoringMetrics } from '../adapters/monitoring/CloudMonitoringMetrics.ts';
import { createNotifier, notifying } from '../adapters/notify/index.ts';
import { parseOpsEnv } from '../config/opsSchema.ts';
import { apiUrlConfig, brokerAndVenue } from './venue.ts';
import { createLogger } from '../lib/log.ts';
import { CandleWindowCache } from '../services/candleWindow.ts';
import { cachedBotConfig } from '../config/botConfig.ts';
import type { TickDeps } from '../services/runTick.ts';
import type { ExecuteDeps } from '../services/executeSignal.ts';
import type { Clock, MarketData, Venue } from '../ports/index.ts';
import type { ExchangeAccount } from '../ports/exchangeAccount.ts';
import type { LazyExchange } from '../adapters/ccxt/loadExchange.ts';
import { FirestoreOpsStore } from '../adapters/ops/FirestoreOpsStore.ts';

export const VERSION = process.env.K_REVISION ?? process.env.EAGLE_EYE_VERSION ?? 'dev';

export function marketClock(env: Env): Clock {
  if (!usesReplayClock(env)) return systemClock;
  // Without a shared anchor (set by `npm start`), the replay starts when this process started.
  return new ReplayClock(Date.parse(env.REPLAY_START), env.REPLAY_SPEED, env.REPLAY_ANCHOR_MS ?? Date.now());
}

/** `shared`: the live broker's ccxt instance (brokerAndVenue), used instead of an instance of its own. */
export async function marketSource(env: Env, shared?: (() => Promise<LazyExchange>) | null): Promise<MarketData> {
  if (env.MARKET_SOURCE === 'replay') return new ReplayMarketData();
  // ccxt costs seconds to import: only the ccxt-configured instance pays for it.
  const { createCcxtMarketData } = await import('../adapters/ccxt/index.ts');
  return createCcxtMarketData({
    exchangeId: env.EXCHANGE_ID,
    budgetMs: env.FETCH_BUDGET_MS,
    exchangeConfig: apiUrlConfig(env),
    ...(shared && { lazy: await shared() }),
  });
}

/** Live mode only: the account reconciliation reads, with the live broker's keys (ccxt loads on first use); `shared` as marketSource's. */
export async function liveExchangeAccount(env: Env, shared?: (() => Promise<LazyExchange>) | null): Promise<ExchangeAccount | null> {
  if (env.TRADING_MODE !== 'live') return null;
  const { createCcxtExchangeAccount } = await import('../adapters/ccxt/index.ts');
  return createCcxtExchangeAccount({
    exchangeId: env.EXCHANGE_ID,
    apiKey: env.EXCHANGE_API_KEY!,
    secret: env.EXCHANGE_API_SECRET!,
    exchangeConfig: apiUrlConfig(env),
    ...(shared && { lazy: await shared() }),
  });
}

export interface Runtime {
  env: Env;
  db: Firestore;
  /** the exchange's rules and key health (paper: the recorded snapshot) */
  venue: Venue;
  tickDeps(): Promise<TickDeps>;
  executeDeps(): Promise<ExecuteDeps>;
}

export function createRuntime(env: Env = parseEnv(), overrides: Partial<TickDeps & ExecuteDeps> = {}): Runtime {
  const db = createFirestore(env.PROJECT_ID);
  const log = createLogger(env.LOG_LEVEL, { service: 'eagle-eye', version: VERSION });
  const opsEnv = parseOpsEnv();
  // Every alert and dead letter also notifies (Telegram when configured).
  const store = notifying(new FirestoreStateStore(db), createNotifier(db, opsEnv, log));
  const metrics = opsEnv.METRICS_BACKEND === 'monitoring' ? cloudMonitoringMetrics(env.PROJECT_ID, log) : new LogMetrics(log);
  const clock = marketClock(env);
  const cache = new CandleWindowCache();
  const trading = brokerAndVenue(env);
  const venue = overrides.venue ?? trading.venue;
  const config = cachedBotConfig(
    () => store.getBotConfigDoc(),
    () => venue.rules(),
    systemClock,
    env.CONFIG_CACHE_MS,
    env.TIMEFRAME,
  );
  const candles = new FirestoreCandleStore(db);
  let tick: Promise<TickDeps> | undefined;
  let exec: Promise<ExecuteDeps> | undefined;
  return {
    env,
    db,
    venue,
    tickDeps: () =>
      (tick ??= (async () => {
        // Only the tick publishes, and it loads the Pub/Sub client with its first signal.
        return {
          env,
          store,
          config,
          candles,
          source: await marketSource(env, trading.exchange),
          venue,
          bus: lazyPubSubBus(env.PROJECT_ID, env.SIGNALS_TOPIC),
          clock,
          wallClock: systemClock,
          cache,
          metrics,
          log,
          version: VERSION,
          ...(env.TRADING_MODE === 'live' && {
            account: (await liveExchangeAccount(env, trading.exchange))!,
            audit: new FirestoreOpsStore(db),
          }),
          ...overrides,
        };
      })()),
    executeDeps: () =>
      (exec ??= (async () => ({
        store,
        ledger: new FirestoreOrderLedger(db),
        candles,
        config,
        symbols: env.SYMBOLS,
        broker: await trading.broker(),
        venue,
        clock,
        metrics,
        log,
        // a replay's market time is also what its tick last recorded (one read; the wall clock needs none)
        ...(usesReplayClock(env) && { recordedMarketTime: async () => (await store.getStatus())?.marketTime ?? null }),
        ...overrides,
      }))()),
  };
}

let instance: Runtime | undefined;

/** The instance's runtime: one per process, however many of the functions it serves. */
export const instanceRuntime = (): Runtime => (instance ??= createRuntime());
