/**
 * Issue 18: every mode writer is one transaction on status/system (StateStore.changeMode), so a kill
 * racing a budget pause and the tick always ends KILLED. Each round runs, at once on the emulator:
 * (a) the admin kill through runAdminAction, (b) a 100 % budget notice through handleBudgetMessage as
 * Pub/Sub pushes it, (c) the tick's writes when its kill switch fires (saveTick's merge, then its
 * changeMode). Before the transactions, 5 of 40 such rounds ended PAUSED.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FirestoreStateStore } from '../../functions/src/adapters/firestore/FirestoreStateStore.ts';
import { parseOpsEnv } from '../../functions/src/config/opsSchema.ts';
import { initialSymbolState } from '../../functions/src/domain/engine/index.ts';
import { EMPTY_PROTECTIONS } from '../../functions/src/domain/protections/index.ts';
import { toAmount as A } from '../../functions/src/domain/money.ts';
import { decodePubSubEvent } from '../../functions/src/handlers/pubsub.ts';
import { createLogger } from '../../functions/src/lib/log.ts';
import type { TickSave } from '../../functions/src/ports/state.ts';
import { runAdminAction, type AdminDeps } from '../../functions/src/services/admin.ts';
import { handleBudgetMessage, type BudgetDeps } from '../../functions/src/services/budgetGuard.ts';
import { createOpsRuntime } from '../../functions/src/wiring/ops.ts';
import { resetFirestore, testRuntime } from './harness.ts';
import { PATHS } from '../../functions/src/shared/store/index.ts';

const ROUNDS = Number(process.env.MODE_RACE_ROUNDS ?? 200);
/** Rounds run in lanes at once, each lane on its own emulator project (its own status/system): 4 × 50 instead of 200 in a row. */
const LANES = 4;
const ATTRS = { billingAccountId: '01D4EE-079462-DFD6EC', budgetId: 'de72f49d-779b-4945-a127-4d6ce8def0bb', schemaVersion: '1.0' };
const NOTICE = {
  budgetDisplayName: 'eagle-eye monthly',
  costAmount: 1.02,
  costIntervalStart: '2026-11-01T07:00:00Z',
  budgetAmount: 1,
  budgetAmountType: 'SPECIFIED_AMOUNT',
  currencyCode: 'USD',
  alertThresholdExceeded: 1.0,
};
const T = Date.parse('2026-11-20T12:00:00Z');

/** The CloudEvent Eventarc delivers for a push to budgetGuard, decoded by the real edge. */
const budgetMessage = (id: string, body: object = NOTICE) =>
  decodePubSubEvent(
    {
      message: { data: Buffer.from(JSON.stringify(body)).toString('base64'), attributes: ATTRS, messageId: id },
      subscription: 'projects/p/subscriptions/budget-alerts-budgetGuard',
    },
    id,
  );

/** What a tick whose kill switch fired saves to status/system (without the mode, which it no longer merges). */
const tickSave = (round: number): TickSave => ({
  symbols: new Map([['BTC/USDT', { state: { ...initialSymbolState('1m'), lastCandleAt: T - 60_000 }, guard: null }]]),
  markets: {},
  feeds: { 'BTC/USDT': { lastCandleAt: T - 60_000, stale: false, error: null } },
  account: { equity: A('8400'), peakEquity: A('10000'), day: '20261120', dayStartEquity: A('8500') },
  entriesPausedUntil: null,
  lastTickAt: T,
  lastTickLatencyMs: 12,
  lastTickId: `race-${round}`,
  marketTime: T,
  healthScore: 100,
  version: 'test',
  protections: EMPTY_PROTECTIONS,
});

