import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as ff from '@google-cloud/functions-framework';
import { deleteApp, getApps, initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { makeAdminHandler } from '../../functions/src/handlers/admin.ts';
import { makeExecuteOrderHandler } from '../../functions/src/handlers/executeOrder.ts';
import { createOpsRuntime } from '../../functions/src/wiring/ops.ts';
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
import { PATHS, candleBucketsPath } from '../../functions/src/shared/store/index.ts';
import { ACCESS_CLAIM } from '../../functions/src/domain/access.ts';
import { FirebaseAuthAccounts } from '../../functions/src/adapters/ops/FirebaseAuthAccounts.ts';
import { describeAuthAccountsContract } from '../../functions/src/ports/contracts/authAccounts.contract.ts';

const ADMIN = 'ops@example.com';
const READER = 'reader@example.com';
const STRANGER = 'stranger@example.com';
/** allow-listed as an admin, but its owner never verified the address: whoever signed up with it first */
const SQUATTER = 'new-ops@example.com';
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
    auth = await startAuthEmulator({
      projectId: e.projectId,
      port: authPort(e.portOffset),
      logDir: join(tmpdir(), `eagle-auth-${e.portOffset}`),
    });
    process.env.FIREBASE_AUTH_EMULATOR_HOST = auth.host;
    // Real users sign up, then verify their address (the emulator's admin API); a fresh sign-in carries email_verified.
    const app = initializeApp({ projectId: e.projectId }, 'admin-test');
    for (const email of [ADMIN, READER, STRANGER, SQUATTER]) {
      await emulatorIdToken(auth.host, email);
      if (email !== SQUATTER) await getAuth(app).updateUser((await getAuth(app).getUserByEmail(email)).uid, { emailVerified: true });
      tokens[email] = await emulatorIdToken(auth.host, email);
    }
    await deleteApp(app);
    const ops = createOpsRuntime(runtime, parseOpsEnv({ ADMIN_SERVICE_ACCOUNTS: 'cli@demo.iam.gserviceaccount.com' }));
    ff.http(
      'admin_test',
      makeAdminHandler(async () => ({ ...(await ops.adminDeps()), marketNow: async () => clock.t })),
    );
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
    await db.doc(PATHS.dashboardUsers).set({ emails: [ADMIN, READER], admins: [ADMIN, SQUATTER] });
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
  const auditLog = async () => (await db.collection(PATHS.auditLog).orderBy('at').get()).docs.map((d) => d.data());
  const mode = async () => (await db.doc(PATHS.status).get()).data()?.mode ?? 'NORMAL';

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
    const evil = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
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
      ['pause', 200, ADMIN],
      ['resume', 200, ADMIN],
      ['kill', 200, ADMIN],
      ['resume', 409, ADMIN],
      ['reset', 200, ADMIN],
      ['pause', 403, READER],
    ]);
    expect(log[0]).toMatchObject({ via: 'user', params: { reason: 'maintenance' }, ok: true });
  });

  it('scheduler-pause needs confirm: true (400 naming confirm, audited); resume starts the Scheduler again', async () => {
    const flag = async () => (await db.doc(PATHS.status).get()).get('schedulerPaused') as unknown;
    for (const body of [
      { action: 'scheduler-pause' },
      { action: 'scheduler-pause', confirm: 'yes' },
      { action: 'scheduler-pause', confirm: false },
    ]) {
      const refused = await call(body);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({
        field: 'confirm',
        error: expect.stringMatching(/no stop-loss, trailing stop, take-profit or kill switch is checked/),
      });
    }
    expect(await flag()).toBeUndefined();
    expect((await call({ action: 'scheduler-pause', confirm: true, reason: 'maintenance' })).body.result).toEqual({
      schedulerPaused: true,
    });
    expect(await flag()).toBe(true);
    expect(await mode()).toBe('NORMAL'); // the mode is not the Scheduler
    expect((await call({ action: 'resume' })).status).toBe(200);
    expect(await flag()).toBe(false);
    expect((await auditLog()).map((l) => `${String(l.action)}:${String(l.status)}`)).toEqual([
      'scheduler-pause:400',
      'scheduler-pause:400',
      'scheduler-pause:400',
      'scheduler-pause:200',
      'resume:200',
    ]);
  });

  it('backfill stops at the replay clock; check-gaps, config, audit and health report', async () => {
    const bf = await call({ action: 'backfill', symbol: 'BTC/USDT', timeframe: '1m', since: '2023-03-20' });
    expect(bf.status).toBe(200);
    expect(bf.body.result).toMatchObject({ candles: 1440, capped: true, to: '2023-03-21T00:00:00.000Z' });
    expect((await db.collection(candleBucketsPath('BTC/USDT', '1m')).get()).docs.map((d) => d.id)).toEqual(['20230320']);
    const future = await call({ action: 'backfill', symbol: 'BTC/USDT', timeframe: '1m', since: '2023-03-22' });
    expect(future).toMatchObject({ status: 400, body: { field: 'since' } });

    const gaps = await call({ action: 'check-gaps', timeframe: '1m', days: 2 });
    expect(gaps.body.result.symbols).toEqual(
      expect.arrayContaining([expect.objectContaining({ symbol: 'BTC/USDT', stored: 1440, gaps: [] })]),
    );

    const badConfig = await call({ action: 'config', set: { risk: { maxOpenPositions: 0 } } });
    expect(badConfig).toMatchObject({ status: 400, body: { field: 'set.risk.maxOpenPositions' } });
    expect((await call({ action: 'config', set: { risk: { maxOpenPositions: 2 } } })).status).toBe(200);
    expect((await call({ action: 'config' })).body.result.config.risk.maxOpenPositions).toBe(2);

    expect((await call({ action: 'audit' })).body.result).toMatchObject({ clean: true, trades: 0 });
    await db
      .collection(PATHS.deadletters)
      .doc('x')
      .set({
        id: 'x',
        source: 'executeOrder',
        reason: 'bad',
        payload: '{}',
        attributes: {},
        receivedAt: Date.parse('2023-03-20T22:00:00Z'),
      });
    const health = await call({ action: 'health', since: '72h' });
    expect(health.body.result.ok).toBe(false);
    expect(health.body.result.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'dead letters', ok: false, detail: '1 in window' }),
        expect.objectContaining({ name: 'ticking', ok: false }),
        expect.objectContaining({ name: 'ledger', ok: true }),
      ]),
    );
    expect((await call({ action: 'health', since: 'forever' })).body.field).toBe('since');
  });

  it('tick runs the tick service; force-exit sells the open position at the newest close; regenerate-signal re-publishes what is current', async () => {
    await call({ action: 'backfill', symbol: 'BTC/USDT', timeframe: '1m', since: '2023-03-20' });
    const t = Date.parse('2023-03-20T23:59:00Z'); // the newest closed candle at market time 00:00:30
    const [c] = await new FirestoreCandleStore(db).read('BTC/USDT', '1m', t, t + 60_000);
    const pubsub = pubsubClient();
    const buy = createSignal(
      {
        strategyVersion: 'test@1',
        symbol: 'BTC/USDT',
        timeframe: '1m',
        candleTime: t,
        side: 'buy',
        reason: 'regime_entry',
        refPrice: toAmount(c!.c),
        atr: toAmount('30'),
        qty: toAmount('0.01'),
      },
      t + 60_000,
    );
    await new FirestoreStateStore(db).saveSignals([buy]);
    await new PubSubSignalBus(pubsub, TOPICS.signals).publish(buy);
    await eventually(async () => ((await db.collection(PATHS.positions).get()).size === 1 ? true : undefined), 30_000, 'the buy to fill');

    const exit = await call({ action: 'force-exit', symbol: 'BTC/USDT' });
    expect(exit.status).toBe(200);
    expect(exit.body.result).toMatchObject({ qty: '0.01000000' });
    await eventually(
      async () => ((await db.collection(PATHS.positions).get()).size === 0 ? true : undefined),
      30_000,
      'the manual exit to fill',
    );
    const sells = (await db.collection(PATHS.trades).get()).docs.map((d) => d.data()).filter((x) => x.side === 'sell');
    expect(sells).toHaveLength(1);
    expect(sells[0]).toMatchObject({ reason: 'manual' });
    expect((await call({ action: 'force-exit', symbol: 'BTC/USDT' })).status).toBe(409);

    const again = await call({ action: 'regenerate-signal', signalId: exit.body.result.signalId });
    expect(again.status).toBe(200);
    // An entry is re-published while its candle is current (here a duplicate: it filled), refused once it is not.
    expect((await call({ action: 'regenerate-signal', signalId: buy.id })).status).toBe(200);
    clock.t = Date.parse('2023-03-21T03:00:00Z');
    const stale = await call({ action: 'regenerate-signal', signalId: buy.id });
    expect(stale).toMatchObject({
      status: 409,
      body: {
        field: 'signalId',
        error: expect.stringMatching(
          /is an entry that is no longer current \(stale signal: 1m candle 2023-03-20T23:59:00.000Z is 180 timeframes old at 2023-03-21T03:00:00.000Z\); the tick decides again/,
        ),
      },
    });
    // An exit is re-published however late: executeOrder prices it at the current candle (here: a duplicate).
    expect((await call({ action: 'regenerate-signal', signalId: exit.body.result.signalId })).status).toBe(200);
    expect((await call({ action: 'regenerate-signal', signalId: 'f'.repeat(32) })).status).toBe(404);
    expect((await call({ action: 'audit' })).body.result.clean).toBe(true);

    clock.t = Date.parse('2023-03-21T00:00:30Z');
    const tick = await call({ action: 'tick', asOf: '2023-03-20T23:30:30Z' });
    expect(tick.status).toBe(200);
    expect(tick.body.result).toBeTypeOf('object');
    const back = await call({ action: 'tick', asOf: '2023-03-20T23:00:30Z' });
    expect(back).toMatchObject({ status: 409, body: { field: 'asOf', error: expect.stringContaining('never moves backwards') } });
    expect((await db.doc(PATHS.status).get()).data()?.marketTime).toBe(Date.parse('2023-03-20T23:30:30Z'));
    await pubsub.close();
  });
  it('refuses a Firebase token whose email is not verified (an allow-listed address claimed by whoever signed up first)', async () => {
    const claims = JSON.parse(Buffer.from(tokens[SQUATTER]!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ email: SQUATTER, email_verified: false });
    const pause = await call({ action: 'pause' }, SQUATTER);
    expect(pause).toMatchObject({ status: 401, body: { error: expect.any(String) } });
    expect(await mode()).toBe('NORMAL');
    expect((await call({ action: 'pause' })).status).toBe(200); // the verified admin's token still works
    expect(await auditLog()).toEqual([expect.objectContaining({ action: 'pause', status: 200, who: ADMIN })]);
  });

  it('config set: refused unless the runtime builds from it, naming the field; every call audited, whatever it sent', async () => {
    const deep = (n: number): unknown => (n === 0 ? 1 : { k: deep(n - 1) });
    const cases: [unknown, string][] = [
      [{ strategy: { name: 'no_such_strategy' } }, 'set.strategy.name'],
      [{ strategy: { name: 'regime_trend', params: { pullbackAtrMult: 1e9 } } }, 'set.strategy.params.pullbackAtrMult'],
      [{ risk: { stopAtrMult: 1e21 } }, 'set.risk.stopAtrMult'],
      [{ risk: { riskPerTradPct: 5 } }, 'set.risk.riskPerTradPct'],
      [{ risk: { killSwitchDrawdownPct: 100 }, markets: deep(19) }, 'set.markets.k.k.k.k.k'],
      [{ '': 1 }, 'set.""'],
      [{ markets: { 'BTC/USDT': { amountStep: '0', minNotional: '5' } } }, 'set.markets.BTC/USDT.amountStep'],
      // finer than the exchange's step (recorded snapshot: XRP 0.1)
      [{ markets: { 'XRP/USDT': { amountStep: '0.01', minNotional: '5' } } }, 'set.markets.XRP/USDT.amountStep'],
    ];
    const before = (await db.doc(PATHS.config).get()).data();
    for (const [set, field] of cases) {
      const res = await call({ action: 'config', set });
      expect(res.headers.get('content-type'), field).toMatch(/^application\/json/);
      expect(res, field).toMatchObject({ status: 400, body: { field } });
    }
    expect((await db.doc(PATHS.config).get()).data()).toEqual(before);
    const log = await auditLog();
    expect(log.map((l) => [l.action, l.status])).toEqual(cases.map(() => ['config', 400]));
    // what Firestore could not hold as a map is kept as a bounded string, with the reason
    expect(log[4]).toMatchObject({
      params: expect.stringMatching(/^\{"set":\{"risk":\{"killSwitchDrawdownPct":100\}/),
      paramsUnstorable: expect.stringMatching(/deeper/),
    });
    expect(log[5]).toMatchObject({ params: '{"set":{"":1}}', paramsUnstorable: 'an empty key' });
    const disagreeing = await call({ action: 'config', set: cases.at(-1)![0] });
    expect(JSON.stringify(disagreeing.body)).toMatch(
      /0\.01000000 is not a multiple of the exchange's amount step 0\.10000000 for XRP\/USDT/,
    );

    const ok = await call({ action: 'config', set: { risk: { stopAtrMult: 2.5 } } });
    expect(ok).toMatchObject({ status: 200, body: { result: { saved: true, takesEffect: 'within 300 s (CONFIG_CACHE_MS)' } } });
    expect((await db.doc(PATHS.config).get()).data()).toEqual({ risk: { stopAtrMult: 2.5 } });
  });

  /** a password sign-in on the Auth emulator: its ID token's claims and its refresh token */
  const signIn = async (email: string) => {
    const res = await fetch(`http://${auth.host}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake-api-key`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'eagle-eye-test', returnSecureToken: true }),
    });
    const { idToken } = (await res.json()) as { idToken: string };
    return { idToken, claims: JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString()) as Record<string, unknown> };
  };
  /** firebase-admin's revocation check (verifyIdToken with checkRevoked), the one production's refresh also applies */
  const revokedToken = async (idToken: string) => {
    const app = getApps().find((a) => a.name === 'admin-contract') ?? initializeApp({ projectId: e.projectId }, 'admin-contract');
    return getAuth(app)
      .verifyIdToken(idToken, true)
      .then(
        () => null,
        (err: { code?: string }) => err.code ?? 'error',
      );
  };
  /** Auth stamps a revocation in whole seconds: a sign-in and a revocation in the same second would not be told apart */
  const nextSecond = () => new Promise<void>((r) => setTimeout(r, 1_050 - (Date.now() % 1000)));

  it('access-sync gives the listed, verified accounts the claim the rules check; a removal revokes the sessions', async () => {
    expect((await call({ action: 'access-sync' }, READER)).status).toBe(403);
    const first = await call({ action: 'access-sync' });
    expect(first.status).toBe(200);
    const changed = (first.body.result.changes as { email: string; to: string | null }[]).map((c) => [c.email, c.to]);
    expect(changed).toEqual(
      expect.arrayContaining([
        [ADMIN, 'admin'],
        [READER, 'reader'],
      ]),
    );
    expect(changed.find(([email]) => email === STRANGER || email === SQUATTER)).toBeUndefined();
    expect((await signIn(ADMIN)).claims).toMatchObject({ [ACCESS_CLAIM]: 'admin', email_verified: true });
    const reader = await signIn(READER);
    expect(reader.claims[ACCESS_CLAIM]).toBe('reader');
    expect(await revokedToken(reader.idToken)).toBeNull();
    expect((await signIn(SQUATTER)).claims[ACCESS_CLAIM]).toBeUndefined();
    expect((await call({ action: 'access-sync' })).body.result.changes).toEqual([]);

    await nextSecond();
    await db.doc(PATHS.dashboardUsers).set({ emails: [ADMIN], admins: [ADMIN] });
    // the admin function reads the list itself: the removed reader is refused before any sync
    expect((await call({ action: 'health' }, READER)).status).toBe(403);
    const removal = await call({ action: 'access-sync' });
    expect(removal.body.result.changes).toEqual([{ email: READER, from: 'reader', to: null, revoked: true }]);
    expect(await revokedToken(reader.idToken)).toBe('auth/id-token-revoked');
    expect((await signIn(READER)).claims[ACCESS_CLAIM]).toBeUndefined();
    expect((await auditLog()).filter((l) => l.action === 'access-sync').map((l) => [l.who, l.status])).toEqual([
      [READER, 403],
      [ADMIN, 200],
      [ADMIN, 200],
      [ADMIN, 200],
    ]);
  });

  describeAuthAccountsContract('Firebase Auth (emulator)', async () => {
    const app = getApps().find((a) => a.name === 'admin-contract') ?? initializeApp({ projectId: e.projectId }, 'admin-contract');
    const fb = getAuth(app);
    return {
      accounts: new FirebaseAuthAccounts(fb),
      async create(email, verified, claims) {
        const { uid } = await fb.createUser({ email, emailVerified: verified });
        if (claims) await fb.setCustomUserClaims(uid, claims);
        return uid;
      },
      claims: async (uid) => (await fb.getUser(uid)).customClaims ?? {},
      settle: nextSecond,
      async revoked(uid) {
        const u = await fb.getUser(uid);
        return Date.parse(u.tokensValidAfterTime!) > Date.parse(u.metadata.creationTime);
      },
    };
  });
});
