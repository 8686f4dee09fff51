/**
 * The chaos run, shared by `npm run chaos` (its own emulators) and the integration suite: N valid
 * signals (a mix of buys and sells on four symbols, each at the close of a real bundled candle that
 * is stored first, as the tick would) published through the real topic → push subscription →
 * functions-framework → executeOrder path, with ≥ 30 % duplicates, in random order with random
 * delays, while ~5 % of executeOrder invocations crash at a random point. Crashes are injected by
 * wrapping the deployed handler's ports (ledger, broker) for one invocation, never by a flag in
 * production code. When every published message has been acknowledged, the ledger is audited.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CloudEventFunction } from '@google-cloud/functions-framework';
import type { Firestore } from '@google-cloud/firestore';
import { FirestoreCandleStore } from '../../functions/src/adapters/firestore/FirestoreCandleStore.ts';
import { loadBundledCandles } from '../../functions/src/adapters/replay/ReplayMarketData.ts';
import { decodePubSubEvent } from '../../functions/src/handlers/pubsub.ts';
import { toAmount } from '../../functions/src/domain/money.ts';
import { createSignal } from '../../functions/src/domain/signal.ts';
import type { Signal } from '../../functions/src/domain/trading.types.ts';
import type { OrderLedger } from '../../functions/src/ports/state.ts';
import { runAudit } from '../../functions/src/services/auditLedger.ts';
import { executeSignalMessage, type ExecuteDeps } from '../../functions/src/services/executeSignal.ts';
import type { Runtime } from '../../functions/src/wiring.ts';
import { mulberry32 } from '../../functions/src/domain/testing/prng.ts';

/** Four symbols, each with a small fixed quantity (tens of dollars) so a large book never hits a limit. */
const MARKETS: readonly { symbol: string; qty: string }[] = [
  { symbol: 'BTC/USDT', qty: '0.00100000' },
  { symbol: 'ETH/USDT', qty: '0.02000000' },
  { symbol: 'SOL/USDT', qty: '2.00000000' },
  { symbol: 'XRP/USDT', qty: '100.00000000' },
];
/** Bundled 1m candles every symbol has (XRP's file starts 2023-04-01). */
const FIRST_CANDLE = Date.parse('2023-04-05T00:00:00Z');
const CANDLES_PER_SYMBOL = 300;
export const CHAOS_ENV = { SYMBOLS: MARKETS.map((m) => m.symbol).join(','), TIMEFRAME: '1m', REPLAY_START: '2023-05-01T00:00:00Z', CONFIG_CACHE_MS: '0' } as const;
export const CHAOS_CONFIG = {
  symbols: MARKETS.map((m) => m.symbol),
  timeframe: '1m',
  risk: { maxOpenPositions: 10, maxExposurePerSymbolPct: 50, dailyLossLimitPct: 50, killSwitchDrawdownPct: 50 },
  paper: { feeBps: 10, slippageBps: 5, initialCash: '1000000' },
};

export type CrashPoint = 'before_read' | 'after_fill' | 'before_commit' | 'after_commit';
const CRASH_POINTS: readonly CrashPoint[] = ['before_read', 'after_fill', 'before_commit', 'after_commit'];

export class InjectedCrash extends Error {
  constructor(readonly point: CrashPoint) {
    super(`chaos: injected crash ${point}`);
  }
}

/** mulberry32 (the domain's test PRNG): a seeded generator, so a run can be repeated with --seed. */
export const seededRandom = mulberry32;

/** N distinct valid signals: buys and sells, round-robin over the symbols, at real candle closes. */
export function chaosSignals(n: number, random: () => number): { signals: Signal[]; candles: Map<string, ReturnType<typeof loadBundledCandles>> } {
  const candles = new Map<string, ReturnType<typeof loadBundledCandles>>();
  for (const m of MARKETS) {
    const all = loadBundledCandles(m.symbol, '1m');
    const from = all.findIndex((c) => c.t >= FIRST_CANDLE);
    candles.set(m.symbol, all.slice(from, from + CANDLES_PER_SYMBOL));
  }
  const signals: Signal[] = [];
  for (let i = 0; i < n; i++) {
    const m = MARKETS[i % MARKETS.length]!;
    const slot = Math.floor(i / MARKETS.length);
    const side = slot % 2 === 0 ? 'buy' : 'sell';
    const list = candles.get(m.symbol)!;
    const candle = list[Math.floor(random() * list.length)]!;
    // The id hashes (version, symbol, timeframe, time, side): the version keeps every signal distinct.
    signals.push(createSignal({
      strategyVersion: `chaos@${slot}`, symbol: m.symbol, timeframe: '1m', candleTime: candle.t, side,
      reason: side === 'buy' ? 'regime_entry' : 'regime_exit',
      refPrice: toAmount(candle.c), atr: toAmount((candle.c * 0.005).toFixed(8)), qty: toAmount(m.qty),
    }, candle.t + 61_000));
  }
  return { signals, candles };
}