describe('mode race: admin kill, 100 % budget notice and the tick kill switch at once', () => {
  const runtime = testRuntime();
  const db = runtime.db;
  const store = new FirestoreStateStore(db);
  const ops = createOpsRuntime(runtime, parseOpsEnv({}));
  let admin: AdminDeps;
  let budget: BudgetDeps;
  const status = async () => (await db.doc(PATHS.status).get()).data() ?? {};

  beforeAll(async () => {
    await resetFirestore();
    // production's wiring, with the logs quiet (a round logs a CRITICAL pause or kill)
    const quiet = createLogger('error', {}, () => undefined);
    admin = { ...(await ops.adminDeps()), log: quiet };
    budget = { ...(await ops.budgetDeps()), log: quiet };
  });
  afterAll(async () => {
    await db.terminate();
  });

  it(`ends KILLED in every one of ${ROUNDS} rounds`, async () => {
    const quiet = createLogger('error', {}, () => undefined);
    const lanes = await Promise.all(
      Array.from({ length: LANES }, async (_, lane) => {
        const rt = lane === 0 ? runtime : testRuntime({ PROJECT_ID: `demo-eagle-eye-race-${lane}` });
        const laneOps = lane === 0 ? ops : createOpsRuntime(rt, parseOpsEnv({}));
        return {
          rt,
          store: lane === 0 ? store : new FirestoreStateStore(rt.db),
          admin: { ...(await laneOps.adminDeps()), log: quiet },
          budget: { ...(await laneOps.budgetDeps()), log: quiet },
        };
      }),
    );
    const notKilled: { round: number; mode: unknown; reason: unknown }[] = [];
    let budgetPaused = 0;
    const started = Date.now();
    await Promise.all(
      lanes.map(async (l, lane) => {
        for (let round = lane; round < ROUNDS; round += LANES) {
          await l.rt.db.doc(PATHS.status).set({ mode: 'NORMAL', modeReason: 'race reset' });
          const [, notice] = await Promise.all([
            runAdminAction(l.admin, { action: 'kill', reason: `race ${round}` }, { kind: 'cli', id: 'cli:race' }),
            handleBudgetMessage(l.budget, budgetMessage(`race-${round}`)),
            (async () => {
              await l.store.saveTick(tickSave(round));
              await l.store.changeMode({ type: 'kill_switch' }, `kill switch: race ${round}`);
            })(),
          ]);
          if (notice.status === 'recorded' && notice.paused) budgetPaused++;
          const s = (await l.rt.db.doc(PATHS.status).get()).data() ?? {};
          if (s.mode !== 'KILLED') notKilled.push({ round, mode: s.mode, reason: s.modeReason });
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(`mode race: ${ROUNDS} rounds in ${LANES} lanes, ${notKilled.length} not KILLED, ${seconds.toFixed(1)} s`);
    expect(notKilled).toEqual([]);
    // every notice counted as a live 100 % pause request (status/system was reset each round)
    expect(budgetPaused).toBe(ROUNDS);
    // the tick's merge kept its own fields
    expect(await status()).toMatchObject({ mode: 'KILLED', lastTickId: `race-${ROUNDS - LANES}` });
    await Promise.all(lanes.slice(1).map((l) => l.rt.db.terminate()));
  }, 900_000);

  it('a budget pause never stops the Scheduler: PAUSED, and no scheduler flag written', async () => {
    await resetFirestore();
    const calls: boolean[] = [];
    // the admin's SchedulerControl, watched: the budget guard has none and must not reach one
    admin.scheduler = { setPaused: async (p) => void calls.push(p) };
    expect(await handleBudgetMessage(budget, budgetMessage('sched-1'))).toMatchObject({ status: 'recorded', paused: true });
    const s = await status();
    expect(s).toMatchObject({
      mode: 'PAUSED',
      budgets: {
        [ATTRS.budgetId]: { latest: Date.parse(NOTICE.costIntervalStart), paused: Date.parse(NOTICE.costIntervalStart), resumed: null },
      },
    });
    expect(s).not.toHaveProperty('schedulerPaused');
    expect(calls).toEqual([]);
    // an operator's resume still resumes the Scheduler (and the interval with it)
    await runAdminAction(admin, { action: 'resume' }, { kind: 'cli', id: 'cli:race' });
    expect(calls).toEqual([false]);
    expect(await handleBudgetMessage(budget, budgetMessage('sched-2'))).toMatchObject({ paused: false, ignored: 'resumed_period' });
    expect((await status()).mode).toBe('NORMAL');
  });
});
