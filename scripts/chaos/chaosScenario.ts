/**
 * The chaos run, shared by `npm run chaos` (its own emulators) and the integration suite: N valid
 * signals (a mix of buys and sells on four symbols, each at the close of a real bundled candle that
 * is stored first, as the tick would) published through the real topic → push subscription →
 * functions-framework → executeOrder path, with ≥ 30 % duplicates, in random order with random
 * delays, while ~5 % of executeOrder invocations crash at a random point. Crashes are injected by
 * wrapping the deployed handler's ports (ledger, broker) for one invocation, never by a flag in
 * production code.
 *
 * Market time moves: the signals are published in waves, one per candle time, with executeOrder's
 * clock 30 s after that candle closed; some copies land minutes (waves) or days later, and some
 * signals are first delivered late. Meanwhile the mode is switched (NORMAL / PAUSED / OBSERVATION)
 * through the store while orders fill. When every published message has been acknowledged, each
 * fill is checked against the candles this run stored (was its price current when it filled?) and
 * the ledger is audited.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CloudEventFunction } from '@google-cloud/functions-framework';
import type { Firestore } from '@google-cloud/firestore';
import { firestoreStores } from '../../functions/src/wiring/stores.ts';
import { loadBundledCandles } from '../../functions/src/adapters/replay/ReplayMarketData.ts';
import { decodePubSubEvent } from '../../functions/src/handlers/pubsub.ts';
import { applyBps, toAmount } from '../../functions/src/domain/money.ts';
import { createSignal } from '../../functions/src/domain/signal.ts';
import { lastClosedOpenTime, type Candle } from '../../functions/src/domain/candle.ts';
import type { AdminSettableMode } from '../../functions/src/domain/mode.ts';
import { slippedPrice } from '../../functions/src/domain/portfolio/paperFill.ts';
import type { Signal } from '../../functions/src/domain/trading.types.ts';
import type { OrderLedger } from '../../functions/src/ports/state.ts';
import { runAudit } from '../../functions/src/services/auditLedger.ts';
import { executeSignalMessage, type ExecuteDeps } from '../../functions/src/services/executeSignal.ts';
import type { Runtime } from '../../functions/src/wiring/trading.ts';
import { mulberry32 } from '../../functions/src/domain/testing/prng.ts';
import { createLogger } from '../../functions/src/lib/log.ts';
import { PATHS, deadLetterPath, orderPath } from '../../functions/src/shared/store/index.ts';

/** Four symbols, each with a small fixed quantity (tens of dollars) so a large book never hits a limit. */
const MARKETS: readonly { symbol: string; qty: string }[] = [
  { symbol: 'BTC/USDT', qty: '0.00100000' },
  { symbol: 'ETH/USDT', qty: '0.02000000' },
  { symbol: 'SOL/USDT', qty: '2.00000000' },
  { symbol: 'XRP/USDT', qty: '100.00000000' },
];
/** Bundled 1m candles every symbol has (XRP's file starts 2023-04-01). */
const FIRST_CANDLE = Date.parse('2023-04-05T00:00:00Z');
const MINUTE = 60_000;
const DAY = 86_400_000;
/** the candle times signals are decided on (5 hours of 1m candles) */
const CANDLES_PER_SYMBOL = 300;
/** candles stored (as the tick would have), so deliveries up to 3 days late have a current candle */
const STORED_MINUTES = CANDLES_PER_SYMBOL + 4 * 1440;
export const CHAOS_ENV = {
  SYMBOLS: MARKETS.map((m) => m.symbol).join(','),
  TIMEFRAME: '1m',
  REPLAY_START: '2023-05-01T00:00:00Z',
  CONFIG_CACHE_MS: '0',
} as const;
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

/** executeOrder's clock in the chaos run: market time, moved by the run (wave by wave, then days). */
export function chaosMarket(t = 0): { t: number; now(): number } {
  const market = { t, now: () => market.t };
  return market;
}

