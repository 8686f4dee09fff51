/**
 * `npm run backup -- --out DIR|gs://BUCKET[/PATH]` and `npm run restore -- --from DIR|gs://… [--force]`.
 * Local (emulator, or any project with a DIR): a typed JSON dump through the server SDK (dump.ts).
 * gs://: Firestore managed export/import (real projects only).
 * Exit codes: 0 done · 1 refused, failed, or the audit after a restore is not clean · 2 usage.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { firestoreStores } from '../../functions/src/wiring/stores.ts';
import type { Env } from '../../functions/src/config/schema.ts';
import { createRuntime, marketClock } from '../../functions/src/wiring/trading.ts';
import { cliEnv, usageFailure, UsageError, type Io } from '../lib/cli.ts';
import { localPorts } from '../../infra/ports.ts';
import { isGcsUri, managedExport, managedImport } from './cloud.ts';
import { readAllDocuments, readDump, writeDump } from './dump.ts';
import {
  deleteAllButStatus,
  holdMode,
  nonEmptyCollections,
  NotEmptyError,
  restoredMode,
  type RestoreResult,
  restoreDocuments,
} from './restoreDocuments.ts';
import { runAudit, type AuditReport } from '../../functions/src/services/auditLedger.ts';

const TARGET = '[--port-offset N (the local stack of npm start -- --port-offset N)]';
const BACKUP_USAGE = `usage: npm run backup -- --out DIR|gs://BUCKET[/PATH] ${TARGET}`;
const RESTORE_USAGE = `usage: npm run restore -- --from DIR|gs://BUCKET/EXPORT_FOLDER [--force] [--reason TEXT] ${TARGET}`;

function flags<T extends Record<string, { type: 'string' | 'boolean' }>>(argv: string[], options: T) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, 'port-offset': { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** --port-offset N points at that local stack's Firestore emulator (ports from firebase.json). */
function targetVars(envVars: NodeJS.ProcessEnv, portOffset: unknown): NodeJS.ProcessEnv {
  if (portOffset === undefined) return envVars;
  if (typeof portOffset !== 'string' || !/^\d{1,5}$/.test(portOffset) || Number(portOffset) > 50_000) {
    throw new UsageError(`--port-offset must be a whole number from 0 to 50000 (got "${String(portOffset)}")`);
  }
  const p = localPorts(Number(portOffset));
  return { ...envVars, FIRESTORE_EMULATOR_HOST: `${p.host}:${p.firestore}` };
}

function required(value: unknown, flag: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`${flag} is required`);
  return value;
}

/** The database the command works on, for the first line of its output. */
function describeTarget(env: Env): string {
  return env.FIRESTORE_EMULATOR_HOST ? `${env.PROJECT_ID} (emulator ${env.FIRESTORE_EMULATOR_HOST})` : `project ${env.PROJECT_ID}`;
}

/**
 * Reading a backup needs a client that tells integers from doubles and keeps int64 exact
 * (codec.ts); writes take bigint on any client, and the stores (audit, mode) need plain numbers.
 */
function runtimeFor(env: Env, opts: { exactReads: boolean }) {
  // The client library reads the emulator host from the process environment only.
  if (env.FIRESTORE_EMULATOR_HOST) process.env.FIRESTORE_EMULATOR_HOST = env.FIRESTORE_EMULATOR_HOST;
  const runtime = createRuntime(env);
  if (opts.exactReads) runtime.db.settings({ useBigInt: true });
  return runtime;
}

export async function backupCommand(argv: string[], io: Io, envVars: NodeJS.ProcessEnv = process.env): Promise<number> {
  let out: string;
  let vars: NodeJS.ProcessEnv;
  try {
    const v = flags(argv, { out: { type: 'string' } });
    if (v.help) {
      io.out(BACKUP_USAGE);
      return 0;
    }
    out = required(v.out, '--out');
    vars = targetVars(envVars, v['port-offset']);
  } catch (err) {
    return usageFailure(io, BACKUP_USAGE, err);
  }
  const env = cliEnv(vars);
  if (isGcsUri(out)) {
    if (env.FIRESTORE_EMULATOR_HOST) {
      io.err('backup: gs:// needs a real project (the emulator has no managed export); use --out DIR');
      return 1;
    }
    io.out(`backup: managed export of project ${env.PROJECT_ID} → ${await managedExport(env.PROJECT_ID, out)}`);
    return 0;
  }
  const runtime = runtimeFor(env, { exactReads: true });
  try {
    const started = Date.now();
    const docs = await readAllDocuments(runtime.db);
    const manifest = await writeDump(out, env.PROJECT_ID, docs);
    const byCollection = Object.entries(manifest.collections)
      .map(([c, n]) => `${c}=${n}`)
      .join(' ');
    io.out(`backup: ${manifest.documents} documents from ${describeTarget(env)} → ${out} in ${Date.now() - started} ms`);
    io.out(`backup: ${byCollection || '(empty database)'}`);
    return 0;
  } catch (err) {
    io.err(`backup failed: ${(err as Error).message}`);
    return 1;
  } finally {
    await runtime.db.terminate();
  }
}

