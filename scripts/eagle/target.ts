/**
 * Where an `eagle` command runs:
 * - a local stack (default; `--port-offset N` for another one; `--project demo-…` names its project):
 *   the admin actions run in this process against that stack's emulators, through the same
 *   services the admin function uses, and are recorded in audit_log/ as `cli:<user>`; `tick`
 *   is sent to the stack's tick function, so it runs on the stack's replay clock;
 * - a real project (`--project ID`): a POST to its admin function with a Google-signed ID token
 *   from Application Default Credentials (or `gcloud auth print-identity-token`).
 */
import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { parseEnv } from '../../functions/src/config/load.ts';
import type { Env } from '../../functions/src/config/schema.ts';
import { unknownKeyError } from '../../functions/src/lib/unknownKeys.ts';
import { toDecimalString } from '../../functions/src/domain/money.ts';
import { runAdminAction } from '../../functions/src/services/admin.ts';
import { recorder } from '../../functions/src/services/adminCall.ts';
import { cliAdminDeps, createFirestore } from '../../functions/src/wiring/cli.ts';
import type { OpsStore } from '../../functions/src/ports/ops.ts';
import { ActionError, AdminRequestSchema } from '../../functions/src/services/adminActions.ts';
import { functionUrl, localPorts, type LocalPorts } from '../../infra/ports.ts';
import { progressBar } from '../lib/cli.ts';
import { probeEmulator, UnreachableError } from './reach.ts';
import { authPort } from '../../emulators/auth.ts';

export interface Answer {
  status: number;
  body: { ok?: boolean; result?: unknown; error?: string; field?: string; [k: string]: unknown };
}

export interface Target {
  readonly description: string;
  run(request: Record<string, unknown>): Promise<Answer>;
  close(): Promise<void>;
}

export interface TargetOptions {
  portOffset: number;
  project?: string;
  url?: string;
  region: string;
}

export function localEnv(opts: TargetOptions, vars: NodeJS.ProcessEnv = process.env): { env: Env; ports: LocalPorts } {
  const ports = localPorts(opts.portOffset);
  process.env.FIRESTORE_EMULATOR_HOST = `${ports.host}:${ports.firestore}`;
  process.env.PUBSUB_EMULATOR_HOST = `${ports.host}:${ports.pubsub}`;
  // access-sync sets the stack's sign-in accounts' claims
  process.env.FIREBASE_AUTH_EMULATOR_HOST = `${ports.host}:${authPort(opts.portOffset)}`;
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const env = parseEnv({
    ...vars,
    PROJECT_ID: opts.project ?? vars.PROJECT_ID,
    FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST,
    PUBSUB_EMULATOR_HOST: process.env.PUBSUB_EMULATOR_HOST,
  });
  return { env, ports };
}

/** The stack's market time: its last tick's, else where its replay starts (live: the wall clock). */
async function stackMarketNow(ops: Pick<OpsStore, 'readStatusDoc'>, env: Env): Promise<number> {
  const marketTime = (await ops.readStatusDoc())?.marketTime;
  if (typeof marketTime === 'number') return marketTime;
  return env.MARKET_SOURCE === 'replay' ? Date.parse(env.REPLAY_START) : Date.now();
}

export function localTarget(opts: TargetOptions, progress?: (line: string) => void): Target {
  const { env, ports } = localEnv(opts);
  const db = createFirestore(env.PROJECT_ID);
  const caller = { kind: 'cli' as const, id: `cli:${userInfo().username}` };
  const admin = cliAdminDeps(env, db, {
    tick: async ({ asOf }) => {
      const url = functionUrl(ports, 'tick');
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(asOf ? { asOf } : {}),
      }).catch((err: Error) => {
        throw new UnreachableError(
          `the tick function at ${url} did not answer (${err.message}): is \`npm start${opts.portOffset ? ` -- --port-offset ${opts.portOffset}` : ''}\` running?`,
        );
      });
      const body = (await res.json()) as unknown;
      if (!res.ok) throw new Error(`tick answered HTTP ${res.status}: ${JSON.stringify(body)}`);
      return body;
    },
    marketNow: () => stackMarketNow(ops, env),
    onBackfillStep:
      progress &&
      ((done, total, candles, to) => progress(progressBar(done, total, `${new Date(to).toISOString().slice(0, 10)} ${candles} candles`))),
  });
  const { deps } = admin;
  const ops = deps.ops;
  return {
    description: `local stack (Firestore ${ports.host}:${ports.firestore}, project ${env.PROJECT_ID})`,
    async run(request) {
      const parsed = AdminRequestSchema.safeParse(request, { error: unknownKeyError });
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = issue.path.join('.') || '(body)';
        return { status: 400, body: { error: `${field}: ${issue.message}`, field } };
      }
      const record = recorder(deps, caller, request);
      try {
        await probeEmulator(ports, opts.portOffset);
        const result = await runAdminAction(deps, parsed.data, caller);
        if (parsed.data.action === 'backfill') progress?.('\n');
        await record(200, 'ok');
        // The same JSON the admin function answers (amounts as decimals), so output does not depend on the target.
        const json = JSON.parse(
          JSON.stringify(result ?? null, (_k, v: unknown) => (typeof v === 'bigint' ? toDecimalString(v) : v)),
        ) as unknown;
        return { status: 200, body: { ok: true, action: parsed.data.action, result: json } };
      } catch (err) {
        if (err instanceof UnreachableError) throw err;
        const status = err instanceof ActionError ? err.status : 500;
        await record(status, (err as Error).message);
        return {
          status,
          body: { error: (err as Error).message, ...(err instanceof ActionError && err.field ? { field: err.field } : {}) },
        };
      }
    },
    async close() {
      await admin.close();
      await db.terminate();
    },
  };
}

export function adminUrl(project: string, region: string): string {
  return `https://${region}-${project}.cloudfunctions.net/admin`;
}

async function identityToken(audience: string): Promise<string> {
  try {
    const { GoogleAuth } = await import('google-auth-library');
    const client = await new GoogleAuth().getIdTokenClient(audience);
    const headers = await client.getRequestHeaders();
    const value = headers instanceof Headers ? headers.get('authorization') : (headers as Record<string, string>).Authorization;
    if (value) return value.replace(/^Bearer\s+/i, '');
  } catch {
    /* user credentials cannot mint ID tokens for an audience: fall back to gcloud */
  }
  return execFileSync('gcloud', ['auth', 'print-identity-token'], { encoding: 'utf8' }).trim();
}

export function remoteTarget(opts: TargetOptions & { project: string }): Target {
  const url = opts.url ?? adminUrl(opts.project, opts.region);
  return {
    description: `admin function ${url}`,
    async run(request) {
      const token = await identityToken(url);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(request),
      }).catch((err: Error) => {
        throw new UnreachableError(`${url} did not answer: ${err.message}`);
      });
      const text = await res.text();
      try {
        return { status: res.status, body: JSON.parse(text) as Answer['body'] };
      } catch {
        return { status: res.status, body: { error: text.slice(0, 500) } };
      }
    },
    async close() {},
  };
}