/**
 * executeOrder as deployed (decode the envelope → executeSignalMessage), with a crash injected at a
 * random point in `crashRate` of the invocations. The crash point of one invocation is carried by
 * AsyncLocalStorage into wrappers of the ledger (before read, before commit) and the broker (after
 * the fill, inside the transaction); `after_commit` throws once the work is committed, so Pub/Sub
 * redelivers a message whose effect already happened.
 */
export function chaosExecutor(runtime: Runtime, random: () => number, crashRate: number) {
  const current = new AsyncLocalStorage<CrashPoint | null>();
  const crash = (point: CrashPoint) => {
    if (current.getStore() === point) throw new InjectedCrash(point);
  };
  const crashes: Record<CrashPoint, number> = { before_read: 0, after_fill: 0, before_commit: 0, after_commit: 0 };
  const acked = new Set<string>();
  let deliveries = 0;
  let inFlight = 0;
  let unexpected: unknown[] = [];
  let deps: Promise<ExecuteDeps> | undefined;
  const wrapped = async (): Promise<ExecuteDeps> => {
    const d = await runtime.executeDeps();
    const ledger: OrderLedger = {
      beginLive: d.ledger.beginLive.bind(d.ledger),
      markAttempt: d.ledger.markAttempt.bind(d.ledger),
      finishLive: d.ledger.finishLive.bind(d.ledger),
      execute: (id, cash, now, decide) => {
        crash('before_read');
        return d.ledger.execute(id, cash, now, async (book) => {
          const change = await decide(book);
          crash('before_commit');
          return change;
        });
      },
    };
    const broker: ExecuteDeps['broker'] = (cfg) => {
      const inner = d.broker(cfg);
      return { name: inner.name, fill: async (req) => {
        const fill = await inner.fill(req);
        crash('after_fill');
        return fill;
      } };
    };
    return { ...d, ledger, broker };
  };
  const fn: CloudEventFunction = async (event) => {
    deliveries++;
    inFlight++;
    const point = random() < crashRate ? CRASH_POINTS[Math.floor(random() * CRASH_POINTS.length)]! : null;
    try {
      await new Promise((r) => setTimeout(r, Math.floor(random() * 20)));
      await current.run(point, async () => {
        await executeSignalMessage(await (deps ??= wrapped()), decodePubSubEvent(event.data, event.id));
        crash('after_commit');
      });
      acked.add(event.id);
    } catch (err) {
      if (err instanceof InjectedCrash) crashes[err.point]++;
      else unexpected = [...unexpected, err];
      throw err;
    } finally {
      inFlight--;
    }
  };
  return {
    fn,
    stats: () => ({ deliveries, acked: acked.size, inFlight, crashes: { ...crashes }, unexpected: unexpected.map(String) }),
  };
}
export type ChaosExecutor = ReturnType<typeof chaosExecutor>;

/** functions-framework prints every thrown error with its stack: keep the injected ones quiet. Returns the undo. */
export function quietInjectedCrashes(): () => void {
  const consoleError = console.error;
  console.error = (...args: unknown[]) => {
    if (!args.some((a) => a instanceof InjectedCrash || String(a).includes('chaos: injected crash'))) consoleError(...args);
  };
  return () => void (console.error = consoleError);
}

export interface ChaosOptions {
  signals: number;
  seed: number;
  /** share of executeOrder invocations that crash (default 0.05) */
  crashRate?: number;
  /** extra copies published, as a share of N (default 0.35) */
  duplicateRate?: number;
  /** how long to wait for redelivery to settle */
  settleTimeoutMs?: number;
  progress?(line: string): void;
}