/** When a message is published: in wave w (market time 30 s after that wave's candle closed) or on late day d (1..3). */
export type Slot = { readonly wave: number } | { readonly day: number };
export interface Delivery {
  readonly signal: Signal;
  readonly at: Slot;
  /** true for a signal's first delivery, landing after its own wave */
  readonly firstLate: boolean;
}

/**
 * N distinct valid signals, buys and sells round-robin over the symbols, each at the close of a real
 * candle of its wave (a fifth at the candle before: the one timeframe of grace); and when each is
 * delivered. Most first deliveries land in their own wave; 4 % land 1–30 waves later and 2 % days
 * later. Extra copies (duplicateRate × N): 70 % in the same wave, 30 % 1–60 waves later (or, past
 * the last wave, on a late day); plus copies of 3 % of the signals on a late day.
 */
export function chaosSignals(
  n: number,
  random: () => number,
  opts: { waves: number; duplicateRate: number; baseFeeBps?: number },
): { signals: Signal[]; deliveries: Delivery[]; candles: Map<string, Candle[]>; waveTime: (w: number) => number } {
  const candles = new Map<string, Candle[]>();
  for (const m of MARKETS) {
    const all = loadBundledCandles(m.symbol, '1m');
    const from = all.findIndex((c) => c.t >= FIRST_CANDLE);
    candles.set(
      m.symbol,
      all.slice(from).filter((c) => c.t < FIRST_CANDLE + STORED_MINUTES * MINUTE),
    );
  }
  const stride = Math.max(1, Math.floor(CANDLES_PER_SYMBOL / opts.waves));
  /** the candle time a wave decides on */
  const waveCandle = (w: number) => FIRST_CANDLE + (w + 1) * stride * MINUTE;
  const waveTime = (w: number) => waveCandle(w) + MINUTE + 30_000;
  const lastWave = opts.waves - 1;
  const later = (w: number, most: number): Slot => {
    const to = w + 1 + Math.floor(random() * most);
    return to <= lastWave ? { wave: to } : { day: 1 + Math.floor(random() * 3) };
  };
  const signals: Signal[] = [];
  const deliveries: Delivery[] = [];
  const firstAt: Slot[] = [];
  for (let i = 0; i < n; i++) {
    const m = MARKETS[i % MARKETS.length]!;
    const slot = Math.floor(i / MARKETS.length);
    const side = slot % 2 === 0 ? 'buy' : 'sell';
    const wave = Math.min(lastWave, Math.floor((i * opts.waves) / n));
    const want = waveCandle(wave) - (random() < 0.2 ? MINUTE : 0);
    const list = candles.get(m.symbol)!;
    let candle = list[0]!;
    for (const c of list)
      if (c.t <= want) candle = c;
      else break;
    // The id hashes (version, symbol, timeframe, time, side): the version keeps every signal distinct.
    const signal = createSignal(
      {
        strategyVersion: `chaos@${slot}`,
        symbol: m.symbol,
        timeframe: '1m',
        candleTime: candle.t,
        side,
        reason: side === 'buy' ? 'regime_entry' : 'regime_exit',
        refPrice: toAmount(candle.c),
        atr: toAmount((candle.c * 0.005).toFixed(8)),
        // a sell closes what the buy left: on an exchange that takes the buy's fee in the base asset, less than bought
        qty: side === 'sell' && opts.baseFeeBps ? toAmount(m.qty) - applyBps(toAmount(m.qty), opts.baseFeeBps, 'up') : toAmount(m.qty),
      },
      candle.t + 61_000,
    );
    signals.push(signal);
    const r = random();
    const first: Slot = r < 0.02 ? { day: 1 + Math.floor(random() * 3) } : r < 0.06 ? later(wave, 30) : { wave };
    firstAt.push(first);
    deliveries.push({ signal, at: first, firstLate: r < 0.06 });
    if (random() < 0.03) deliveries.push({ signal, at: { day: 1 + Math.floor(random() * 3) }, firstLate: false });
  }
  const extra = Math.ceil(n * opts.duplicateRate);
  for (let k = 0; k < extra; k++) {
    const i = Math.floor(random() * n);
    const wave = Math.min(lastWave, Math.floor((i * opts.waves) / n));
    deliveries.push({ signal: signals[i]!, at: random() < 0.7 ? firstAt[i]! : later(wave, 60), firstLate: false });
  }
  return { signals, deliveries, candles, waveTime };
}