function printAudit(io: Io, audit: AuditReport): void {
  if (audit.clean) io.out(`audit: clean (trades=${audit.trades}, positions=${audit.positions})`);
  else for (const d of audit.discrepancies) io.err(`audit: ${d}`);
}

export async function restoreCommand(argv: string[], io: Io, envVars: NodeJS.ProcessEnv = process.env): Promise<number> {
  let from: string;
  let force: boolean;
  let reason: string | undefined;
  let vars: NodeJS.ProcessEnv;
  try {
    const v = flags(argv, { from: { type: 'string' }, force: { type: 'boolean' }, reason: { type: 'string' } });
    if (v.help) {
      io.out(RESTORE_USAGE);
      return 0;
    }
    from = required(v.from, '--from');
    force = v.force === true;
    reason = v.reason as string | undefined;
    vars = targetVars(envVars, v['port-offset']);
  } catch (err) {
    return usageFailure(io, RESTORE_USAGE, err);
  }
  const env = cliEnv(vars);
  const runtime = runtimeFor(env, { exactReads: false });
  const store = firestoreStores(runtime.db).state;
  const now = () => marketClock(env).now();
  try {
    io.out(`restore: into ${describeTarget(env)}`);
    let result: RestoreResult;
    if (isGcsUri(from)) {
      if (env.FIRESTORE_EMULATOR_HOST) {
        io.err('restore: gs:// needs a real project (the emulator has no managed import); use --from DIR');
        return 1;
      }
      result = await restoreManaged({ db: runtime.db, store, now }, env.PROJECT_ID, from, {
        force,
        reason: reason ?? `restored from ${from}`,
      });
    } else {
      const { manifest, docs } = await readDump(from);
      io.out(`restore: backup of ${manifest.projectId} taken ${manifest.createdAt}, ${manifest.documents} documents`);
      result = await restoreDocuments({ db: runtime.db, store, now }, docs, {
        force,
        reason: reason ?? `restored from ${from} (backup of ${manifest.createdAt})`,
      });
    }
    io.out(
      `restore: ${result.documents === null ? 'managed import' : `${result.documents} documents`} written in ${result.restoreMs} ms; mode ${result.mode}`,
    );
    printAudit(io, result.audit);
    // Like every operator action, recorded in audit_log/ (after the restore, which replaced that collection too).
    await firestoreStores(runtime.db).ops.recordAudit({
      at: Date.now(),
      who: `cli:${userInfo().username}`,
      via: 'cli',
      action: 'restore',
      params: { from, force },
      ok: result.audit.clean,
      status: result.audit.clean ? 200 : 409,
      summary: `restored ${result.documents ?? 'a managed export'} from ${from}; mode ${result.mode}; audit ${result.audit.clean ? 'clean' : `${result.audit.discrepancies.length} discrepancies`}`,
    });
    if (!result.audit.clean) return 1;
    io.out(
      result.mode === 'KILLED'
        ? 'next: the backup or the live bot was KILLED; `npm run eagle -- reset` when it is safe'
        : 'next: check the dashboard, then `npm run eagle -- resume`',
    );
    return 0;
  } catch (err) {
    io.err(`restore ${err instanceof NotEmptyError ? 'refused' : 'failed'}: ${(err as Error).message}`);
    return 1;
  } finally {
    await runtime.db.terminate();
  }
}

/**
 * gs://: the same guard rails around a managed import. --force empties the database first (as for a
 * DIR), since an import only overwrites the documents it holds; the import overwrites status/system,
 * so the mode is set again after it.
 */
async function restoreManaged(
  deps: Parameters<typeof restoreDocuments>[0],
  projectId: string,
  folder: string,
  opts: { force: boolean; reason: string },
): Promise<RestoreResult> {
  const present = await nonEmptyCollections(deps.db);
  if (present.length > 0 && !opts.force)
    throw new NotEmptyError(
      `the target database is not empty (collections: ${present.join(', ')}); pass --force to import over it (it empties the database first)`,
    );
  const mode = restoredMode((await deps.store.getStatus())?.mode, undefined);
  await holdMode(deps.store, mode, opts.reason);
  const started = Date.now();
  if (present.length > 0) await deleteAllButStatus(deps.db);
  await managedImport(projectId, folder);
  const after = restoredMode((await deps.store.getStatus())?.mode, mode);
  await holdMode(deps.store, after, opts.reason);
  return { documents: null, mode: after, audit: await runAudit(deps.store, deps.now(), { full: true }), restoreMs: Date.now() - started };
}
