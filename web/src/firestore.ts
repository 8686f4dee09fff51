/**
 * Firebase app + Firestore initialisation and the only way the dashboard reads data: onSnapshot
 * listeners (with metadata changes, so "served from cache" is visible) and one-off reads, each on a
 * path from the shared store (functions/src/shared/store) and decoded by that store's codec.
 */
import { initializeApp, type FirebaseApp } from 'firebase/app';
import {
  collection,
  connectFirestoreEmulator,
  doc,
  getDoc,
  initializeFirestore,
  memoryLocalCache,
  onSnapshot,
  query,
  type Firestore,
  type FirestoreError,
  type QueryConstraint,
  type Unsubscribe,
} from 'firebase/firestore';
import { CorruptDocumentError } from '../../functions/src/shared/store/index.ts';

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
 * snapshot then leaves `snapshot:{listener}`, `decoded:{listener}` (a document listener, after the
 * shared codec) and `rendered:{listener}` performance marks (before and after its renderer), so the bench can tell the network-and-SDK part of a tick's latency from the
 * rendering and painting; main.ts marks its deferred panels (`panels`) the same way. Off otherwise
 * (marks accumulate).
 */
const markSnapshots = (globalThis as { __eagleBench?: boolean }).__eagleBench === true;
export function markSnapshot(name: string, phase: 'snapshot' | 'decoded' | 'rendered'): void {
  if (markSnapshots) performance.mark(`${phase}:${name}`);
}

/** What a listener reports to the connection indicator. */
export interface ListenerSink {
  snapshot(name: string, fromCache: boolean): void;
  error(name: string, err: FirestoreError): void;
  /** a stored document the shared codec refused (its path and field are in the message) */
  corrupt(name: string, err: CorruptDocumentError): void;
}

/** A shared-store codec: the stored data at `path` → the value, or a CorruptDocumentError. */
export type Decode<T> = (data: unknown, path: string) => T;

/** A decoded document of a query, with its id. */
export interface Row<T> {
  id: string;
  value: T;
}

/** Waits before listening again after a listener failed (a failed onSnapshot is over for good). */
const RELISTEN_MS = [1_000, 2_000, 5_000, 10_000, 30_000, 60_000];

/**
 * A listener that outlives its errors: Firestore ends a snapshot listener at its first error
 * (permission denied while the rules could not be evaluated, a stream the server closed), and a
 * page that never listened again would stay blank with its last data. Each error is reported, then
 * a new listener starts after a growing pause; a snapshot resets the pause. Signed out: no retry.
 */
function lasting(
  name: string,
  sink: ListenerSink,
  listen: (ok: () => void, failed: (err: FirestoreError) => void) => Unsubscribe,
): Unsubscribe {
  let current: Unsubscribe | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let failures = 0;
  let stopped = false;
  const start = (): void => {
    timer = null;
    current = listen(
      () => (failures = 0),
      (err) => {
        sink.error(name, err);
        current = null;
        if (stopped || err.code === 'unauthenticated') return;
        timer = setTimeout(start, RELISTEN_MS[Math.min(failures++, RELISTEN_MS.length - 1)]);
      },
    );
  };
  start();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    current?.();
  };
}

/** Decode, or report a corrupt document and return undefined. */
function decoded<T>(name: string, sink: ListenerSink, decode: Decode<T>, data: unknown, path: string): T | undefined {
  try {
    return decode(data, path);
  } catch (err) {
    if (!(err instanceof CorruptDocumentError)) throw err;
    console.error(`[dashboard] ${err.message}`);
    sink.corrupt(name, err);
    return undefined;
  }
}

/**
 * Listens to the document at `path`. `onData` gets undefined when the document does not exist — or,
 * when `fromCache` is true, when it is merely not in the local cache (offline); a corrupt document
 * goes to `sink.corrupt` instead. A throwing renderer is reported but never kills the listener.
 */
export function watchDoc<T>(
  name: string,
  path: string,
  decode: Decode<T>,
  sink: ListenerSink,
  onData: (value: T | undefined, fromCache: boolean) => void,
): Unsubscribe {
  let seen: string | undefined;
  return lasting(name, sink, (ok, failed) =>
    onSnapshot(
      doc(db, path),
      { includeMetadataChanges: true },
      (snap) => {
        ok();
        markSnapshot(name, 'snapshot');
        // A document read is billed when the server sends its content: the first server snapshot and each change.
        const version = JSON.stringify(snap.data() ?? null);
        if (!snap.metadata.fromCache && version !== seen) countReads(1, name);
        if (!snap.metadata.fromCache) seen = version;
        sink.snapshot(name, snap.metadata.fromCache);
        guard(name, () => {
          if (!snap.exists()) return onData(undefined, snap.metadata.fromCache);
          const value = decoded(name, sink, decode, snap.data(), path);
          markSnapshot(name, 'decoded');
          if (value !== undefined) onData(value, snap.metadata.fromCache);
        });
        markSnapshot(name, 'rendered');
      },
      failed,
    ),
  );
}

/** Reads the document at `path` once (counted as a billed read when the server sent it); undefined when it does not exist. */
export async function readDoc<T>(name: string, path: string, decode: Decode<T>, sink: ListenerSink): Promise<T | undefined> {
  const snap = await getDoc(doc(db, path));
  if (!snap.metadata.fromCache) countReads(1, name);
  return snap.exists() ? decoded(name, sink, decode, snap.data(), path) : undefined;
}

/** Listens to a query on the collection at `path`; `onRows` gets the decoded documents in query order (corrupt ones go to `sink.corrupt`). */
export function watchQuery<T>(
  name: string,
  path: string,
  constraints: readonly QueryConstraint[],
  decode: Decode<T>,
  sink: ListenerSink,
  onRows: (rows: Row<T>[], fromCache: boolean) => void,
): Unsubscribe {
  return lasting(name, sink, (ok, failed) =>
    onSnapshot(
      query(collection(db, path), ...constraints),
      { includeMetadataChanges: true },
      (snap) => {
        ok();
        markSnapshot(name, 'snapshot');
        if (!snap.metadata.fromCache)
          countReads(Math.max(snap.docChanges().filter((c) => c.type !== 'removed').length, snap.empty ? 1 : 0), name);
        sink.snapshot(name, snap.metadata.fromCache);
        guard(name, () => {
          // The panel renders the good rows first; the corrupt ones are reported on top of it.
          const corrupt: CorruptDocumentError[] = [];
          const rows = snap.docs.map((d) => ({
            id: d.id,
            value: decoded(name, { ...sink, corrupt: (_n, err) => corrupt.push(err) }, decode, d.data(), d.ref.path),
          }));
          onRows(
            rows.filter((r): r is Row<T> => r.value !== undefined),
            snap.metadata.fromCache,
          );
          for (const err of corrupt) sink.corrupt(name, err);
        });
        markSnapshot(name, 'rendered');
      },
      failed,
    ),
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