export interface ChaosReport {
  signals: number;
  published: number;
  fills: number;
  rejected: number;
  duplicates: number;
  lost: number;
  deadLetters: number;
  audit: 'clean' | 'drift';
  discrepancies: string[];
  deliveries: number;
  crashes: Record<CrashPoint, number>;
  unexpectedErrors: string[];
  publishMs: number;
  settleMs: number;
}

function shuffle<T>(xs: T[], random: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

async function countOrders(db: Firestore, ids: readonly string[]): Promise<{ missing: number; filled: number; rejected: number }> {
  let missing = 0, filled = 0, rejected = 0;
  for (let i = 0; i < ids.length; i += 300) {
    const snaps = await db.getAll(...ids.slice(i, i + 300).map((id) => db.doc(`orders/${id}`)));
    for (const s of snaps) {
      if (!s.exists) missing++;
      else if (s.get('status') === 'filled') filled++;
      else rejected++;
    }
  }
  return { missing, filled, rejected };
}

/** Publish, wait until every published message is acknowledged, then count and audit. */
export async function runChaos(runtime: Runtime, executor: ChaosExecutor, opts: ChaosOptions): Promise<ChaosReport> {
  const say = opts.progress ?? (() => {});
  const random = seededRandom(opts.seed);
  const { signals, candles } = chaosSignals(opts.signals, random);
  await runtime.db.doc('config/bot').set(CHAOS_CONFIG);
  const store = new FirestoreCandleStore(runtime.db);
  for (const [symbol, list] of candles) await store.upsert(symbol, '1m', list);

  const extra = Math.ceil(opts.signals * (opts.duplicateRate ?? 0.35));
  const queue = shuffle([...signals, ...Array.from({ length: extra }, () => signals[Math.floor(random() * signals.length)]!)], random);
  const bus = (await runtime.tickDeps()).bus;
  const t0 = Date.now();
  for (let i = 0; i < queue.length; i += 50) {
    await Promise.all(queue.slice(i, i + 50).map(async (s) => {
      await new Promise((r) => setTimeout(r, Math.floor(random() * 30)));
      await bus.publish(s);
    }));
    if ((i / 50) % 40 === 0) say(`published ${Math.min(i + 50, queue.length)}/${queue.length}`);
  }
  const publishMs = Date.now() - t0;

  // The emulator serialises the transactions on wallet/paper: ~10–15 messages a second on 2 cores.
  const deadline = Date.now() + (opts.settleTimeoutMs ?? 120_000 + 300 * opts.signals);
  let lastSay = Date.now();
  for (;;) {
    const s = executor.stats();
    if (s.acked >= queue.length && s.inFlight === 0) break;
    if (Date.now() > deadline) throw new Error(`chaos: redelivery did not settle: ${s.acked}/${queue.length} messages acknowledged`);
    if (Date.now() - lastSay > 5_000) {
      say(`acknowledged ${s.acked}/${queue.length}, ${s.deliveries} deliveries`);
      lastSay = Date.now();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const settleMs = Date.now() - t0 - publishMs;

  const db = runtime.db;
  const ids = signals.map((s) => s.id);
  const orders = await countOrders(db, ids);
  const trades = (await db.collection('trades').select('signalId').get()).docs.map((d) => d.get('signalId') as string);
  const deadLetters = (await db.collection('deadletters').count().get()).data().count;
  const audit = await runAudit((await runtime.executeDeps()).store, Date.now());
  const s = executor.stats();
  return {
    signals: opts.signals, published: queue.length, fills: trades.length, rejected: orders.rejected,
    duplicates: trades.length - new Set(trades).size, lost: orders.missing, deadLetters,
    audit: audit.clean ? 'clean' : 'drift', discrepancies: audit.discrepancies,
    deliveries: s.deliveries, crashes: s.crashes, unexpectedErrors: s.unexpected, publishMs, settleMs,
  };
}

export function chaosLine(r: ChaosReport): string {
  return `chaos: signals=${r.signals} fills=${r.fills} duplicates=${r.duplicates} lost=${r.lost} audit=${r.audit}`;
}
