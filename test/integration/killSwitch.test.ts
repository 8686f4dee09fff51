import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PubSub } from '@google-cloud/pubsub';
import { makeExecuteOrderHandler } from '../../functions/src/handlers/executeOrder.ts';
import { runTick } from '../../functions/src/services/runTick.ts';
import { runAudit } from '../../functions/src/services/auditLedger.ts';
import { toAmount } from '../../functions/src/domain/money.ts';
import { eventually, pubsubClient, resetFirestore, serveCloudEvent, steppedClock, testRuntime } from './harness.ts';
import { PATHS, orderPath } from '../../functions/src/shared/store/index.ts';

const HOUR = 3_600_000;
/** FTX collapse week on real Binance 1h candles: BTC ≈ −25 %, ETH ≈ −30 % in two days. */
const START = Date.parse('2022-11-06T00:00:30Z');

describe('kill switch on a replayed real crash, through tick → Pub/Sub → executeOrder', () => {
  let pubsub: PubSub;
  let server: Awaited<ReturnType<typeof serveCloudEvent>>;
  const clock = steppedClock();
  const runtime = testRuntime({ SYMBOLS: 'BTC/USDT,ETH/USDT', TIMEFRAME: '1h' }, { clock });
  const db = runtime.db;

  beforeAll(async () => {
    await resetFirestore();
    pubsub = pubsubClient();
    server = await serveCloudEvent('executeOrder', makeExecuteOrderHandler(runtime.executeDeps));
    // Hold real exposure through the crash on purpose: buy-and-hold, stops far away (50 ATR),
    // so only the account-level kill switch can end it. Drawdown limit stays at the default 15 %.
    await db.doc(PATHS.config).set({
      strategy: { name: 'buy_and_hold', params: {} },
      risk: {
        riskPerTradePct: 10,
        stopAtrMult: 50,
        takeProfitAtrMult: 100,
        trailingAtrMult: 50,
        trailingActivationAtrMult: 100,
        maxExposurePerSymbolPct: 50,
      },
    });
  });
  afterAll(async () => {
    await server.close();
    await pubsub.close();
    await db.terminate();
  });

  it('closes every position, sets mode KILLED and raises an alert once drawdown passes 15 %', async () => {
    const deps = await runtime.tickDeps();
    let killedAt: number | null = null;
    for (let h = 0; h < 24 * 6 && killedAt === null; h++) {
      const now = START + h * HOUR;
      clock.t = now; // executeOrder's market time is the tick's
      const report = await runTick(deps, { tickId: `crash-${h}`, now });
      // Let executeOrder apply this tick's signals before the next candle, as the scheduler's minute would.
      await eventually(
        async () => {
          const snaps = await Promise.all(report.published.map((id) => db.doc(orderPath(id)).get()));
          return snaps.every((s) => s.exists) ? true : undefined;
        },
        30_000,
        `orders for tick ${h}`,
      );
      if (report.mode === 'KILLED') killedAt = now;
    }
    expect(killedAt, 'the kill switch never fired').not.toBeNull();
    expect(killedAt!).toBeGreaterThan(Date.parse('2022-11-08T00:00:00Z'));

    const status = (await db.doc(PATHS.status).get()).data()!;
    expect(status.mode).toBe('KILLED');
    expect(status.modeReason).toMatch(/kill switch: drawdown 1\d\.\d\d% from peak exceeds 15%/);
    expect((await db.collection(PATHS.positions).get()).size).toBe(0);
    const trades = (await db.collection(PATHS.trades).get()).docs.map((d) => d.data());
    expect(
      trades
        .filter((t) => t.reason === 'benchmark_entry')
        .map((t) => t.symbol)
        .sort(),
    ).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(
      trades
        .filter((t) => t.reason === 'kill_switch')
        .map((t) => t.symbol)
        .sort(),
    ).toEqual(['BTC/USDT', 'ETH/USDT']);
    const alerts = (await db.collection(PATHS.alerts).where('kind', '==', 'kill_switch').get()).docs.map((d) => d.data());
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.severity).toBe('critical');
    const wallet = (await db.doc(PATHS.wallet).get()).data()!;
    const account = status.account;
    const drawdown = 1 - Number(account.equity) / Number(account.peakEquity);
    expect(drawdown).toBeGreaterThan(0.15);
    expect(toAmount(wallet.cash)).toBeGreaterThan(0n);

    // Once KILLED, a further tick opens nothing: buy_and_hold would enter again in NORMAL.
    const after = await runTick(deps, { tickId: 'after-kill', now: killedAt! + HOUR });
    expect(after.published).toEqual([]);
    expect((await db.collection(PATHS.positions).get()).size).toBe(0);

    const audit = await runAudit((await runtime.executeDeps()).store, Date.now());
    expect(audit.discrepancies).toEqual([]);
  });
});
