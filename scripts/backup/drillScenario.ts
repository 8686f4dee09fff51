/**
 * The recovery drill, shared by `npm run drill` (its own emulators) and the integration suite (the
 * suite's emulators). It drives the real services: runTick, and executeOrder behind the real
 * Pub/Sub push subscription, on the bundled replay (BTC/ETH 1h, November 2022):
 *   trade until there are trades and open positions → back up → wipe → restore (PAUSED) → audit
 *   → redeliver an already-filled signal (must come back "duplicate": orders/ survived)
 *   → resume → tick on from a cold start until the restored book trades again → audit.
 * It checks through services (runAudit's counts, executeOrder's outcomes, the tick's report), not
 * through document fields, so a change of document shapes does not break it.
 */
import type { CloudEventFunction } from '@google-cloud/functions-framework';
import { firestoreStores } from '../../functions/src/wiring/stores.ts';
import { decodeSignal } from '../../functions/src/domain/signal.ts';
import { decodePubSubEvent } from '../../functions/src/handlers/pubsub.ts';
import { runAudit } from '../../functions/src/services/auditLedger.ts';
import { executeSignalMessage, type ExecuteResult } from '../../functions/src/services/executeSignal.ts';
import { runTick, type TickReport } from '../../functions/src/services/runTick.ts';
import type { Runtime } from '../../functions/src/wiring/trading.ts';
import { readAllDocuments, readDump, writeDump } from './dump.ts';
import { nonEmptyCollections, restoreDocuments } from './restoreDocuments.ts';
import { PATHS, signalPath } from '../../functions/src/shared/store/index.ts';

const HOUR = 3_600_000;
/** The week FTX failed: real 1h candles that move enough for stops to fire within a day. */
const DRILL_START = Date.parse('2022-11-07T00:00:30Z');
export const DRILL_ENV = { SYMBOLS: 'BTC/USDT,ETH/USDT', TIMEFRAME: '1h' } as const;
const DRILL_CONFIG = {
  strategy: { name: 'buy_and_hold', params: {} },
  risk: { riskPerTradePct: 10, stopAtrMult: 3, maxExposurePerSymbolPct: 40 },
};
const MAX_TICKS = 96;

export type Outcome = ExecuteResult['status'];

/**
 * executeOrder as deployed (decode the Pub/Sub envelope → executeSignalMessage), pointed at a
 * runtime that can be swapped (a cold start after the restore), recording each delivery's outcome.
 */
export function observedExecutor() {
  let runtime: Runtime | undefined;
  const outcomes = new Map<string, Outcome[]>();
  // The drill's market time (the tick's `now`): executeOrder fills an entry only while its candle is current.
  const market = { t: 0 };
  const fn: CloudEventFunction = async (event) => {
    if (!runtime) throw new Error('executor has no runtime yet');
    const deps = { ...(await runtime.executeDeps()), clock: { now: () => market.t } };
    const result = await executeSignalMessage(deps, decodePubSubEvent(event.data, event.id));
    const id = 'signalId' in result ? result.signalId : 'dead_lettered';
    outcomes.set(id, [...(outcomes.get(id) ?? []), result.status]);
  };
  return {
    fn,
    use: (r: Runtime) => void (runtime = r),
    at: (t: number) => void (market.t = t),
    outcomes: (id: string): readonly Outcome[] => outcomes.get(id) ?? [],
  };
}
export type ObservedExecutor = ReturnType<typeof observedExecutor>;

export interface DrillHooks {
  /** a runtime wired to the drill's emulators (a new one is a cold start) */
  newRuntime(): Runtime;
  /** delete every document */
  wipe(): Promise<void>;
  executor: ObservedExecutor;
  /** where the backup goes */
  dir: string;
  progress?(line: string): void;
}

export interface DrillReport {
  trades: number;
  restored: number;
  documents: number;
  audit: 'clean' | 'drift';
  discrepancies: string[];
  duplicateRefill: number;
  redelivered: { signalId: string; outcome: Outcome };
  backupMs: number;
  restoreMs: number;
  /** the first tick after the restore, per symbol: new candles ingested and backfilled */
  resumedTick: { symbol: string; ingested: number; backfilled: number; error: string | null }[];
  ticksAfter: number;
  tradesAfter: number;
}

async function poll<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`drill: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A tick, then wait (with a deadline) until executeOrder has answered every signal it published. */
async function tickAndSettle(runtime: Runtime, executor: ObservedExecutor, now: number, tickId: string): Promise<TickReport> {
  executor.at(now);
  const report = await runTick(await runtime.tickDeps(), { tickId, now });
  await poll(`executeOrder to answer ${tickId}'s signals`, async () =>
    report.published.every((id) => executor.outcomes(id).length > 0) ? true : undefined,
  );
  return report;
}

export async function runDrill(hooks: DrillHooks): Promise<DrillReport> {
  const runtimes: Runtime[] = [];
  const fresh = (): Runtime => {
    const r = hooks.newRuntime();
    runtimes.push(r);
    return r;
  };
  try {
    return await drill(hooks, fresh);
  } finally {
    await Promise.all(runtimes.map((r) => r.db.terminate()));
  }
}

