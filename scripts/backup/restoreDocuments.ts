/**
 * Restore a local backup into a database: refuse a non-empty one unless forced, pause the bot
 * before the first write, make the database equal to the backup, then audit the ledger.
 *
 * The restored bot is PAUSED (KILLED stays KILLED: a restore never lifts a kill), whatever mode the
 * backup recorded: an operator looks at the audit and resumes it.
 */
import type { Firestore } from '@google-cloud/firestore';
import { transitionMode } from '../../functions/src/domain/mode.ts';
import type { SystemMode } from '../../functions/src/domain/trading.types.ts';
import type { StateStore } from '../../functions/src/ports/state.ts';
import { runAudit, type AuditReport } from '../../functions/src/services/auditLedger.ts';
import { decodeFields, type Value } from './codec.ts';
import type { DumpedDoc } from './dump.ts';
import { COLLECTIONS, PATHS } from '../../functions/src/shared/store/index.ts';

const STATUS_PATH = PATHS.status;

export class NotEmptyError extends Error {
  override readonly name = 'NotEmptyError';
}

export interface RestoreResult {
  /** null for a managed import, which does not say */
  documents: number | null;
  mode: SystemMode;
  audit: AuditReport;
  /** wall time from the first write to the last, audit excluded */
  restoreMs: number;
}

/** Top-level collections holding at least one document (or a parent of one). */
export async function nonEmptyCollections(db: Firestore): Promise<string[]> {
  return (await db.listCollections()).map((c) => c.id);
}

/** PAUSED, unless either side is KILLED: only an authenticated reset leaves KILLED. */
export function restoredMode(live: SystemMode | undefined, backedUp: SystemMode | undefined): SystemMode {
  const pause = (m: SystemMode | undefined) => transitionMode(m ?? 'NORMAL', { type: 'admin_set', to: 'PAUSED' }).mode;
  return pause(live) === 'KILLED' || pause(backedUp) === 'KILLED' ? 'KILLED' : 'PAUSED';
}

/** Hold the book in restoredMode's PAUSED or KILLED through the mode transaction (StateStore.changeMode). */
export async function holdMode(store: Pick<StateStore, 'changeMode'>, mode: SystemMode, reason: string): Promise<void> {
  await store.changeMode(mode === 'KILLED' ? { type: 'kill_switch' } : { type: 'admin_set', to: 'PAUSED' }, reason);
}

function backedUpMode(docs: readonly DumpedDoc[]): SystemMode | undefined {
  const mode = docs.find((d) => d.path === STATUS_PATH)?.fields.mode;
  return mode && 'stringValue' in mode ? (mode.stringValue as SystemMode) : undefined;
}

/** Everything except status/system (which holds the pause while the rest is replaced). */
export async function deleteAllButStatus(db: Firestore): Promise<void> {
  for (const col of await db.listCollections()) {
    if (col.id !== COLLECTIONS.status) {
      await db.recursiveDelete(col);
      continue;
    }
    for (const ref of await col.listDocuments()) if (ref.path !== STATUS_PATH) await db.recursiveDelete(ref);
  }
}

export async function restoreDocuments(
  deps: { db: Firestore; store: StateStore; now: () => number },
  docs: readonly DumpedDoc[],
  opts: { force: boolean; reason: string },
): Promise<RestoreResult> {
  const { db, store } = deps;
  const present = await nonEmptyCollections(db);
  if (present.length > 0 && !opts.force) {
    throw new NotEmptyError(
      `the target database is not empty (collections: ${present.join(', ')}); restore into an empty database or a separate project, or pass --force to replace its contents`,
    );
  }
  const mode = restoredMode((await store.getStatus())?.mode, backedUpMode(docs));
  // Pause first: a tick running during the restore must not open anything on a half-restored book.
  await holdMode(store, mode, opts.reason);
  const started = Date.now();
  if (present.length > 0) await deleteAllButStatus(db);
  const writer = db.bulkWriter();
  const writes = docs.map((d) => {
    const fields: Record<string, Value> =
      d.path === STATUS_PATH ? { ...d.fields, mode: { stringValue: mode }, modeReason: { stringValue: opts.reason } } : d.fields;
    return writer.set(db.doc(d.path), decodeFields(fields, db));
  });
  await writer.close();
  await Promise.all(writes);
  const restoreMs = Date.now() - started;
  return { documents: docs.length, mode, audit: await runAudit(store, deps.now(), { full: true }), restoreMs };
}
