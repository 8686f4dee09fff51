import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FieldValue, GeoPoint, Timestamp, type Firestore } from '@google-cloud/firestore';
import type { Io } from '../../scripts/lib/cli.ts';
import { backupCommand, restoreCommand } from '../../scripts/backup/commands.ts';
import { readAllDocuments, DOCUMENTS_FILE } from '../../scripts/backup/dump.ts';
import { DRILL_ENV, drillLine, observedExecutor, runDrill } from '../../scripts/backup/drillScenario.ts';
import { FirestoreStateStore } from '../../functions/src/adapters/firestore/FirestoreStateStore.ts';
import { emulatorEnv, resetFirestore, serveCloudEvent, testRuntime } from './harness.ts';
import { PATHS, bucketStart, candleBucketPath, candleBucketToDoc, tradePath } from '../../functions/src/shared/store/index.ts';

function capture(): Io & { text: () => string } {
  const lines: string[] = [];
  return { out: (l) => lines.push(l), err: (l) => lines.push(l), text: () => lines.join('\n') };
}

const tmp = () => mkdtemp(join(tmpdir(), 'eagle-backup-'));

describe('npm run backup / restore on the emulator', () => {
  const e = emulatorEnv();
  const vars = { PROJECT_ID: e.projectId, FIRESTORE_EMULATOR_HOST: e.firestoreHost, LOG_LEVEL: 'error' };
  const runtime = testRuntime();
  const db = runtime.db;
  const exact = testRuntime().db;
  exact.settings({ useBigInt: true });
  const store = new FirestoreStateStore(db);
  // What a restore adds on purpose: the pause in status/system and its own audit_log entry.
  const withoutStatus = async (d: Firestore) =>
    (await readAllDocuments(d)).filter((x) => x.path !== PATHS.status && !x.path.startsWith(`${PATHS.auditLog}/`));

  beforeEach(() => resetFirestore({ empty: true }));
  afterAll(() => Promise.all([db.terminate(), exact.terminate()]));

  async function seed(): Promise<void> {
    await db.doc('typed/all').set({
      int: 2n ** 62n,
      small: 7,
      dbl: 1.5,
      nan: NaN,
      inf: -Infinity,
      negZero: -0,
      s: 'ü.x',
      t: true,
      n: null,
      ts: new Timestamp(1_667_779_200, 123_456_000),
      bytes: Buffer.from([0, 1, 254]),
      geo: new GeoPoint(1.5, -2.25),
      ref: db.doc(tradePath('t1')),
      vec: FieldValue.vector([0.25, 3]),
      arr: [1, 'a', { k: [2.5], empty: [] }],
      emptyArr: [],
      emptyMap: {},
      nested: { 'a.b': { c: 'd' } },
    });
    // A subcollection whose parent document does not exist, as candles/{symbol}_{tf} is.
    const start = bucketStart(1_667_779_200_000, '1h');
    await db
      .doc(candleBucketPath('BTC/USDT', '1h', start))
      .set(candleBucketToDoc('BTC/USDT', '1h', start, [{ t: 1_667_779_200_000, o: 1, h: 2.5, l: 0.5, c: 2, v: 10 }]));
    await db.doc(PATHS.status).set({ mode: 'NORMAL', modeReason: 'initial mode' });
  }

  it('round-trips every document and every Firestore type exactly, and leaves the bot PAUSED', async () => {
    await seed();
    const before = await withoutStatus(exact);
    const dir = await tmp();
    const io = capture();
    // --port-offset finds the emulator from firebase.json, as for a stack started with npm start -- --port-offset N.
    expect(
      await backupCommand(['--out', dir, '--port-offset', String(e.portOffset)], io, { PROJECT_ID: e.projectId, LOG_LEVEL: 'error' }),
    ).toBe(0);
    expect(io.text()).toContain(`backup: 3 documents from demo-eagle-eye-test (emulator ${e.firestoreHost})`);
    expect(io.text()).toMatch(/candles=1 status=1 typed=1/);

    await resetFirestore({ empty: true });
    const io2 = capture();
    expect(await restoreCommand(['--from', dir], io2, vars)).toBe(0);
    expect(io2.text()).toMatch(/restore: 3 documents written in \d+ ms; mode PAUSED/);
    expect(io2.text()).toMatch(/audit: clean \(trades=0, positions=0\)/);
    expect(await withoutStatus(exact)).toEqual(before);
    expect((await store.getStatus())?.mode ?? (await db.doc(PATHS.status).get()).get('mode')).toBe('PAUSED');
    const logged = (await db.collection(PATHS.auditLog).get()).docs.map((d) => d.data());
    expect(logged).toEqual([
      expect.objectContaining({ action: 'restore', via: 'cli', ok: true, status: 200, params: { from: dir, force: false } }),
    ]);

    // Independently of the codec: the emulator's REST view keeps int64 and double apart.
    const res = await fetch(`http://${e.firestoreHost}/v1/projects/${e.projectId}/databases/(default)/documents/typed/all`, {
      headers: { Authorization: 'Bearer owner' },
    });
    const fields = ((await res.json()) as { fields: Record<string, Record<string, unknown>> }).fields;
    expect(fields.int).toEqual({ integerValue: '4611686018427387904' });
    expect(fields.small).toEqual({ integerValue: '7' });
    expect(fields.dbl).toEqual({ doubleValue: 1.5 });
    expect(fields.ts).toEqual({ timestampValue: '2022-11-07T00:00:00.123456Z' }); // Firestore keeps microseconds
    expect(fields.ref).toEqual({ referenceValue: `projects/${e.projectId}/databases/(default)/documents/trades/t1` });
  });

  it('refuses a non-empty database without --force and changes nothing; --force replaces it', async () => {
    await seed();
    const dir = await tmp();
    expect(await backupCommand(['--out', dir], capture(), vars)).toBe(0);
    await db.doc(tradePath('late')).set({ note: 'written after the backup' });

    const io = capture();
    expect(await restoreCommand(['--from', dir], io, vars)).toBe(1);
    expect(io.text()).toMatch(/restore refused: the target database is not empty \(collections: candles, status, trades, typed\).*--force/);
    expect((await db.doc(PATHS.status).get()).get('mode')).toBe('NORMAL');
    expect((await db.doc(tradePath('late')).get()).exists).toBe(true);

    expect(await restoreCommand(['--from', dir, '--force', '--reason', 'test restore'], capture(), vars)).toBe(0);
    expect((await db.doc(tradePath('late')).get()).exists).toBe(false);
    expect((await db.doc(PATHS.status).get()).data()).toMatchObject({ mode: 'PAUSED', modeReason: 'test restore' });
  });

  it('refuses gs:// against the emulator, which has no managed export or import', async () => {
    const io = capture();
    expect(await backupCommand(['--out', 'gs://some-bucket/x'], io, vars)).toBe(1);
    expect(await restoreCommand(['--from', 'gs://some-bucket/x'], io, vars)).toBe(1);
    expect(io.text()).toMatch(/backup: gs:\/\/ needs a real project.*\n.*restore: gs:\/\/ needs a real project/s);
    expect(await readAllDocuments(exact)).toEqual([]);
  });

  it('refuses an edited backup before writing anything', async () => {
    await seed();
    const dir = await tmp();
    expect(await backupCommand(['--out', dir], capture(), vars)).toBe(0);
    await resetFirestore({ empty: true });
    const file = join(dir, DOCUMENTS_FILE);
    await writeFile(file, (await readFile(file, 'utf8')).replace('BTC-USDT_1h', 'ETH-USDT_1h'));
    const io = capture();
    expect(await restoreCommand(['--from', dir], io, vars)).toBe(1);
    expect(io.text()).toMatch(/restore failed: .*checksum does not match the manifest/);
    expect(await readAllDocuments(exact)).toEqual([]);
  });
});

