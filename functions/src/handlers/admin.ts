import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import { toDecimalString } from '../domain/money.ts';
import { errorFields } from '../lib/log.ts';
import { redact, redactText } from '../lib/redact.ts';
import { runAdminAction, type AdminDeps } from '../services/admin.ts';
import { ADMIN_ACTIONS, ActionError, AdminRequestSchema, isReadOnly } from '../services/adminActions.ts';
import { authorize } from '../services/adminAuth.ts';
import type { Caller, TokenVerifier } from '../ports/ops.ts';

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
      send(res, 500, { error: `admin is misconfigured: ${redactText((err as Error).message)}` });
      return;
    }
    try {
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
        // A verified identity that may not call is recorded; an anonymous caller is only logged (it could fill audit_log at will).
        if (auth.caller) await recorder(deps, auth.caller, req.body)(auth.status, auth.error);
        return send(res, auth.status, { error: auth.error });
      }
      const [status, answer] = await handle(deps, auth.caller, auth.admin, req.body);
      send(res, status, answer);
    } catch (err) {
      deps.log.log('ERROR', 'admin call failed', errorFields(err));
      if (!res.headersSent) send(res, 500, { error: 'internal error', kind: 'Error' });
    }
  };
}

function split(body: unknown): { given: unknown; action: string; params: Record<string, unknown> } {
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  const { action: given, ...params } = isObject ? (body as Record<string, unknown>) : { action: undefined };
  return { given, action: typeof given === 'string' ? given.slice(0, 100) : '(none)', params };
}

/**
 * Records one call in audit_log/. It never fails the call: the store writes whatever params were
 * sent (as a bounded string when Firestore could not hold them), and a failed write is logged.
 */
function recorder(deps: AdminHandlerDeps, caller: Caller, body: unknown) {
  const { action, params } = split(body);
  return async (status: number, summary: string): Promise<void> => {
    try {
      await deps.ops.recordAudit({ at: deps.wallNow(), who: caller.id, via: caller.kind, action, params: redact(params), ok: status === 200, status, summary: summary.slice(0, 500) });
    } catch (err) {
      deps.log.log('CRITICAL', 'admin call not recorded in audit_log', { action, who: caller.id, status, ...errorFields(err) });
    }
    deps.log.log(status === 200 ? 'INFO' : 'WARNING', `admin ${action}`, { who: caller.id, status, summary: summary.slice(0, 200) });
  };
}

/** Every call that passed authentication is recorded in audit_log/, refused and failed ones included. */
async function handle(deps: AdminHandlerDeps, caller: Caller, admin: boolean, body: unknown): Promise<[number, unknown]> {
  const { given, action } = split(body);
  const record = recorder(deps, caller, body);
  if (typeof given !== 'string') {
    await record(400, 'no string "action"');
    return [400, { error: 'body must be a JSON object with a string "action"', field: 'action' }];
  }
  if (!(ADMIN_ACTIONS as readonly string[]).includes(given)) {
    await record(404, `unknown action "${action}"`);
    return [404, { error: `unknown action "${action}"; actions: ${ADMIN_ACTIONS.join(', ')}`, field: 'action' }];
  }
  if (!admin && !isReadOnly(given)) {
    await record(403, 'reader may not act');
    return [403, { error: `${caller.id} may read but not run "${action}" (not in config/dashboardUsers.admins)` }];
  }
  const parsed = AdminRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.').slice(0, 200) || '(body)';
    await record(400, `${field}: ${issue.message}`);
    return [400, { error: `${field}: ${issue.message}`.slice(0, 500), field }];
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
    const message = redactText(err instanceof Error ? err.message : String(err)).slice(0, 500);
    await record(500, message);
    return [500, { error: message, kind: err instanceof Error ? err.name : 'Error' }];
  }
}
