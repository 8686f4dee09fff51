/**
 * Signed inbound signals on the real emulators: the Firestore InboundStore passes the same contract
 * as the fake, and a request to the webhook (served by functions-framework, wired as in production)
 * goes through Pub/Sub's push to executeOrder, which books it once; expired, replayed, forged and
 * malformed requests are JSON 4xx and counted in inbound/.
 */
import type { Server } from 'node:http';
import * as ff from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FirestoreInboundStore } from '../../functions/src/adapters/firestore/FirestoreInboundStore.ts';
import { describeInboundStoreContract } from '../../functions/src/ports/contracts/inboundStore.contract.ts';
import { makeExecuteOrderHandler } from '../../functions/src/handlers/executeOrder.ts';
import { makeSignalWebhookHandler } from '../../functions/src/handlers/signalWebhook.ts';
import { signAlert } from '../../functions/src/domain/inbound/index.ts';
import { runTick } from '../../functions/src/services/runTick.ts';
import { createInboundDeps } from '../../functions/src/wiring/inbound.ts';
import { inboundRejectionPath, orderPath, signalPath } from '../../functions/src/shared/store/index.ts';
import { emulatorEnv, eventually, resetFirestore, serveCloudEvent, steppedClock, testRuntime } from './harness.ts';
import { freePort } from './listening.ts';

const SECRET = 'integration-secret-'.repeat(2);
const OPEN = Date.parse('2023-04-10T12:00:00Z');

let contractDb: Firestore | undefined;
describeInboundStoreContract(
  'Firestore (emulator)',
  async () => {
    await resetFirestore({ empty: true });
    contractDb ??= new Firestore({ projectId: emulatorEnv().projectId });
    return new FirestoreInboundStore(contractDb);
  },
  async (_store, at, source, reason) =>
    ((await contractDb!.doc(inboundRejectionPath(at, source, reason)).get()).get('count') as number | undefined) ?? 0,
);
afterAll(() => contractDb?.terminate());

describe('the signal webhook over the real emulators and the Pub/Sub push path', () => {
  const clock = steppedClock(OPEN + 30_000);
  const runtime = testRuntime({ CONFIG_CACHE_MS: '0', SYMBOLS: 'BTC/USDT,ETH/USDT' }, { clock });
  const db = runtime.db;
  let executor: Awaited<ReturnType<typeof serveCloudEvent>>;
  let webhook: Server;
  let url = '';

  const post = (body: string, o: { ts?: number; secret?: string; method?: string } = {}) => {
    const ts = o.ts ?? Math.floor(Date.now() / 1000);
    return fetch(url, {
      method: o.method ?? 'POST',
      ...(o.method !== 'GET' && { body }),
      headers: {
        'content-type': 'application/json',
        'x-eagle-source': 'tv',
        'x-eagle-timestamp': String(ts),
        'x-eagle-signature': signAlert(o.secret ?? SECRET, ts, body),
      },
    });
  };
  // Refusals are counted per wall-clock minute: add up every minute since the file started (a test may
  // cross a minute between the request and the read).
  const started = Date.now();
  const counted = async (reason: string, source = 'tv') => {
    let n = 0;
    for (let t = Math.floor(started / 60_000) * 60_000; t <= Date.now(); t += 60_000)
      n += ((await db.doc(inboundRejectionPath(t, source, reason)).get()).get('count') as number | undefined) ?? 0;
    return n;
  };

  beforeAll(async () => {
    await resetFirestore();
    executor = await serveCloudEvent('executeOrder', makeExecuteOrderHandler(runtime.executeDeps));
    // the tick walks the bundled candles: markets in status/system, the candles stored (no entry of its own here)
    const tick = await runTick(await runtime.tickDeps(), { tickId: 'walk', now: OPEN + 30_000 });
    expect(tick.published).toEqual([]);
    ff.http(
      'signalWebhook_it',
      makeSignalWebhookHandler(
        createInboundDeps(runtime, { SIGNAL_WEBHOOK_SECRETS: JSON.stringify({ tv: SECRET }), SIGNAL_WEBHOOK_BURST: '20' }),
      ),
    );
    webhook = getTestServer('signalWebhook_it');
    const port = await freePort();
    await new Promise<void>((r) => webhook.listen(port, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${port}/`;
  }, 60_000);
  afterAll(async () => {
    await new Promise<void>((r) => {
      webhook?.closeAllConnections();
      webhook?.close(() => r());
    });
    await executor?.quiesce();
    await executor?.close();
    await db.terminate();
  });

  it('valid: 202, published, and executeOrder books it once; the same request again is refused as replayed', async () => {
    const body = JSON.stringify({ id: 'it-1', symbol: 'BTCUSDT', side: 'buy', strategy: 'pine ema' });
    const res = await post(body);
    const accepted = (await res.json()) as { status: string; signalId: string };
    expect(res.status, JSON.stringify(accepted)).toBe(202);
    expect(accepted.status).toBe('accepted');
    expect((await db.doc(signalPath(accepted.signalId)).get()).get('reason')).toBe('inbound_entry');
    const order = await eventually(
      async () => (await db.doc(orderPath(accepted.signalId)).get()).data(),
      20_000,
      'executeOrder to book the inbound signal',
    );
    expect(order).toMatchObject({ status: 'filled', symbol: 'BTC/USDT', side: 'buy' });

    const replay = await post(body);
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ reason: 'replayed', signalId: accepted.signalId });
    await expect.poll(() => counted('replayed'), { timeout: 10_000 }).toBe(1);
  });

  it('expired, forged and malformed requests are JSON 4xx, change nothing, and are counted in inbound/', async () => {
    const body = JSON.stringify({ id: 'it-2', symbol: 'ETH/USDT', side: 'buy' });
    const expired = await post(body, { ts: Math.floor(Date.now() / 1000) - 600 });
    expect([expired.status, await expired.json()]).toMatchObject([401, { reason: 'expired' }]);
    const forged = await post(body, { secret: 'f'.repeat(40) });
    expect([forged.status, await forged.json()]).toMatchObject([401, { reason: 'forged' }]);
    const malformed = await post(JSON.stringify({ id: 'it-3', symbol: 'ETH/USDT', sidee: 'buy' }));
    expect([malformed.status, await malformed.json()]).toMatchObject([
      400,
      { reason: 'malformed', error: expect.stringContaining('sidee') },
    ]);
    const get = await post('', { method: 'GET' });
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    await expect
      .poll(
        async () => [
          await counted('expired'),
          await counted('forged'),
          await counted('malformed'),
          await counted('method_not_allowed', '_'),
        ],
        {
          timeout: 10_000,
        },
      )
      .toEqual([1, 1, 1, 1]);
    // none of them took the key: signed properly, it-2 is accepted and booked
    const ok = (await (await post(body)).json()) as { signalId: string };
    await eventually(async () => (await db.doc(orderPath(ok.signalId)).get()).data(), 20_000, 'executeOrder to book it-2');
  });
});
