import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import { toDecimalString } from '../domain/money.ts';
import { errorFields } from '../lib/log.ts';
import { redact, redactText } from '../lib/redact.ts';
import { runAdminAction, type AdminDeps } from '../services/admin.ts';
import { ADMIN_ACTIONS, ActionError, AdminRequestSchema, READ_ONLY_ACTIONS, type AdminAction } from '../services/adminActions.ts';
import { authorize } from '../services/adminAuth.ts';
import type { Caller, TokenVerifier } from '../services/adminPorts.ts';

export interface AdminHandlerDeps extends AdminDeps {
  verifiers: readonly TokenVerifier[];
  serviceAccounts: readonly string[];
  allowedOrigins: readonly string[];
}

/** Amounts (bigint) go out as the decimals people read, like in the logs. */
function send(res: Response, status: number, body: unknown): void {
  res.status(status).type('application/json').send(JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? toDecimalString(v) : v)));
}

function cors(req: Request, res: Response, allowed: readonly string[]): void {
  const origin = req.get('origin');
  res.set('Vary', 'Origin');
  if (origin && allowed.includes(origin)) {
    res.set('Access-Control-Allow-Origin', origin);
    res.set('Access-Control-Allow-Headers', 'authorization, content-type');
    res.set('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.set('Access-Control-Max-Age', '3600');
  }
}

/**
 * POST {"action": "...", ...params} with `Authorization: Bearer <ID token>`. Answers JSON only:
 * 200 {ok, action, result}; 400 bad body (naming the field), 401 no/invalid token, 403 not
 * allowed, 404 unknown action, 405 not POST, 409 refused by the current state, 415 not JSON.
 */
export function makeAdminHandler(getDeps: () => Promise<AdminHandlerDeps>): HttpFunction {
  return async (req, res) => {
    let deps: AdminHandlerDeps;
    try {
      deps = await getDeps();
    } catch (err) {
      send(res, 500, { error: `admin is misconfigured: ${(err as Error).message}` });
      return;
    }
    cors(req, res, deps.allowedOrigins);
    if (req.method === 'OPTIONS') {
      res.status(204).send('');
      return;
    }
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST with a JSON body {"action": ...}' });
    // functions-framework also parses form and text bodies: only JSON may act.
    if (!req.is('application/json')) return send(res, 415, { error: 'content-type must be application/json' });
    const auth = await authorize(req.get('authorization'), { verifiers: deps.verifiers, ops: deps.ops, serviceAccounts: deps.serviceAccounts });
    if (!auth.ok) {
      deps.log.log('WARNING', 'admin call refused', { status: auth.status, reason: auth.error });
      return send(res, auth.status, { error: auth.error });
    }
    const [status, answer] = await handle(deps, auth.caller, auth.admin, req.body);
    send(res, status, answer);
  };
}

/** Every call that passed authentication is recorded in audit_log/, refused ones included. */
async function handle(deps: AdminHandlerDeps, caller: Caller, admin: boolean, body: unknown): Promise<[number, unknown]> {
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  const { action: given, ...params } = isObject ? (body as Record<string, unknown>) : { action: undefined };
  const action = typeof given === 'string' ? given.slice(0, 100) : '(none)';
  const record = async (status: number, summary: string) => {
    await deps.ops.recordAudit({ at: deps.wallNow(), who: caller.id, via: caller.kind, action, params: redact(params), ok: status === 200, status, summary: summary.slice(0, 500) });
    deps.log.log(status === 200 ? 'INFO' : 'WARNING', `admin ${action}`, { who: caller.id, status, summary: summary.slice(0, 200) });
  };
  if (typeof given !== 'string') {
    await record(400, 'no string "action"');
    return [400, { error: 'body must be a JSON object with a string "action"', field: 'action' }];
  }
  if (!(ADMIN_ACTIONS as readonly string[]).includes(given)) {
    await record(404, `unknown action "${action}"`);
    return [404, { error: `unknown action "${action}"; actions: ${ADMIN_ACTIONS.join(', ')}`, field: 'action' }];
  }
  if (!admin && !READ_ONLY_ACTIONS.includes(given as AdminAction)) {
    await record(403, 'reader may not act');
    return [403, { error: `${caller.id} may read but not run "${action}" (not in config/dashboardUsers.admins)` }];
  }
  const parsed = AdminRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || '(body)';
    await record(400, `${field}: ${issue.message}`);
    return [400, { error: `${field}: ${issue.message}`, field }];
  }
  try {
    const result = await runAdminAction(deps, parsed.data, caller);
    await record(200, 'ok');
    return [200, { ok: true, action, result }];
  } catch (err) {
    if (err instanceof ActionError) {
      await record(err.status, err.message);
      return [err.status, { error: err.message, ...(err.field ? { field: err.field } : {}) }];
    }
    deps.log.log('ERROR', `admin ${action} failed`, errorFields(err));
    const message = redactText(err instanceof Error ? err.message : String(err));
    await record(500, message).catch(() => undefined);
    return [500, { error: message, kind: err instanceof Error ? err.name : 'Error' }];
  }
}
