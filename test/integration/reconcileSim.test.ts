/**
 * Reconciliation end to end on the exchange in a box: the live tick (ccxt over HTTP against the
 * exchange simulator, Firestore on the emulator) compares the exchange account with the ledger;
 * a deposit, an unbooked fill and a manual sell made on the exchange behind the bot's back each
 * raise REDUCING and a critical alert; `eagle reconcile --confirm` (runReconcile, what the admin
 * action runs) books each as an explained adjustment; the audit is clean and the mode NORMAL after.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FirestoreOrderLedger } from '../../functions/src/adapters/firestore/FirestoreOrderLedger.ts';
import { FirestoreStateStore } from '../../functions/src/adapters/firestore/FirestoreStateStore.ts';
import { parseBotConfig } from '../../functions/src/config/load.ts';
import { toAmount as A } from '../../functions/src/domain/money.ts';
import { MemorySignalBus } from '../../functions/src/adapters/memory/MemorySignalBus.ts';
import { executeSignalMessage } from '../../functions/src/services/executeSignal.ts';
import { asMessage } from '../../functions/src/wiring/memory.ts';
import { runAudit } from '../../functions/src/services/auditLedger.ts';
import { runReconcile } from '../../functions/src/services/reconcile.ts';
import { runTick, type TickDeps } from '../../functions/src/services/runTick.ts';
import { PATHS, positionPath } from '../../functions/src/shared/store/index.ts';
import { liveExchangeAccount } from '../../functions/src/wiring/trading.ts';
import { SimAdmin } from '../../scripts/exchangeSim/client.ts';
import { startExchangeSim, type RunningSim } from '../../scripts/exchangeSim/server.ts';
import { resetFirestore, steppedClock, testRuntime } from './harness.ts';

vi.setConfig({ testTimeout: 120_000 });
const KEY = { apiKey: 'reconcilekey0001', secret: 'reconcilesecret0001' };
const T0 = Date.parse('2023-03-24T18:00:30Z');
const clock = steppedClock(T0);
let sim: RunningSim;
let admin: SimAdmin;
let runtime: ReturnType<typeof testRuntime>;
const executed: string[] = [];

beforeAll(async () => {
  sim = await startExchangeSim({ marketClock: clock, keys: [KEY], balances: { USDT: '10000' } });
  admin = new SimAdmin(sim.url);
  runtime = testRuntime(
    {
      TRADING_MODE: 'live',
      MARKET_SOURCE: 'ccxt',
      MARKET_CLOCK: 'replay',
      EXCHANGE_API_URL: sim.url,
      EXCHANGE_API_KEY: KEY.apiKey,
      EXCHANGE_API_SECRET: KEY.secret,
      SYMBOLS: 'BTC/USDT',
      TIMEFRAME: '1m',
      CONFIG_CACHE_MS: '0',
    },
    // Pub/Sub's push, in process: each signal the tick publishes is executed live on the simulator at once
    {
      clock,
      bus: new MemorySignalBus(
        async (signal) => void executed.push((await executeSignalMessage(await runtime.executeDeps(), asMessage(signal))).status),
      ),
    },
  );
});
afterAll(async () => {
  await runtime?.db.terminate();
  await sim?.stop();
});

describe('reconciliation against the exchange simulator', () => {
  it('deposit, unbooked fill, manual sell: each → REDUCING + critical alert → reconcile --confirm books it → audit clean, NORMAL', async () => {
    await resetFirestore();
    const { db } = runtime;
    const store = new FirestoreStateStore(db);
    const ledger = new FirestoreOrderLedger(db);
    // reconcile every tick interval; OBSERVATION: the strategy takes no entries, so only the exchange moves
    await db.doc(PATHS.config).set({ symbols: ['BTC/USDT'], reconcile: { everyTicks: 1, cashTolerance: '1' } });
    const deps: TickDeps = await runtime.tickDeps();
    const account = (await liveExchangeAccount(runtime.env))!;
    const config = parseBotConfig(await store.getBotConfigDoc());
    const observe = () => store.changeMode({ type: 'admin_set', to: 'OBSERVATION' }, 'test: no entries');
    const tick = async (label: string) => {
      clock.t += 60_000;
      return runTick(deps, { tickId: label, now: clock.t });
    };
    const mode = async () => (await store.getStatus())?.mode;
    const reconcileAlerts = async () =>
      (await db.collection(PATHS.alerts).orderBy('createdAt').get()).docs.map((d) => d.data()).filter((a) => a.kind === 'reconcile');
    const confirm = async (note: string) =>
      runReconcile({ store, ledger, account, exchange: await runtime.venue.rules() }, config, ['BTC/USDT'], clock.t, {
        note,
        by: 'cli:test',
      });

    await tick('first');
    await observe();
    expect((await store.getStatus())?.reconcile).toMatchObject({ clean: true, differences: 0 });

    // 1. a deposit of 500 USDT
    await admin.deposit({ asset: 'USDT', amount: '500' });
    await tick('after-deposit');
    expect(await mode()).toBe('REDUCING');
    expect((await reconcileAlerts()).at(-1)).toMatchObject({ severity: 'critical' });
    expect((await reconcileAlerts()).at(-1)!.message).toContain('deposit');
    const deposit = await confirm('deposit for the test');
    expect(deposit).toMatchObject({ after: { clean: true }, mode: 'NORMAL' });
    expect(deposit.booked!.map((e) => [e.symbol, e.cashDelta, e.adjustment!.cause])).toEqual([['USDT', A('500'), 'deposit']]);
    expect((await runAudit(store, clock.t, { full: true })).clean).toBe(true);

    // 2. a fill the ledger never booked: 0.01 BTC bought on the exchange
    await observe();
    await admin.unbookedFill({ symbol: 'BTCUSDT', side: 'BUY', quantity: '0.01', clientOrderId: 'lost-fill-1' });
    await tick('after-unbooked-fill');
    expect(await mode()).toBe('REDUCING');
    const fill = await confirm('a fill the bot never booked');
    expect(fill).toMatchObject({ after: { clean: true }, mode: 'NORMAL' });
    const adopted = (await db.doc(positionPath('BTC/USDT')).get()).data();
    // adopted at what the exchange holds (the 0.1 % fee came out of the BTC), with a stop below its price: the next tick protects it
    const held = (await account.balances()).BTC!;
    expect(A(adopted!.qty as string)).toBe(held.free + held.locked);
    expect(adopted!.qty).toBe('0.00999000');
    expect(Number(adopted!.stopLoss)).toBeLessThan(Number(adopted!.entryPrice));
    expect((await runAudit(store, clock.t, { full: true })).clean).toBe(true);

    // 3. the position sold by hand on the exchange
    await observe();
    await admin.manualTrade({ symbol: 'BTCUSDT', side: 'SELL', quantity: '0.00999' });
    await tick('after-manual-sell');
    expect(await mode()).toBe('REDUCING');
    expect((await reconcileAlerts()).at(-1)!.message).toContain('manual');
    const sold = await confirm('sold by hand');
    expect(sold).toMatchObject({ after: { clean: true }, mode: 'NORMAL' });
    expect((await db.doc(positionPath('BTC/USDT')).get()).exists).toBe(false);
    // no bot order filled in the whole run (OBSERVATION; an exit for the sold position finds nothing to sell)
    expect(executed).not.toContain('filled');
    const audit = await runAudit(store, clock.t, { full: true });
    expect(audit.clean).toBe(true);

    // the exchange and the ledger agree to the last 1e-8
    const balances = await account.balances();
    const wallet = (await store.getBook(A('10000'), clock.t)).wallet;
    expect(balances.USDT!.free + balances.USDT!.locked).toBe(wallet.cash);
    // each REDUCING is in audit_log beside the operators' calls (the shadow backtest explains what it held)
    const reduces = (await db.collection(PATHS.auditLog).where('action', '==', 'reconcile-reduce').get()).docs.map((d) => d.data());
    expect(reduces.map((r) => [r.who, r.via, r.ok])).toEqual(Array.from({ length: 3 }, () => ['reconciliation', 'system', true]));
  });
});
