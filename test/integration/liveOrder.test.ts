/**
 * Live orders end to end on the emulators: PubSubSignalBus → topic "signals" → push subscription →
 * executeOrder → Firestore (intents/, orders/, trades/, wallet/paper), with the exchange replaced by
 * recorded Binance responses (adapters/ccxt/fixtures). The same buy delivered several times at once
 * is sent to the exchange once and booked once; the sell of what its BTC fee left closes the
 * position with the dust written off; the audit replays the Firestore ledger exactly.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PubSub } from '@google-cloud/pubsub';
import { CcxtBroker } from '../../functions/src/adapters/ccxt/CcxtBroker.ts';
import { createExchange } from '../../functions/src/adapters/ccxt/loadExchange.ts';
import { exchangeInfo, installPlayer, recorded, type Player } from '../../functions/src/adapters/ccxt/fixtures/player.ts';
import { PubSubSignalBus } from '../../functions/src/adapters/pubsub/PubSubSignalBus.ts';
import { makeExecuteOrderHandler } from '../../functions/src/handlers/executeOrder.ts';
import { runAudit } from '../../functions/src/services/auditLedger.ts';
import { TOPICS } from '../../infra/definitions.ts';
import { eventually, pubsubClient, resetFirestore, serveCloudEvent, steppedClock, testRuntime } from './harness.ts';
import { storeCandleFor, testSignal } from './fixtures.ts';
import { PATHS, orderPath, tradePath } from '../../functions/src/shared/store/index.ts';

const CREATE = 'POST /api/v3/order';
const QUERY = 'GET /api/v3/order';
const TRADES = 'GET /api/v3/myTrades';
const T = Date.parse('2023-03-24T18:00:00Z'); // the minute of the recorded buy; the sell is at 18:05

describe('live executeOrder over the real Pub/Sub push path, exchange on recorded responses', () => {
  let pubsub: PubSub;
  let bus: PubSubSignalBus;
  let server: Awaited<ReturnType<typeof serveCloudEvent>>;
  let player: Player;
  let broker: CcxtBroker;
  /** market time: each signal is delivered 5 s after its candle closed */
  const clock = steppedClock(T + 65_000);
  const runtime = testRuntime({ CONFIG_CACHE_MS: '0', SYMBOLS: 'BTC/USDT' }, { broker: () => broker, clock });
  const db = runtime.db;

  beforeAll(async () => {
    pubsub = pubsubClient();
    bus = new PubSubSignalBus(pubsub, TOPICS.signals);
    server = await serveCloudEvent('executeOrder', makeExecuteOrderHandler(runtime.executeDeps));
  });
  afterAll(async () => {
    await server.close();
    await pubsub.close();
    await db.terminate();
  });
  beforeEach(async () => {
    await resetFirestore();
    const exchange = await createExchange('binance', { enableRateLimit: false, apiKey: 'test-key', secret: 'test-secret' });
    player = installPlayer(exchange, {
      'GET /api/v3/exchangeInfo': exchangeInfo,
      [QUERY]: recorded.orderDoesNotExist!,
      [TRADES]: { status: 200, body: [] },
      [CREATE]: [recorded.orderMarketBuyFull!, recorded.orderMarketSellBtcHeld!],
    });
    broker = new CcxtBroker({ exchange, onWarning: () => {} });
  });

  const trades = async () => (await db.collection(PATHS.trades).get()).docs.map((d) => d.data());

  it('a buy delivered 4 times at once is sent once and booked once; the dusty sell closes the position; audit clean', async () => {
    const buy = testSignal({ candleTime: T, qty: '0.01234' });
    await storeCandleFor(db, buy);
    await Promise.all(Array.from({ length: 4 }, () => bus.publish(buy)));
    await eventually(async () => ((await db.doc(orderPath(buy.id)).get()).exists ? true : undefined), 30_000, 'the buy to be booked');
    await server.quiesce();
    expect((await db.doc(orderPath(buy.id)).get()).data()).toMatchObject({ status: 'filled', qty: '0.01232766' });
    expect(player.count(CREATE)).toBe(1);
    expect(await trades()).toHaveLength(1);
    expect((await db.collection(PATHS.intents).get()).empty).toBe(true);
    const held = (await db.doc(PATHS.wallet).get()).get('positions.BTC-USDT.qty') as string;
    expect(held).toBe('0.01232766'); // 0.01234 − its 0.00001234 BTC commission

    const sell = testSignal({ side: 'sell', candleTime: T + 5 * 60_000, qty: held });
    await storeCandleFor(db, sell);
    clock.t = sell.candleTime + 65_000;
    await bus.publish(sell);
    await eventually(async () => ((await db.doc(orderPath(sell.id)).get()).exists ? true : undefined), 30_000, 'the sell to be booked');
    expect(player.count(CREATE)).toBe(2);
    expect((await db.doc(tradePath(sell.id)).get()).data()).toMatchObject({
      side: 'sell',
      qty: '0.01232000',
      dust: '0.00000766',
      qtyDelta: '-0.01232766',
      seq: 2,
    });
    expect((await db.collection(PATHS.positions).get()).empty).toBe(true);
    expect((await db.collection(PATHS.deadletters).get()).empty).toBe(true);
    expect(await runAudit((await runtime.executeDeps()).store, T, { full: true })).toMatchObject({ clean: true, trades: 2, positions: 0 });
  });
});
