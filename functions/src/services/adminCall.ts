/**
 * One admin call, whatever the surface (the admin HTTP function, the Telegram webhook): the action
 * is named, allowed for this caller, validated (400 naming the field), run, and recorded in
 * audit_log/ — refused and failed calls included.
 */
import { errorFields } from '../lib/log.ts';
import { redact, redactText } from '../lib/redact.ts';
import { unknownKeyError } from '../lib/unknownKeys.ts';
import type { Caller, OpsStore } from '../ports/ops.ts';
import { runAdminAction, type AdminDeps } from './admin.ts';
import { ADMIN_ACTIONS, ActionError, AdminRequestSchema, isReadOnly } from './adminActions.ts';

type AuditDeps = Pick<AdminDeps, 'log' | 'wallNow' | 'marketNow'> & { ops: Pick<OpsStore, 'recordAudit'> };

function split(body: unknown): { given: unknown; action: string; params: Record<string, unknown> } {
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  const { action: given, ...params } = isObject ? (body as Record<string, unknown>) : { action: undefined };
  return { given, action: typeof given === 'string' ? given.slice(0, 100) : '(none)', params };
}

/**
 * Records one call in audit_log/. It never fails the call: the store writes whatever params were
 * sent (as a bounded string when Firestore could not hold them), and a failed write is logged.
 * `at` is the wall clock; a call that ran also carries the target's market time (`marketAt`: the
 * wall clock live, the replay clock on a replay stack), so the shadow backtest of a replayed day
 * sees a pause made during it. A refused call moved nothing and reads no clock but the wall's.
 */
export function recorder(deps: AuditDeps, caller: Caller, body: unknown) {
  const { action, params } = split(body);
  return async (status: number, summary: string): Promise<void> => {
    try {
      const marketAt =
        status === 200
          ? await Promise.resolve()
              .then(deps.marketNow)
              .catch(() => null)
          : null;
      await deps.ops.recordAudit({
        at: deps.wallNow(),
        ...(marketAt !== null && { marketAt }),
        who: caller.id,
        via: caller.kind,
        action,
        params: redact(params),
        ok: status === 200,
        status,
        summary: summary.slice(0, 500),
      });
    } catch (err) {
      deps.log.log('CRITICAL', 'admin call not recorded in audit_log', { action, who: caller.id, status, ...errorFields(err) });
    }
    deps.log.log(status === 200 ? 'INFO' : 'WARNING', `admin ${action}`, { who: caller.id, status, summary: summary.slice(0, 200) });
  };
}

/** Every call that passed authentication is recorded in audit_log/, refused and failed ones included. */
export async function callAdmin(deps: AdminDeps, caller: Caller, admin: boolean, body: unknown): Promise<[number, unknown]> {
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
    return [403, { error: `${caller.id} may read but not run "${action}"` }];
  }
  const parsed = AdminRequestSchema.safeParse(body, { error: unknownKeyError });
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
