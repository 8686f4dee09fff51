import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as ff from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { makeAdminHandler } from '../../functions/src/handlers/admin.ts';
import { makeExecuteOrderHandler } from '../../functions/src/handlers/executeOrder.ts';
import { createOpsRuntime } from '../../functions/src/wiringOps.ts';
import { parseOpsEnv } from '../../functions/src/config/opsSchema.ts';
import { createSignal } from '../../functions/src/domain/signal.ts';
import { toAmount } from '../../functions/src/domain/money.ts';
import { PubSubSignalBus } from '../../functions/src/adapters/pubsub/PubSubSignalBus.ts';
import { FirestoreCandleStore } from '../../functions/src/adapters/firestore/FirestoreCandleStore.ts';
import { TOPICS } from '../../infra/definitions.ts';
import { functionPort, localPorts } from '../../infra/ports.ts';
import { authPort, emulatorIdToken, startAuthEmulator, type RunningAuthEmulator } from '../../emulators/auth.ts';
import { FirestoreStateStore } from '../../functions/src/adapters/firestore/FirestoreStateStore.ts';
import { emulatorEnv, eventually, pubsubClient, resetFirestore, serveCloudEvent, steppedClock, testRuntime } from './harness.ts';

const ADMIN = 'ops@example.com';
const READER = 'reader@example.com';
const STRANGER = 'stranger@example.com';
const ORIGIN = 'http://127.0.0.1:8700';

