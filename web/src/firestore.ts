/**
 * Firebase app + Firestore initialisation and the only way the dashboard reads data:
 * onSnapshot listeners (with metadata changes, so "served from cache" is visible).
 */
import { initializeApp, type FirebaseApp } from 'firebase/app';
import {
  connectFirestoreEmulator,
  initializeFirestore,
  memoryLocalCache,
  onSnapshot,
  type DocumentData,
  type DocumentReference,
  type Firestore,
  type FirestoreError,
  type Query,
  type Unsubscribe,
} from 'firebase/firestore';

const env = import.meta.env;

export const config = {
  projectId: env.VITE_FIREBASE_PROJECT_ID?.trim() || 'demo-eagle-eye',
  emulatorHost: env.VITE_FIRESTORE_EMULATOR_HOST?.trim() || '',
  apiKey: env.VITE_FIREBASE_API_KEY?.trim() || '',
  authDomain: env.VITE_FIREBASE_AUTH_DOMAIN?.trim() || '',
  /** host:port of the Firebase Auth emulator (npm start sets it); empty ⇒ production Firebase Auth */
  authEmulatorHost: env.VITE_AUTH_EMULATOR_HOST?.trim() || '',
  /** the admin function's URL; empty ⇒ no controls */
  adminUrl: env.VITE_ADMIN_URL?.trim() || '',
  /** the scheduler's tick interval ("1m"); the stale banner fires after 3 intervals without a tick */
  tickIntervalMs: minutes(env.VITE_TICK_INTERVAL) * 60_000,
  /** replay speed of a local stack: ticks come this many times faster in wall time */
  replaySpeed: Number(env.VITE_REPLAY_SPEED) > 0 ? Number(env.VITE_REPLAY_SPEED) : 1,
  /** market time a local replay's data ends at (npm start: the bundled span); null when live or unknown */
  replayEndMs: Number.isFinite(Date.parse(env.VITE_REPLAY_END ?? '')) ? Date.parse(env.VITE_REPLAY_END!) : null,
};

function minutes(v: string | undefined): number {
  const m = /^([1-9]\d*)m$/.exec(v?.trim() ?? '');
  return m ? Number(m[1]) : 1;
}

/** The Firestore emulator (local stack or tests) instead of a real project. */
export const usesEmulator = config.emulatorHost !== '';

/** "127.0.0.1:8180", "http://localhost:8180" or "[::1]:8180" → host and port. */
export function parseHostPort(value: string): { host: string; port: number } {
  const v = value.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(v);
  if (!m) throw new Error(`VITE_FIRESTORE_EMULATOR_HOST must be host:port, got "${value}"`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

export const app: FirebaseApp = initializeApp({
  projectId: config.projectId,
  // The emulator ignores the key but the SDK wants one.
  apiKey: config.apiKey || 'emulator-no-key',
  ...(config.authDomain ? { authDomain: config.authDomain } : {}),
});

export const db: Firestore = initializeFirestore(app, {
  // The memory cache, not IndexedDB: a persistent cache writes every snapshot to IndexedDB before the
  // listeners see it, ~100–170 ms of a tick's latency on the bench (README → Dashboard → Latency); a
  // reload re-reads the page's ~20 documents instead.
  localCache: memoryLocalCache(),
});

if (usesEmulator) {
  const { host, port } = parseHostPort(config.emulatorHost);
  connectFirestoreEmulator(db, host, port);
}

/**
 * Estimated billed document reads of this tab (documents the server sent; an empty result counts
 * one), exposed as window.__eagleReads for `npm run bench`, and by listener name as
 * window.__eagleReadsBy. getDoc calls count themselves.
 */
export function countReads(n: number, name = 'other'): void {
  const w = window as unknown as { __eagleReads?: number; __eagleReadsBy?: Record<string, number> };
  w.__eagleReads = (w.__eagleReads ?? 0) + n;
  w.__eagleReadsBy ??= {};
  w.__eagleReadsBy[name] = (w.__eagleReadsBy[name] ?? 0) + n;
}

/**
 * `npm run bench` (scripts/bench-latency.ts) sets window.__eagleBench before the page loads: each
 * snapshot then leaves `snapshot:{listener}` and `rendered:{listener}` performance marks (before and
 * after its renderer), so the bench can tell the network-and-SDK part of a tick's latency from the
 * rendering and painting. Off otherwise (marks accumulate).
 */
const markSnapshots = (globalThis as { __eagleBench?: boolean }).__eagleBench === true;
function markSnapshot(name: string, phase: 'snapshot' | 'rendered'): void {
  if (markSnapshots) performance.mark(`${phase}:${name}`);
}

/** What a listener reports to the connection indicator. */
export interface ListenerSink {
  snapshot(name: string, fromCache: boolean): void;
  error(name: string, err: FirestoreError): void;
}

export interface Row {
  id: string;
  data: DocumentData;
}

/**
 * Listens to one document. `onData` gets undefined when the document does not exist — or, when
 * `fromCache` is true, when it is merely not in the local cache (offline).
 * A throwing renderer is reported but never kills the listener.
 */
export function watchDoc(
  name: string,
  ref: DocumentReference,
  sink: ListenerSink,
  onData: (data: DocumentData | undefined, fromCache: boolean) => void,
): Unsubscribe {
  let seen: string | undefined;
  return onSnapshot(
    ref,
    { includeMetadataChanges: true },
    (snap) => {
      markSnapshot(name, 'snapshot');
      // A document read is billed when the server sends its content: the first server snapshot and each change.
      const version = JSON.stringify(snap.data() ?? null);
      if (!snap.metadata.fromCache && version !== seen) countReads(1, name);
      if (!snap.metadata.fromCache) seen = version;
      sink.snapshot(name, snap.metadata.fromCache);
      guard(name, () => onData(snap.data(), snap.metadata.fromCache));
      markSnapshot(name, 'rendered');
    },
    (err) => sink.error(name, err),
  );
}

/** Listens to a query; `onRows` gets the documents in query order. */
export function watchQuery(
  name: string,
  query: Query,
  sink: ListenerSink,
  onRows: (rows: Row[], fromCache: boolean) => void,
): Unsubscribe {
  return onSnapshot(
    query,
    { includeMetadataChanges: true },
    (snap) => {
      markSnapshot(name, 'snapshot');
      if (!snap.metadata.fromCache) countReads(Math.max(snap.docChanges().filter((c) => c.type !== 'removed').length, snap.empty ? 1 : 0), name);
      sink.snapshot(name, snap.metadata.fromCache);
      guard(name, () => onRows(snap.docs.map((d) => ({ id: d.id, data: d.data() })), snap.metadata.fromCache));
      markSnapshot(name, 'rendered');
    },
    (err) => sink.error(name, err),
  );
}

function guard(name: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    // A renderer bug must not blank the page or stop other panels.
    console.error(`[dashboard] rendering ${name} failed`, err);
  }
}