/**
 * executeOrder as deployed (decode the envelope → executeSignalMessage), with a crash injected at a
 * random point in `crashRate` of the invocations. The crash point of one invocation is carried by
 * AsyncLocalStorage into wrappers of the ledger (before read, before commit) and the broker (after
 * the fill, inside the transaction); `after_commit` throws once the work is committed, so Pub/Sub
 * redelivers a message whose effect already happened.
 */
export function chaosExecutor(runtime: Runtime, random: () => number, crashRate: number, market = chaosMarket()) {
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
      beginLive: (id, cash, now, plan) => {
        crash('before_read');
        return d.ledger.beginLive(id, cash, now, plan);
      },
      markAttempt: d.ledger.markAttempt.bind(d.ledger),
      finishLive: (id, cash, now, decide) =>
        d.ledger.finishLive(id, cash, now, async (book) => {
          const change = await decide(book);
          crash('before_commit');
          return change;
        }),
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
      // Live: the desk's outcome is lost when the crash comes after the exchange answered (the order exists).
      const desk = inner.orders;
      return {
        name: inner.name,
        fill: async (req) => {
          const fill = await inner.fill(req);
          crash('after_fill');
          return fill;
        },
        orders: desk && {
          place: async (intent, hooks) => {
            const out = await desk.place(intent, hooks);
            crash('after_fill');
            return out;
          },
        },
      };
    };
    // Late entries are dead-lettered by design here: keep their ERROR lines out of the output.
    const log = createLogger('error', {}, (line) => {
      if (!line.includes('"reason":"stale signal: ')) process.stdout.write(`${line}\n`);
    });
    return { ...d, ledger, broker, clock: market, log };
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
    market,
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
  /** market-time waves the signals are spread over (default min(60, ⌈N / 25⌉)) */
  waves?: number;
  /** live: the exchange takes a buy's fee in the base asset at this rate, so a sell closes less than was bought */
  baseFeeBps?: number;
  /** config/bot for the run (default CHAOS_CONFIG) */
  config?: typeof CHAOS_CONFIG & { markets?: Record<string, { amountStep: string; minNotional: string }> };
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
  /** dead letters whose reason is a stale (or future) signal: late entries, not lost */
  staleDeadLetters: number;
  /** fills whose price was not the current candle's when they filled (checked against the stored candles) */
  staleFills: number;
  /** exits that filled at a newer candle than their own (late, repriced) */
  repricedExits: number;
  /** messages published after their signal's own wave: late copies and first deliveries */
  lateDeliveries: number;
  firstDeliveredLate: number;
  modeChanges: number;
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

async function getAllIn<T>(db: Firestore, paths: readonly string[], read: (snap: FirebaseFirestore.DocumentSnapshot) => T): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < paths.length; i += 300) {
    const snaps = await db.getAll(...paths.slice(i, i + 300).map((p) => db.doc(p)));
    for (const s of snaps) out.push(read(s));
  }
  return out;
}