describe('admin function (HTTP, real Firebase ID tokens from the Auth emulator)', () => {
  const e = emulatorEnv();
  let auth: RunningAuthEmulator;
  let server: Server;
  let url: string;
  let exec: Awaited<ReturnType<typeof serveCloudEvent>>;
  const tokens: Record<string, string> = {};
  // Market time starts at 2023-03-21 00:00: the bundled 2023-03-20 is history, 2023-03-21 is the future.
  // One market time for admin and executeOrder, held still so an entry's currency does not depend on the test's speed.
  const clock = steppedClock(Date.parse('2023-03-21T00:00:30Z'));
  const runtime = testRuntime({ REPLAY_START: '2023-03-21T00:00:00Z', SYMBOLS: 'BTC/USDT,ETH/USDT' }, { clock });
  const db = runtime.db;

  beforeAll(async () => {
    auth = await startAuthEmulator({ projectId: e.projectId, port: authPort(e.portOffset), logDir: join(tmpdir(), `eagle-auth-${e.portOffset}`) });
    process.env.FIREBASE_AUTH_EMULATOR_HOST = auth.host;
    for (const email of [ADMIN, READER, STRANGER]) tokens[email] = await emulatorIdToken(auth.host, email);
    const ops = createOpsRuntime(runtime, parseOpsEnv({ ADMIN_SERVICE_ACCOUNTS: 'cli@demo.iam.gserviceaccount.com' }));
    ff.http('admin_test', makeAdminHandler(async () => ({ ...(await ops.adminDeps()), marketNow: async () => clock.t })));
    server = getTestServer('admin_test');
    const port = functionPort(localPorts(e.portOffset), 'admin');
    await new Promise<void>((r, j) => server.once('error', j).listen(port, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${port}/`;
    exec = await serveCloudEvent('executeOrder', makeExecuteOrderHandler(runtime.executeDeps));
  }, 120_000);
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await exec?.close();
    await auth?.stop();
    await db.terminate();
  });
  beforeEach(async () => {
    clock.t = Date.parse('2023-03-21T00:00:30Z');
    await exec.quiesce();
    await resetFirestore();
    await db.doc('config/dashboardUsers').set({ emails: [ADMIN, READER], admins: [ADMIN] });
  });

  const call = async (body: unknown, who: string | null = ADMIN, init: RequestInit = {}) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN, ...(who ? { authorization: `Bearer ${tokens[who] ?? who}` } : {}) },
      body: JSON.stringify(body),
      ...init,
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, asserted field by field
    return { status: res.status, body: (await res.json()) as Record<string, any>, headers: res.headers };
  };
  const auditLog = async () => (await db.collection('audit_log').orderBy('at').get()).docs.map((d) => d.data());
  const mode = async () => (await db.doc('status/system').get()).data()?.mode ?? 'NORMAL';

  it('refuses missing, invalid and non-allow-listed tokens, wrong methods and unknown actions, always as JSON', async () => {
    expect((await call({ action: 'health' }, null)).status).toBe(401);
    expect((await call({ action: 'health' }, 'not-a-token')).status).toBe(401);
    const stranger = await call({ action: 'health' }, STRANGER);
    expect(stranger.status).toBe(403);
    expect(stranger.body.error).toMatch(/not an allow-listed/);
    const reader = await call({ action: 'pause' }, READER);
    expect(reader.status).toBe(403);
    expect((await call({ action: 'health' }, READER)).status).toBe(200);
    const get = await fetch(url, { headers: { authorization: `Bearer ${tokens[ADMIN]}` } });
    expect(get.status).toBe(405);
    expect(await get.json()).toHaveProperty('error');
    const unknown = await call({ action: 'format-disk' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.field).toBe('action');
    const bad = await call({ action: 'backfill', symbol: 'BTCUSDT', timeframe: '1m', since: '2023-03-20' });
    expect(bad).toMatchObject({ status: 400, body: { field: 'symbol' } });
    expect((await call({ action: 'pause', bogus: 1 })).status).toBe(400);
    expect(stranger.headers.get('content-type')).toMatch(/json/);
  });

  it('answers the CORS preflight for the dashboard origin only', async () => {
    const ok = await fetch(url, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const evil = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('pause, resume, kill, reset follow the mode machine; every call lands in audit_log', async () => {
    expect((await call({ action: 'pause', reason: 'maintenance' })).body.result).toMatchObject({ from: 'NORMAL', mode: 'PAUSED' });
    expect(await mode()).toBe('PAUSED');
    expect((await call({ action: 'resume' })).body.result.mode).toBe('NORMAL');
    expect((await call({ action: 'kill' })).body.result.mode).toBe('KILLED');
    const refused = await call({ action: 'resume' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/reset/);
    expect(await mode()).toBe('KILLED');
    expect((await call({ action: 'reset' })).body.result.mode).toBe('NORMAL');
    await call({ action: 'pause' }, READER);
    const log = await auditLog();
    expect(log.map((l) => [l.action, l.status, l.who])).toEqual([
      ['pause', 200, ADMIN], ['resume', 200, ADMIN], ['kill', 200, ADMIN], ['resume', 409, ADMIN], ['reset', 200, ADMIN], ['pause', 403, READER],
    ]);
    expect(log[0]).toMatchObject({ via: 'user', params: { reason: 'maintenance' }, ok: true });
  });

  it('backfill stops at the replay clock; check-gaps, config, audit and health report', async () => {
    const bf = await call({ action: 'backfill', symbol: 'BTC/USDT', timeframe: '1m', since: '2023-03-20' });
    expect(bf.status).toBe(200);
    expect(bf.body.result).toMatchObject({ candles: 1440, capped: true, to: '2023-03-21T00:00:00.000Z' });
    expect((await db.collection('candles/BTC-USDT_1m/days').get()).docs.map((d) => d.id)).toEqual(['20230320']);
    const future = await call({ action: 'backfill', symbol: 'BTC/USDT', timeframe: '1m', since: '2023-03-22' });
    expect(future).toMatchObject({ status: 400, body: { field: 'since' } });

    const gaps = await call({ action: 'check-gaps', timeframe: '1m', days: 2 });
    expect(gaps.body.result.symbols).toEqual(expect.arrayContaining([expect.objectContaining({ symbol: 'BTC/USDT', stored: 1440, gaps: [] })]));

    const badConfig = await call({ action: 'config', set: { risk: { maxOpenPositions: 0 } } });
    expect(badConfig).toMatchObject({ status: 400, body: { field: 'set.risk.maxOpenPositions' } });
    expect((await call({ action: 'config', set: { risk: { maxOpenPositions: 2 } } })).status).toBe(200);
    expect((await call({ action: 'config' })).body.result.config.risk.maxOpenPositions).toBe(2);

    expect((await call({ action: 'audit' })).body.result).toMatchObject({ clean: true, trades: 0 });
    await db.collection('deadletters').doc('x').set({ id: 'x', source: 'executeOrder', reason: 'bad', payload: '{}', attributes: {}, receivedAt: Date.parse('2023-03-20T22:00:00Z') });
    const health = await call({ action: 'health', since: '72h' });
    expect(health.body.result.ok).toBe(false);
    expect(health.body.result.checks).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'dead letters', ok: false, detail: '1 in window' }),
      expect.objectContaining({ name: 'ticking', ok: false }),
      expect.objectContaining({ name: 'ledger', ok: true }),
    ]));
    expect((await call({ action: 'health', since: 'forever' })).body.field).toBe('since');
  });

  it('tick runs the tick service; force-exit sells the open position at the newest close; regenerate-signal re-publishes what is current', async () => {
    await call({ action: 'backfill', symbol: 'BTC/USDT', timeframe: '1m', since: '2023-03-20' });
    const t = Date.parse('2023-03-20T23:59:00Z'); // the newest closed candle at market time 00:00:30
    const [c] = await new FirestoreCandleStore(db).read('BTC/USDT', '1m', t, t + 60_000);
    const pubsub = pubsubClient();
    const buy = createSignal({ strategyVersion: 'test@1', symbol: 'BTC/USDT', timeframe: '1m', candleTime: t, side: 'buy', reason: 'regime_entry', refPrice: toAmount(c!.c), atr: toAmount('30'), qty: toAmount('0.01') }, t + 60_000);
    await new FirestoreStateStore(db).saveSignals([buy]);
    await new PubSubSignalBus(pubsub, TOPICS.signals).publish(buy);
    await eventually(async () => ((await db.collection('positions').get()).size === 1 ? true : undefined), 30_000, 'the buy to fill');

    const exit = await call({ action: 'force-exit', symbol: 'BTC/USDT' });
    expect(exit.status).toBe(200);
    expect(exit.body.result).toMatchObject({ qty: '0.01000000' });
    await eventually(async () => ((await db.collection('positions').get()).size === 0 ? true : undefined), 30_000, 'the manual exit to fill');
    const sells = (await db.collection('trades').get()).docs.map((d) => d.data()).filter((x) => x.side === 'sell');
    expect(sells).toHaveLength(1);
    expect(sells[0]).toMatchObject({ reason: 'manual' });
    expect((await call({ action: 'force-exit', symbol: 'BTC/USDT' })).status).toBe(409);

    const again = await call({ action: 'regenerate-signal', signalId: exit.body.result.signalId });
    expect(again.status).toBe(200);
    // An entry is re-published while its candle is current (here a duplicate: it filled), refused once it is not.
    expect((await call({ action: 'regenerate-signal', signalId: buy.id })).status).toBe(200);
    clock.t = Date.parse('2023-03-21T03:00:00Z');
    const stale = await call({ action: 'regenerate-signal', signalId: buy.id });
    expect(stale).toMatchObject({ status: 409, body: { field: 'signalId', error: expect.stringMatching(/is an entry that is no longer current \(stale signal: 1m candle 2023-03-20T23:59:00.000Z is 180 timeframes old at 2023-03-21T03:00:00.000Z\); the tick decides again/) } });
    // An exit is re-published however late: executeOrder prices it at the current candle (here: a duplicate).
    expect((await call({ action: 'regenerate-signal', signalId: exit.body.result.signalId })).status).toBe(200);
    expect((await call({ action: 'regenerate-signal', signalId: 'f'.repeat(32) })).status).toBe(404);
    expect((await call({ action: 'audit' })).body.result.clean).toBe(true);

    clock.t = Date.parse('2023-03-21T00:00:30Z');
    const tick = await call({ action: 'tick', asOf: '2023-03-20T23:30:30Z' });
    expect(tick.status).toBe(200);
    expect(tick.body.result).toBeTypeOf('object');
    await pubsub.close();
  });
});
