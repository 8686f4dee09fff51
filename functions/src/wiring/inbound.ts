/**
 * Adapters of the signed inbound-signal webhook, on top of the instance's trading runtime
 * (wiring.ts): its state store, candles, config and market clock, plus inbound/ and the signals bus.
 */
import { parseInboundEnv } from '../config/inboundEnv.ts';
import { instanceRuntime, VERSION, type Runtime } from './trading.ts';
import { FirestoreInboundStore } from '../adapters/firestore/FirestoreInboundStore.ts';
import { lazyPubSubBus } from '../adapters/pubsub/lazyBus.ts';
import { createLogger } from '../lib/log.ts';
import type { InboundDeps } from '../services/inboundSignal.ts';

export function createInboundDeps(runtime: Runtime, envVars: Record<string, string | undefined> = process.env): () => Promise<InboundDeps> {
  let deps: Promise<InboundDeps> | undefined;
  return () =>
    (deps ??= (async () => {
      const { env, db } = runtime;
      const exec = await runtime.executeDeps();
      const bus = lazyPubSubBus(env.PROJECT_ID, env.SIGNALS_TOPIC);
      return {
        settings: parseInboundEnv(envVars),
        inbound: new FirestoreInboundStore(db),
        store: exec.store,
        candles: exec.candles,
        config: exec.config,
        symbols: env.SYMBOLS,
        timeframe: env.TIMEFRAME,
        bus: async () => bus,
        // as executeOrder reads it: a replay's market time is also what its tick last recorded
        marketNow: async () => Math.max(exec.clock.now(), (await exec.recordedMarketTime?.()) ?? -Infinity),
        wallNow: () => Date.now(),
        log: createLogger(env.LOG_LEVEL, { service: 'eagle-eye', version: VERSION }).child({ function: 'signalWebhook' }),
      };
    })());
}

let instance: (() => Promise<InboundDeps>) | undefined;

/** The instance's webhook dependencies (built on first request). */
export const instanceInboundDeps = (): Promise<InboundDeps> => (instance ??= createInboundDeps(instanceRuntime()))();