/** The newest candle of `list` (ascending) that closed at or before `now`. */
function newestClosed(list: readonly Candle[], now: number): Candle | null {
  let lo = 0,
    hi = list.length - 1,
    found: Candle | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.t + MINUTE <= now) {
      found = list[mid]!;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * Was a fill's price current when it filled (its order's createdAt, executeOrder's market time)?
 * Judged from this run's own candles, not from the executor's rule: a buy's candle closed by then
 * and is the newest closed one or the one before; a sell's is the newest stored one closed by then;
 * the price is that candle's close moved by the slippage.
 */
function fillIsCurrent(
  trade: { symbol: string; side: string; time: number; price: string },
  filledAt: number,
  candles: Map<string, Candle[]>,
  slippageBps: number,
): boolean {
  const list = candles.get(trade.symbol)!;
  const t = trade.time - MINUTE;
  const candle =
    trade.side === 'buy'
      ? t + MINUTE <= filledAt && t >= lastClosedOpenTime(filledAt, '1m') - MINUTE
        ? (list.find((c) => c.t === t) ?? null)
        : null
      : newestClosed(list, filledAt);
  if (!candle || candle.t !== t) return false;
  return toAmount(trade.price) === slippedPrice(trade.side === 'buy' ? 'buy' : 'sell', toAmount(candle.c), slippageBps);
}

/**
 * Admin mode changes racing the fills: NORMAL, PAUSED or OBSERVATION every 0.2–1 s, each a
 * transition on the mode read from the store (never KILLED: it would end trading). Returns the stop.
 */
function modeRaces(runtime: Runtime, random: () => number): { stop(): Promise<number> } {
  const store = firestoreStores(runtime.db).state;
  let running = true;
  let changes = 0;
  const loop = (async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, 200 + Math.floor(random() * 800)));
      const r = random();
      const to: AdminSettableMode = r < 0.5 ? 'NORMAL' : r < 0.85 ? 'PAUSED' : 'OBSERVATION';
      // as the admin function does: one transaction that applies the precedence
      const t = await store.changeMode({ type: 'admin_set', to }, `chaos: admin ${to}`);
      if (t.ok && t.changed) changes++;
    }
  })();
  return { stop: async () => ((running = false), await loop, changes) };
}