async function drill(hooks: DrillHooks, fresh: () => Runtime): Promise<DrillReport> {
  const say = hooks.progress ?? (() => {});
  const live = fresh();
  hooks.executor.use(live);
  await live.db.doc(PATHS.config).set(DRILL_CONFIG);
  const liveStore = firestoreStores(live.db).state;

  // 1. Trade until the book has trades and open positions.
  let now = DRILL_START;
  let filled: string | undefined;
  let before = await runAudit(liveStore, now, { full: true });
  for (let i = 0; before.trades === 0 || before.positions === 0; i++, now += HOUR) {
    if (i >= MAX_TICKS) throw new Error(`drill: no open position after ${MAX_TICKS} ticks`);
    const report = await tickAndSettle(live, hooks.executor, now, `drill-${i}`);
    filled ??= report.published.find((id) => hooks.executor.outcomes(id)[0] === 'filled');
    before = await runAudit(liveStore, now, { full: true });
  }
  if (!filled) throw new Error('drill: trades exist but no fill was observed');
  say(`traded: ${before.trades} trades, ${before.positions} open positions at ${new Date(now - HOUR).toISOString()}`);

  // 2. Back up, wipe, restore into the empty database.
  // The backup's reader: integers as bigint, so integer and double stay apart (codec.ts).
  const tool = fresh();
  tool.db.settings({ useBigInt: true });
  let t0 = Date.now();
  await writeDump(hooks.dir, tool.env.PROJECT_ID, await readAllDocuments(tool.db));
  const backupMs = Date.now() - t0;
  await hooks.wipe();
  const leftover = await nonEmptyCollections(tool.db);
  if (leftover.length > 0) throw new Error(`drill: the wipe left ${leftover.join(', ')}`);
  t0 = Date.now();
  const { docs } = await readDump(hooks.dir);
  const target = fresh();
  const restored = await restoreDocuments({ db: target.db, store: firestoreStores(target.db).state, now: () => now }, docs, {
    force: false,
    reason: 'drill: restored from backup',
  });
  const restoreMs = Date.now() - t0;
  if (restored.mode !== 'PAUSED') throw new Error(`drill: restored mode is ${restored.mode}, expected PAUSED`);
  say(
    `restored ${docs.length} documents in ${restoreMs} ms; audit ${restored.audit.clean ? 'clean' : restored.audit.discrepancies.join('; ')}`,
  );

  // 3. Functions cold-start on the restored data; an already-filled signal is delivered again.
  const after = fresh();
  hooks.executor.use(after);
  const signalDoc = (await after.db.doc(signalPath(filled)).get()).data();
  if (!signalDoc) throw new Error(`drill: signals/${filled} was not restored`);
  const seen = hooks.executor.outcomes(filled).length;
  await (await after.tickDeps()).bus.publish(decodeSignal(signalDoc));
  await poll('the redelivered signal to be handled', async () => (hooks.executor.outcomes(filled).length > seen ? true : undefined));
  const redelivered = { signalId: filled, outcome: hooks.executor.outcomes(filled).at(-1)! };
  const afterStore = firestoreStores(after.db).state;
  const duplicateRefill = (await runAudit(afterStore, now, { full: true })).trades - restored.audit.trades;

  // 4. Resume, and tick on where the backup left off until the restored positions trade again.
  await afterStore.changeMode({ type: 'admin_set', to: 'NORMAL' }, 'drill: resumed after restore');
  let resumedTick: DrillReport['resumedTick'] = [];
  let final = await runAudit(afterStore, now, { full: true });
  let ticksAfter = 0;
  for (; final.trades <= restored.audit.trades; ticksAfter++, now += HOUR) {
    if (ticksAfter >= MAX_TICKS) throw new Error(`drill: no trade in ${MAX_TICKS} ticks after the restore`);
    const report = await tickAndSettle(after, hooks.executor, now, `drill-after-${ticksAfter}`);
    if (ticksAfter === 0)
      resumedTick = report.symbols.map((s) => ({ symbol: s.symbol, ingested: s.ingested, backfilled: s.backfilled, error: s.error }));
    final = await runAudit(afterStore, now, { full: true });
  }
  say(`resumed: ${ticksAfter} ticks, ${final.trades - restored.audit.trades} new trades`);
  return {
    trades: before.trades,
    restored: restored.audit.trades,
    documents: docs.length,
    audit: restored.audit.clean && final.clean ? 'clean' : 'drift',
    discrepancies: [...restored.audit.discrepancies, ...final.discrepancies],
    duplicateRefill,
    redelivered,
    backupMs,
    restoreMs,
    resumedTick,
    ticksAfter,
    tradesAfter: final.trades,
  };
}

export function drillLine(r: DrillReport): string {
  return `drill: trades=${r.trades} restored=${r.restored} audit=${r.audit} duplicate_refill=${r.duplicateRefill}`;
}
