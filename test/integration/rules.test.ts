/**
 * firestore.rules against the real Firestore emulator (@firebase/rules-unit-testing). A project of
 * its own, so the rules loaded here never touch the other suites' data.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { assertFails, assertSucceeds, initializeTestEnvironment, type RulesTestEnvironment } from '@firebase/rules-unit-testing';
import {
  collection,
  deleteDoc,
  doc,
  getDoc,
  getDocs,
  limit,
  orderBy,
  query,
  setDoc,
  setLogLevel,
  updateDoc,
  type Firestore,
} from 'firebase/firestore';
import { clearFirestore } from '../../emulators/stack.ts';
import { emulatorEnv } from './harness.ts';
import { ACCESS_CLAIM } from '../../functions/src/domain/access.ts';
import {
  PATHS,
  SHADOW_LATEST,
  shadowDayPath,
  alertPath,
  budgetNoticePath,
  candleBucketPath,
  costPath,
  rollupPath,
  candleBucketsPath,
  deadLetterPath,
  equityDayPath,
  intentPath,
  orderPath,
  positionPath,
  signalPath,
  telegramConfirmPath,
  telegramRatePath,
  tradePath,
} from '../../functions/src/shared/store/index.ts';
/** the dashboard's bound on the rollups it lists (web/src/horizonsFeed.ts) */
const MAX_DAYS = 2000;

const RULES = readFileSync(fileURLToPath(new URL('../../firestore.rules', import.meta.url)), 'utf8');
const READER = 'reader@example.com';
const ADMIN = 'admin@example.com';

const T = Date.UTC(2023, 2, 20);
const CANDLES = candleBucketPath('BTC/USDT', '1m', T);
/** Every document the bot writes, one of each kind (the shared store's paths). */
const DOCS = [
  PATHS.status,
  PATHS.config,
  PATHS.dashboardUsers,
  PATHS.wallet,
  PATHS.auditCheckpoint,
  positionPath('BTC/USDT'),
  signalPath('s1'),
  orderPath('s1'),
  intentPath('s1'),
  tradePath('t1'),
  alertPath('a1'),
  deadLetterPath('d1'),
  equityDayPath(T),
  CANDLES,
  `${PATHS.auditLog}/x1`,
  budgetNoticePath('b1'),
  rollupPath('20230320'),
  costPath('202303'),
  SHADOW_LATEST,
  shadowDayPath('20230320'),
  telegramConfirmPath('abcdefghijkl'),
  telegramRatePath('1001'),
];
/** What the dashboard reads, as it reads it. */
const PAGE_READS: [string, (db: Firestore) => Promise<unknown>][] = [
  [PATHS.status, (db) => getDoc(doc(db, PATHS.status))],
  [PATHS.wallet, (db) => getDoc(doc(db, PATHS.wallet))],
  ['positions (limit 50)', (db) => getDocs(query(collection(db, PATHS.positions), limit(50)))],
  ['signals (latest 20)', (db) => getDocs(query(collection(db, PATHS.signals), orderBy('createdAt', 'desc'), limit(20)))],
  ['trades (latest 200)', (db) => getDocs(query(collection(db, PATHS.trades), orderBy('time', 'desc'), limit(200)))],
  ['alerts (latest 10)', (db) => getDocs(query(collection(db, PATHS.alerts), orderBy('createdAt', 'desc'), limit(10)))],
  ['a candle bucket document', (db) => getDoc(doc(db, CANDLES))],
  ["a day's equity document", (db) => getDoc(doc(db, equityDayPath(T)))],
  [`daily rollups (latest ${MAX_DAYS})`, (db) => getDocs(query(collection(db, PATHS.rollups), orderBy('day', 'desc'), limit(MAX_DAYS)))],
  ['the latest budget spend', (db) => getDocs(query(collection(db, PATHS.costs), orderBy('costIntervalStart', 'desc'), limit(1)))],
  ["the shadow backtest's latest verdict", (db) => getDoc(doc(db, SHADOW_LATEST))],
];

// The emulator's clear waits out held transaction locks (emulators/stack.ts); rules-unit-testing's does not.
const RULES_PROJECT = 'demo-eagle-eye-rules';