/** Publish wave by wave (then the late days), waiting for each to settle; then count, check every fill, and audit. */
export async function runChaos(runtime: Runtime, executor: ChaosExecutor, opts: ChaosOptions): Promise<ChaosReport> {
  const say = opts.progress ?? (() => {});
  const random = seededRandom(opts.seed);
  const waves = opts.waves ?? Math.min(60, Math.ceil(opts.signals / 25));
  const { signals, deliveries, candles, waveTime } = chaosSignals(opts.signals, random, {
    waves,
    duplicateRate: opts.duplicateRate ?? 0.35,
    ...(opts.baseFeeBps !== undefined && { baseFeeBps: opts.baseFeeBps }),
  });
  await runtime.db.doc(PATHS.config).set(opts.config ?? CHAOS_CONFIG);
  const store = firestoreStores(runtime.db).candles;
  for (const [symbol, list] of candles) await store.upsert(symbol, '1m', list);

  const lastWaveTime = waveTime(waves - 1);
  const steps: { time: number; batch: Delivery[] }[] = [
    ...Array.from({ length: waves }, (_, w) => ({ time: waveTime(w), batch: deliveries.filter((d) => 'wave' in d.at && d.at.wave === w) })),
    ...[1, 2, 3].map((day) => ({
      time: lastWaveTime + day * DAY - Math.floor(random() * 60) * MINUTE,
      batch: deliveries.filter((d) => 'day' in d.at && d.at.day === day),
    })),
  ];
  const ownWave = new Map(signals.map((s, i) => [s.id, Math.min(waves - 1, Math.floor((i * waves) / opts.signals))]));
  let lateDeliveries = 0;
  const bus = (await runtime.tickDeps()).bus;
  const races = modeRaces(runtime, seededRandom(opts.seed + 2));
  const t0 = Date.now();
  let publishMs = 0;
  let published = 0;
  // The emulator serialises the transactions on wallet/paper: ~10–15 messages a second on 2 cores.
  // one deadline for the whole run, only against a hang: a loaded 2-core machine took over 270 s for 500 signals that take 84 s alone
  const deadline = Date.now() + (opts.settleTimeoutMs ?? 300_000 + 600 * opts.signals);
  let lastSay = Date.now();
  let modeChanges = 0;
  try {
    for (const [k, step] of steps.entries()) {
      executor.market.t = step.time;
      const queue = shuffle([...step.batch], random);
      for (const d of queue) {
        const own = ownWave.get(d.signal.id);
        if ('day' in d.at || d.at.wave !== own) lateDeliveries++;
      }
      const p0 = Date.now();
      for (let i = 0; i < queue.length; i += 50) {
        await Promise.all(
          queue.slice(i, i + 50).map(async (d) => {
            await new Promise((r) => setTimeout(r, Math.floor(random() * 30)));
            await bus.publish(d.signal);
          }),
        );
      }
      publishMs += Date.now() - p0;
      published += queue.length;
      for (;;) {
        const s = executor.stats();
        if (s.acked >= published && s.inFlight === 0) break;
        if (Date.now() > deadline) throw new Error(`chaos: redelivery did not settle: ${s.acked}/${published} messages acknowledged`);
        await new Promise((r) => setTimeout(r, 50));
      }
      if (Date.now() - lastSay > 5_000) {
        say(
          `${k < waves ? `wave ${k + 1}/${waves}` : `late day ${k - waves + 1}/3`}: acknowledged ${published}/${deliveries.length}, ${executor.stats().deliveries} deliveries`,
        );
        lastSay = Date.now();
      }
    }
  } finally {
    modeChanges = await races.stop();
  }
  const settleMs = Date.now() - t0 - publishMs;

  const db = runtime.db;
  const ids = signals.map((s) => s.id);
  const orders = await getAllIn(
    db,
    ids.map((id) => orderPath(id)),
    (s) => (s.exists ? { status: s.get('status') as string, createdAt: s.get('createdAt') as number } : null),
  );
  const letters = await getAllIn(
    db,
    ids.map((id) => deadLetterPath(id)),
    (s) => (s.exists ? String(s.get('reason') ?? '') : null),
  );
  const trades = (await db.collection(PATHS.trades).select('signalId', 'symbol', 'side', 'time', 'price').get()).docs.map(
    (d) => d.data() as { signalId: string; symbol: string; side: string; time: number; price: string },
  );
  const createdAt = new Map(ids.map((id, k) => [id, orders[k]?.createdAt ?? Number.NaN]));
  const byId = new Map(signals.map((s) => [s.id, s]));
  const staleFills = trades.filter((t) => !fillIsCurrent(t, createdAt.get(t.signalId)!, candles, CHAOS_CONFIG.paper.slippageBps)).length;
  const repricedExits = trades.filter((t) => t.side === 'sell' && t.time - MINUTE !== byId.get(t.signalId)?.candleTime).length;
  const deadLetters = (await db.collection(PATHS.deadletters).count().get()).data().count;
  const audit = await runAudit((await runtime.executeDeps()).store, Date.now());
  const s = executor.stats();
  return {
    signals: opts.signals,
    published,
    fills: trades.length,
    rejected: orders.filter((o) => o?.status === 'rejected').length,
    duplicates: trades.length - new Set(trades.map((t) => t.signalId)).size,
    // every signal has its order record, or a dead letter with its reason (a late entry is dead-lettered as stale)
    lost: ids.filter((_, k) => !orders[k] && !letters[k]).length,
    deadLetters,
    staleDeadLetters: letters.filter((r) => r !== null && /^(stale|future) signal: /.test(r)).length,
    staleFills,
    repricedExits,
    lateDeliveries,
    firstDeliveredLate: deliveries.filter((d) => d.firstLate).length,
    modeChanges,
    audit: audit.clean ? 'clean' : 'drift',
    discrepancies: audit.discrepancies,
    deliveries: s.deliveries,
    crashes: s.crashes,
    unexpectedErrors: s.unexpected,
    publishMs,
    settleMs,
  };
}

export function chaosLine(r: ChaosReport): string {
  return `chaos: signals=${r.signals} fills=${r.fills} duplicates=${r.duplicates} lost=${r.lost} stale_fills=${r.staleFills} audit=${r.audit}`;
}
