import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import { toDecimalString } from '../domain/money.ts';
import { errorFields } from '../lib/log.ts';
import { redactText } from '../lib/redact.ts';
import type { AdminDeps } from '../services/admin.ts';
import { authorize } from '../services/adminAuth.ts';
import { callAdmin, recorder } from '../services/adminCall.ts';
import type { TokenVerifier } from '../ports/ops.ts';

export interface AdminHandlerDeps extends AdminDeps {
  verifiers: readonly TokenVerifier[];
  serviceAccounts: readonly string[];
  allowedOrigins: readonly string[];
}

/** Amounts (bigint) go out as the decimals people read, like in the logs. */
function send(res: Response, status: number, body: unknown): void {
  res
    .status(status)
    .type('application/json')
    .send(JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? toDecimalString(v) : v)));
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
      const auth = await authorize(req.get('authorization'), {
        verifiers: deps.verifiers,
        ops: deps.ops,
        serviceAccounts: deps.serviceAccounts,
      });
      if (!auth.ok) {
        deps.log.log('WARNING', 'admin call refused', { status: auth.status, reason: auth.error });
        // A verified identity that may not call is recorded; an anonymous caller is only logged (it could fill audit_log at will).
        if (auth.caller) await recorder(deps, auth.caller, req.body)(auth.status, auth.error);
        return send(res, auth.status, { error: auth.error });
      }
      const [status, answer] = await callAdmin(deps, auth.caller, auth.admin, req.body);
      send(res, status, answer);
    } catch (err) {
      deps.log.log('ERROR', 'admin call failed', errorFields(err));
      if (!res.headersSent) send(res, 500, { error: 'internal error', kind: 'Error' });
    }
  };
}