describe('firestore.rules', () => {
  const e = emulatorEnv();
  let env: RulesTestEnvironment;
  const [host, port] = e.firestoreHost.split(':');
  // rules-unit-testing types its instances as the compat API; they are modular Firestore instances at run time.
  const modular = (ctx: ReturnType<RulesTestEnvironment['unauthenticatedContext']>) => ctx.firestore() as unknown as Firestore;
  /** a verified account whose ID token carries `claims` (access-sync sets the access claim from config/dashboardUsers) */
  const signedIn = (email: string, claims: Record<string, unknown>, emailVerified = true) =>
    modular(env.authenticatedContext(email.split('@')[0]!, { email, email_verified: emailVerified, ...claims }));
  const reader = () => signedIn(READER, { [ACCESS_CLAIM]: 'reader' });

  beforeAll(async () => {
    // Every denied write is also logged by the SDK; the assertions say what matters.
    setLogLevel('silent');
    env = await initializeTestEnvironment({ projectId: RULES_PROJECT, firestore: { host: host!, port: Number(port), rules: RULES } });
    await clearFirestore(e.firestoreHost, RULES_PROJECT);
    await env.withSecurityRulesDisabled(async (ctx) => {
      const db = modular(ctx);
      for (const path of DOCS) await setDoc(doc(db, path), { createdAt: 1, time: 1, seeded: true });
      // the list the claims come from: the rules must not read it (a reader listed here without a claim reads nothing)
      await setDoc(doc(db, PATHS.dashboardUsers), { emails: [READER, ADMIN, 'listed@example.com'], admins: [ADMIN] });
    });
  });
  afterAll(async () => {
    await clearFirestore(e.firestoreHost, RULES_PROJECT);
    await env?.cleanup();
  });

  describe('a verified user with the reader or admin claim', () => {
    for (const [name, read] of PAGE_READS) it(`may read ${name}`, async () => void (await assertSucceeds(read(reader()))));
    it('an admin reads what a reader reads', async () =>
      void (await assertSucceeds(getDoc(doc(signedIn(ADMIN, { [ACCESS_CLAIM]: 'admin' }), PATHS.status)))));
    it('may not read beyond the page: config/bot, the allow-list, orders, intents, deadletters, the audit, telegram/, unbounded lists, candle listings', async () => {
      const db = reader();
      for (const path of [
        PATHS.config,
        PATHS.dashboardUsers,
        orderPath('s1'),
        intentPath('s1'),
        deadLetterPath('d1'),
        PATHS.auditCheckpoint,
        `${PATHS.auditLog}/x1`,
        budgetNoticePath('b1'),
        shadowDayPath('20230320'),
        telegramConfirmPath('abcdefghijkl'),
        telegramRatePath('1001'),
      ]) {
        await assertFails(getDoc(doc(db, path)));
      }
      await assertFails(getDocs(collection(db, PATHS.trades)));
      await assertFails(getDocs(query(collection(db, PATHS.trades), limit(1000))));
      await assertFails(getDocs(collection(db, candleBucketsPath('BTC/USDT', '1m'))));
      await assertFails(getDocs(query(collection(db, PATHS.equity), limit(5))));
      await assertFails(getDocs(collection(db, PATHS.rollups)));
      await assertFails(getDocs(query(collection(db, PATHS.rollups), limit(MAX_DAYS + 1))));
      await assertFails(getDocs(collection(db, PATHS.costs)));
    });
  });

  describe('everyone else', () => {
    const cases: [string, () => Firestore][] = [
      ['anonymous', () => modular(env.unauthenticatedContext())],
      ['signed in, no claim', () => signedIn('stranger@example.com', {})],
      ['allow-listed, claim not synced yet', () => signedIn('listed@example.com', {})],
      ['reader claim, email not verified', () => signedIn(READER, { [ACCESS_CLAIM]: 'reader' }, false)],
      ['a claim with another value', () => signedIn(READER, { [ACCESS_CLAIM]: 'owner' })],
      ['a claim that is not a string', () => signedIn(READER, { [ACCESS_CLAIM]: true })],
      ['another claim named like a role', () => signedIn(READER, { role: 'admin', admin: true })],
    ];
    for (const [who, db] of cases) {
      for (const [name, read] of PAGE_READS) it(`${who}: may not read ${name}`, async () => void (await assertFails(read(db()))));
    }
  });

  describe('no client writes anything', () => {
    const writers: [string, () => Firestore][] = [
      ['anonymous', () => modular(env.unauthenticatedContext())],
      ['an admin', () => signedIn(ADMIN, { [ACCESS_CLAIM]: 'admin' })],
    ];
    for (const [who, db] of writers) {
      it(`${who}: create, update and delete are denied on every collection`, async () => {
        const fs = db();
        for (const path of DOCS) {
          await assertFails(setDoc(doc(fs, path), { cash: '1000000.00000000' }));
          await assertFails(updateDoc(doc(fs, path), { seeded: false }));
          await assertFails(deleteDoc(doc(fs, path)));
          await assertFails(setDoc(doc(fs, `${path}-new`), { x: 1 }));
        }
      });
    }
  });
});
