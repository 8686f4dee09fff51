import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PubSub } from '@google-cloud/pubsub';
import { makeExecuteOrderHandler } from '../../functions/src/handlers/executeOrder.ts';
import { PaperBroker } from '../../functions/src/adapters/paper/PaperBroker.ts';
import { PubSubSignalBus } from '../../functions/src/adapters/pubsub/PubSubSignalBus.ts';
import { runAudit } from '../../functions/src/services/auditLedger.ts';
import { toDecimalString } from '../../functions/src/domain/money.ts';
import { toSignalMessage } from '../../functions/src/domain/signal.ts';
import type { Broker } from '../../functions/src/ports/index.ts';
import type { ExecuteDeps } from '../../functions/src/services/executeSignal.ts';
import { TOPICS } from '../../infra/definitions.ts';
import { FirestoreCandleStore } from '../../functions/src/adapters/firestore/FirestoreCandleStore.ts';
import { loadBundledSeries } from '../../functions/src/adapters/replay/ReplayMarketData.ts';
import { createSignal } from '../../functions/src/domain/signal.ts';
import { toAmount } from '../../functions/src/domain/money.ts';
import type { Candle } from '../../functions/src/domain/candle.ts';
import type { Signal } from '../../functions/src/domain/trading.types.ts';
import { testConfigDoc } from '../../functions/src/wiring/memory.ts';
import { eventually, pubsubClient, resetFirestore, serveCloudEvent, steppedClock, testRuntime } from './harness.ts';
import { storeCandleFor, testSignal } from './fixtures.ts';
import { PATHS, deadLetterPath, orderPath, positionPath } from '../../functions/src/shared/store/index.ts';

/**
 * Exactly-once effect over Pub/Sub's at-least-once delivery, through the production path:
 * PubSubSignalBus → topic "signals" → push subscription → functions-framework → executeOrder → Firestore.
 */