describe('recovery drill: trade → back up → wipe → restore → redeliver → resume', () => {
  const executor = observedExecutor();
  let server: Awaited<ReturnType<typeof serveCloudEvent>>;

  beforeAll(async () => {
    await resetFirestore({ empty: true });
    server = await serveCloudEvent('executeOrder', executor.fn);
  });
  afterAll(() => server.close());

  it('restores a clean ledger that still refuses a second fill, and trades on', async () => {
    const report = await runDrill({
      newRuntime: () => testRuntime(DRILL_ENV),
      wipe: () => resetFirestore({ empty: true }),
      executor,
      dir: await tmp(),
    });
    console.log(drillLine(report), `(restore ${report.restoreMs} ms, ${report.documents} documents)`);
    expect(report.trades).toBeGreaterThanOrEqual(2);
    expect(drillLine(report)).toBe(`drill: trades=${report.trades} restored=${report.trades} audit=clean duplicate_refill=0`);
    expect(report.discrepancies).toEqual([]);
    // orders/{signalId} came back: the redelivered fill is recognised as a duplicate, not re-planned.
    expect(report.redelivered.outcome).toBe('duplicate');
    // The first tick after the restore continues from the restored candles: one new candle each, nothing to backfill.
    expect(report.resumedTick).toEqual([
      { symbol: 'BTC/USDT', ingested: 1, backfilled: 0, error: null },
      { symbol: 'ETH/USDT', ingested: 1, backfilled: 0, error: null },
    ]);
    expect(report.tradesAfter).toBeGreaterThan(report.restored);
  });
});
