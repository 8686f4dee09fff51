/**
 * `eagle config --set FILE --dry-run`: the admin function's own checks of a new config/bot — the
 * request schema, then the runtime built from the document against this environment's exchange rules
 * (paper: the recorded snapshot, so no stack and no network) — with nothing stored.
 */
import { setConfig } from '../../functions/src/services/admin.ts';
import { ActionError, AdminRequestSchema } from '../../functions/src/services/adminActions.ts';
import { unknownKeyError } from '../../functions/src/lib/unknownKeys.ts';
import { venueFor } from '../../functions/src/wiring/venue.ts';
import type { Env } from '../../functions/src/config/schema.ts';
import type { Answer, Target } from './target.ts';

export async function dryRunConfig(env: Env, doc: unknown): Promise<Answer> {
  const parsed = AdminRequestSchema.safeParse({ action: 'config', set: doc }, { error: unknownKeyError });
  if (!parsed.success || parsed.data.action !== 'config' || !parsed.data.set) {
    const issue = parsed.error?.issues[0];
    return { status: 400, body: { error: issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'set: expected an object' } };
  }
  try {
    const config = await setConfig({ env, exchangeRules: () => venueFor(env).rules() }, parsed.data.set);
    return { status: 200, body: { ok: true, action: 'config', result: { config, saved: false, dryRun: true } } };
  } catch (err) {
    if (err instanceof ActionError) return { status: err.status, body: { error: err.message, ...(err.field ? { field: err.field } : {}) } };
    throw err;
  }
}

/** The dry run as a target of its own: `config` requests are checked here, in this process. */
export const offlineConfigTarget = (env: Env): Target => ({
  description: 'offline config check (nothing stored)',
  run: (request) => dryRunConfig(env, request.set),
  close: async () => {},
});