describe('executeOrder over the real Pub/Sub push path', () => {
  let pubsub: PubSub;
  let bus: PubSubSignalBus;
  let server: Awaited<ReturnType<typeof serveCloudEvent>>;
  const deliveries: { id: string; ok: boolean }[] = [];
  /** each test may swap the broker, e.g. to inject a crash */
  let brokerFor: ExecuteDeps['broker'] = (cfg) => new PaperBroker(cfg);
  /** market time: each signal is delivered 30 s after its candle closed, unless a test says otherwise */
  const clock = steppedClock();
  const runtime = testRuntime({ CONFIG_CACHE_MS: '0', SYMBOLS: 'BTC/USDT,ETH/USDT' }, { broker: (cfg) => brokerFor(cfg), clock });
  const db = runtime.db;

  beforeAll(async () => {
    pubsub = pubsubClient();
    bus = new PubSubSignalBus(pubsub, TOPICS.signals);
    const handler = makeExecuteOrderHandler(runtime.executeDeps);
    server = await serveCloudEvent('executeOrder', async (ce) => {
      try {
        await handler(ce);
        deliveries.push({ id: ce.id, ok: true });
      } catch (err) {
        deliveries.push({ id: ce.id, ok: false });
        throw err;
      }
    });
  });
  afterAll(async () => {
    await server.close();
    await pubsub.close();
    await db.terminate();
  });
  beforeEach(async () => {
    await server.quiesce();
    await resetFirestore();
    deliveries.length = 0;
    brokerFor = (cfg) => new PaperBroker(cfg);
  });

  const trades = async () => (await db.collection(PATHS.trades).get()).docs.map((d) => d.data());
  const expectAuditClean = async () => {
    const report = await runAudit((await runtime.executeDeps()).store, Date.now());
    expect(report.discrepancies).toEqual([]);
    expect(report.clean).toBe(true);
  };

  const currentFor = (signal: Signal) => void (clock.t = signal.candleTime + 90_000);
  /** Publish like the tick: the candle the signal refers to is stored first. */
  const publish = async (signal: ReturnType<typeof testSignal>) => {
    currentFor(signal);
    await storeCandleFor(db, signal);
    await bus.publish(signal);
  };

  it('fills a signal delivered 5 times exactly once', async () => {
    const signal = testSignal();
    currentFor(signal);
    await storeCandleFor(db, signal);
    for (let i = 0; i < 5; i++) await bus.publish(signal);
    await eventually(async () => (deliveries.filter((d) => d.ok).length >= 5 ? true : undefined), 30_000, '5 deliveries');
    const all = await trades();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ signalId: signal.id, side: 'buy', symbol: 'BTC/USDT' });
    const order = (await db.doc(orderPath(signal.id)).get()).data();
    expect(order).toMatchObject({ status: 'filled', tradeId: all[0]!.id });
    const wallet = (await db.doc(PATHS.wallet).get()).data()!;
    // cash moved by exactly one trade's cashDelta
    const expectedCash = 10000n * 100_000_000n + BigInt((all[0]!.cashDelta as string).replace('.', ''));
    expect(wallet.cash).toBe(toDecimalString(expectedCash));
    await expectAuditClean();
  });

  it('applies two different signals racing on the same wallet without losing an update', async () => {
    const btc = testSignal({ symbol: 'BTC/USDT' });
    const eth = testSignal({ symbol: 'ETH/USDT', atr: '2.4', qty: '0.5' });
    await Promise.all([publish(btc), publish(eth)]);
    await eventually(async () => ((await trades()).length === 2 ? true : undefined), 30_000, 'both fills');
    const all = await trades();
    const wallet = (await db.doc(PATHS.wallet).get()).data()!;
    const sumDeltas = all.reduce((s, t) => s + BigInt((t.cashDelta as string).replace('.', '')), 0n);
    expect(wallet.cash).toBe(toDecimalString(10000n * 100_000_000n + sumDeltas));
    const positions = (await db.collection(PATHS.positions).get()).docs.map((d) => d.id).sort();
    expect(positions).toEqual(['BTC-USDT', 'ETH-USDT']);
    await expectAuditClean();
  });

  it('completes once when the function crashes after the broker fill but before commit', async () => {
    let calls = 0;
    brokerFor = (cfg): Broker => {
      const paper = new PaperBroker(cfg);
      return {
        name: 'crashing-paper',
        orders: null,
        async fill(req) {
          calls++;
          const fill = await paper.fill(req);
          if (calls === 1) throw new Error('injected crash after fill, before commit');
          return fill;
        },
      };
    };
    const signal = testSignal({ candleTime: Date.parse('2023-03-20T13:00:00Z') });
    await publish(signal);
    await eventually(async () => ((await db.doc(orderPath(signal.id)).get()).exists ? true : undefined), 45_000, 'redelivery to complete');
    expect(deliveries.some((d) => !d.ok)).toBe(true); // the crash really happened and was redelivered
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(await trades()).toHaveLength(1);
    await expectAuditClean();
  });

  it('acks a malformed message into deadletters/ with no state change and no retry loop', async () => {
    const topic = pubsub.topic(TOPICS.signals);
    await topic.publishMessage({ data: Buffer.from('{"id":"x","side":"sideways"}'), attributes: { signalId: 'x' } });
    const letter = await eventually(
      async () => {
        const snap = await db.collection(PATHS.deadletters).get();
        return snap.empty ? undefined : snap.docs[0]!.data();
      },
      20_000,
      'dead letter',
    );
    expect(letter.reason).toMatch(/^invalid signal: id: expected 32 lowercase hex/);
    expect(letter.source).toBe('executeOrder');
    // A valid message after it proves the subscription moved on; the poison was delivered once.
    const sentinel = testSignal({ candleTime: Date.parse('2023-03-20T14:00:00Z') });
    await publish(sentinel);
    await eventually(async () => ((await db.doc(orderPath(sentinel.id)).get()).exists ? true : undefined), 20_000, 'sentinel');
    await eventually(async () => (deliveries.length >= 2 ? true : undefined), 20_000, 'both deliveries to finish');
    expect(deliveries.filter((d) => !d.ok)).toHaveLength(0);
    expect(deliveries).toHaveLength(2);
    expect(await trades()).toHaveLength(1);
    await expectAuditClean();
  });

  /** Publish raw bytes/attributes; wait for the dead letter; prove the subscription moved on with a sentinel. */
  async function expectDeadLetteredOnce(message: { data?: Buffer; attributes?: Record<string, string> }, reason: RegExp) {
    await pubsub.topic(TOPICS.signals).publishMessage(message);
    const letter = await eventually(
      async () => {
        const snap = await db.collection(PATHS.deadletters).get();
        return snap.empty ? undefined : snap.docs[0]!.data();
      },
      20_000,
      'dead letter',
    );
    expect(letter.reason).toMatch(reason);
    const sentinel = testSignal({ candleTime: Date.parse('2023-03-20T15:00:00Z') });
    await publish(sentinel);
    await eventually(async () => ((await db.doc(orderPath(sentinel.id)).get()).exists ? true : undefined), 20_000, 'sentinel');
    // the order commits before the handler returns: wait for both handlers to finish, then count
    await eventually(async () => (deliveries.length >= 2 ? true : undefined), 20_000, 'both deliveries to finish');
    expect(deliveries.filter((d) => !d.ok)).toHaveLength(0);
    expect(deliveries).toHaveLength(2); // the poison was delivered once: no retry loop
    expect((await db.collection(PATHS.deadletters).get()).size).toBe(1);
    expect((await trades()).map((t) => t.signalId)).toEqual([sentinel.id]);
    await expectAuditClean();
  }

  it("dead-letters a signal whose price is not the stored candle's (a forged 0.01 buy), state unchanged", async () => {
    const real = testSignal();
    await storeCandleFor(db, real);
    const forged = testSignal({ price: '0.01' });
    await expectDeadLetteredOnce(
      { data: Buffer.from(JSON.stringify(toSignalMessage(forged))) },
      /^price check: refPrice 1000000 ≠ the candle's close/,
    );
  });

  it('dead-letters a 300,000-digit price once instead of looping on Firestore limits', async () => {
    const body = { ...toSignalMessage(testSignal()), refPrice: `${'9'.repeat(300_000)}.00000000` };
    await expectDeadLetteredOnce({ data: Buffer.from(JSON.stringify(body)) }, /^invalid signal: refPrice: at most 12 integer digits/);
    const letter = (await db.collection(PATHS.deadletters).get()).docs[0]!.data();
    expect(letter.payload.length).toBeLessThanOrEqual(10_000);
  });

  it('dead-letters an attributes-only message (no data) once', async () => {
    await expectDeadLetteredOnce({ attributes: { signalId: 'nothing' } }, /no data/);
  });

  it('dead-letters a signal for a symbol that is neither configured nor held', async () => {
    const doge = testSignal({ symbol: 'SOL/USDT' });
    await storeCandleFor(db, doge);
    await expectDeadLetteredOnce({ data: Buffer.from(JSON.stringify(toSignalMessage(doge))) }, /^unconfigured symbol: SOL\/USDT/);
  });

  describe('only current prices fill', () => {
    const H4 = 4 * 3_600_000;
    const xrp = loadBundledSeries('XRP/USDT', '4h');
    const candleAt = (iso: string) => xrp.find((c) => c.t === Date.parse(iso))!;
    const xrpSignal = (c: Candle, side: 'buy' | 'sell', o: { reason?: 'take_profit'; price?: string; qty?: bigint } = {}) =>
      createSignal(
        {
          strategyVersion: 'test@1',
          symbol: 'XRP/USDT',
          timeframe: '4h',
          candleTime: c.t,
          side,
          reason: side === 'buy' ? 'regime_entry' : (o.reason ?? 'regime_exit'),
          refPrice: toAmount(o.price ?? c.c),
          atr: toAmount('0.01'),
          qty: o.qty ?? toAmount('1000'),
        },
        c.t + H4,
      );
    const ledgerState = async () => {
      const [wallet, positions, all, orders] = await Promise.all([
        db.doc(PATHS.wallet).get(),
        db.collection(PATHS.positions).get(),
        trades(),
        db.collection(PATHS.orders).get(),
      ]);
      return {
        wallet: wallet.data() ?? null,
        positions: positions.docs.map((d) => [d.id, d.data()]),
        trades: all,
        orders: orders.docs.map((d) => d.id).sort(),
      };
    };
    const deadLetter = (id: string) =>
      eventually(
        async () => {
          const snap = await db.doc(deadLetterPath(id)).get();
          return snap.exists ? snap.data()! : undefined;
        },
        20_000,
        `dead letter ${id}`,
      );
    const order = (id: string) =>
      eventually(
        async () => {
          const snap = await db.doc(orderPath(id)).get();
          return snap.exists ? snap.data()! : undefined;
        },
        20_000,
        orderPath(id),
      );

    beforeEach(async () => {
      await db.doc(PATHS.config).set(testConfigDoc({ symbols: ['BTC/USDT', 'XRP/USDT'] }));
    });

    it('dead-letters a buy at a months-old real candle (XRP, 2022-09) as stale, state unchanged; the next current buy fills', async () => {
      const sep2022 = candleAt('2022-09-10T00:00:00Z');
      const june = candleAt('2023-06-10T00:00:00Z');
      await new FirestoreCandleStore(db).upsert('XRP/USDT', '4h', [sep2022, june]);
      clock.t = june.t + H4 + 30 * 60_000;
      const before = await ledgerState();
      const old = xrpSignal(sep2022, 'buy');
      await bus.publish(old);
      expect((await deadLetter(old.id)).reason).toBe(
        'stale signal: 4h candle 2022-09-10T00:00:00.000Z is 1638 timeframes old at 2023-06-10T04:30:00.000Z',
      );
      expect(await ledgerState()).toEqual(before);
      const current = xrpSignal(june, 'buy');
      await bus.publish(current);
      expect(await order(current.id)).toMatchObject({ status: 'filled' });
      await eventually(async () => (deliveries.length >= 2 ? true : undefined), 20_000, 'both deliveries to finish');
      expect(deliveries).toEqual([expect.objectContaining({ ok: true }), expect.objectContaining({ ok: true })]); // the stale one was delivered once
      expect((await trades()).map((t) => t.signalId)).toEqual([current.id]);
      expect((await db.collection(PATHS.deadletters).get()).size).toBe(1);
      await expectAuditClean();
    });

    it("dead-letters a take-profit at 0.01 (below the position's target), state unchanged; the exit at the close then fills", async () => {
      const june = candleAt('2023-06-10T00:00:00Z');
      const next = candleAt('2023-06-10T04:00:00Z');
      await new FirestoreCandleStore(db).upsert('XRP/USDT', '4h', [june, next]);
      clock.t = june.t + H4 + 60_000;
      const buy = xrpSignal(june, 'buy');
      await bus.publish(buy);
      expect(await order(buy.id)).toMatchObject({ status: 'filled' });
      const held = (await db.doc(positionPath('XRP/USDT')).get()).data()!;
      clock.t = next.t + H4 + 60_000;
      const before = await ledgerState();
      const tp = xrpSignal(next, 'sell', { reason: 'take_profit', price: '0.01', qty: toAmount(held.qty) });
      await bus.publish(tp);
      // The price check lets a take-profit sit anywhere up to the candle's high; the target rule refuses it.
      // (Were the price check to demand the close, it would refuse it first: either way, never filled.)
      expect((await deadLetter(tp.id)).reason).toMatch(
        new RegExp(`^take-profit refPrice 0\\.01000000 below the position's target ${held.takeProfit.replace('.', '\\.')}$|^price check: `),
      );
      expect(await ledgerState()).toEqual(before);
      const exit = xrpSignal(next, 'sell', { qty: toAmount(held.qty) });
      await bus.publish(exit);
      expect(await order(exit.id)).toMatchObject({ status: 'filled' });
      await eventually(async () => (deliveries.length >= 3 ? true : undefined), 20_000, 'the deliveries to finish');
      expect(deliveries.every((d) => d.ok)).toBe(true);
      expect(deliveries).toHaveLength(3);
      expect((await db.collection(PATHS.positions).get()).size).toBe(0);
      await expectAuditClean();
    });
  });
});
