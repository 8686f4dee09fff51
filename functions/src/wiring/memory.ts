/**
 * TEST-ONLY: the services wired to the in-memory fakes and the bundled replay, so engine-driving
 * tests run without an emulator. The same wiring shape as trading.ts, minus every SDK.
 */
import { MemoryCandleStore } from '../adapters/memory/MemoryCandleStore.ts';
import { MemoryDb, MemoryOrderLedger, MemoryStateStore } from '../adapters/memory/MemoryStateStore.ts';
import { MemorySignalBus } from '../adapters/memory/MemorySignalBus.ts';
import { PaperBroker } from '../adapters/paper/PaperBroker.ts';
import { paperVenue } from '../adapters/paper/recordedRules.ts';
import { ReplayMarketData } from '../adapters/replay/ReplayMarketData.ts';
import { cachedBotConfig } from '../config/botConfig.ts';
import { parseEnv } from '../config/load.ts';
import { encodeSignal } from '../domain/signal.ts';
import { MECHANICS_RISK } from '../domain/testing/builders.ts';
import type { Signal } from '../domain/trading.types.ts';
import { createLogger } from '../lib/log.ts';
import type { PubSubMessage } from '../ports/message.ts';
import { CandleWindowCache } from '../services/candleWindow.ts';
import type { ExecuteDeps } from '../services/executeSignal.ts';
import type { TickDeps } from '../services/runTick.ts';
import { MemoryBudgetNotices } from '../adapters/memory/MemoryBudgetNotices.ts';

/**
 * What these tests are written against: the bundled 1m candles of BTC, ETH and SOL (2023-03-16 →
 * 05-01) and the pinned mechanics risk, not the product's 4h defaults (tests can override both).
 */
export const TEST_ENV_1M = { TIMEFRAME: '1m', SYMBOLS: 'BTC/USDT,ETH/USDT,SOL/USDT' } as const;
/** config/bot for those tests: 1m (config overrides the environment, so a CLI run in-process agrees) and the mechanics risk. */
export const testConfigDoc = (doc: Record<string, unknown> = {}): Record<string, unknown> => ({
  timeframe: TEST_ENV_1M.TIMEFRAME,
  ...doc,
  risk: { ...MECHANICS_RISK, ...(doc.risk as object | undefined) },
});

export function memoryDeps(env: Record<string, string> = {}) {
  const db = new MemoryDb();
  db.config = testConfigDoc();
  const store = new MemoryStateStore(db);
  const candles = new MemoryCandleStore();
  const bus = new MemorySignalBus();
  // Market time: a test sets `clock.t` (an entry fills only while its candle is current at it).
  const clock = { t: 0, now: (): number => clock.t };
  const venue = paperVenue;
  const config = cachedBotConfig(
    () => store.getBotConfigDoc(),
    () => venue.rules(),
    clock,
    0,
  );
  const log = createLogger('error', { service: 'test' });
  const metrics = { record: async () => undefined };
  const parsed = parseEnv({ LOG_LEVEL: 'error', ...TEST_ENV_1M, ...env });
  const tick: TickDeps = {
    env: parsed,
    store,
    config,
    candles,
    source: new ReplayMarketData(),
    venue,
    bus,
    clock,
    wallClock: clock,
    cache: new CandleWindowCache(),
    metrics,
    log,
    version: 'test',
    // read only by a live-mode reconciliation (services/reconcile.ts)
    audit: new MemoryBudgetNotices(db.auditLog),
  };
  const execute: ExecuteDeps = {
    store,
    ledger: new MemoryOrderLedger(db),
    candles,
    config,
    symbols: parsed.SYMBOLS,
    broker: (cfg) => new PaperBroker(cfg),
    venue,
    clock,
    metrics,
    log,
    // as the replay wiring: market time is also what the last tick recorded
    recordedMarketTime: async () => (await store.getStatus())?.marketTime ?? null,
  };
  return { db, store, bus, tick, execute, clock };
}

/** A signal as Pub/Sub would deliver it to executeOrder. */
export function asMessage(signal: Signal): PubSubMessage {
  const body = encodeSignal(signal);
  return { id: signal.id, body, attributes: { signalId: signal.id }, envelopeError: null, raw: body };
}
