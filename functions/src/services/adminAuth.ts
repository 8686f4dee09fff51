import { roleIn } from '../domain/access.ts';
import type { Caller, OpsStore, TokenVerifier } from '../ports/ops.ts';

/** A refusal carries the caller when the token was valid (a 403): the handler records it. */
export type AuthResult = { ok: true; caller: Caller; admin: boolean } | { ok: false; status: 401 | 403; error: string; caller?: Caller };

/**
 * Who is calling: a dashboard user (Firebase ID token, allow-listed in config/dashboardUsers) or a
 * service account (Google-signed ID token, allow-listed in ADMIN_SERVICE_ACCOUNTS). `admin` is
 * false for dashboard readers, who may only run read-only actions.
 */
export async function authorize(
  authorization: string | undefined,
  deps: { verifiers: readonly TokenVerifier[]; ops: Pick<OpsStore, 'dashboardUsers'>; serviceAccounts: readonly string[] },
): Promise<AuthResult> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) return { ok: false, status: 401, error: 'missing bearer token (Authorization: Bearer <ID token>)' };
  for (const v of deps.verifiers) {
    const id = await v.verify(token);
    if (!id) continue;
    if (v.kind === 'service_account') {
      return deps.serviceAccounts.map((s) => s.toLowerCase()).includes(id.email)
        ? { ok: true, caller: { kind: 'service_account', id: id.email }, admin: true }
        : {
            ok: false,
            status: 403,
            error: `service account ${id.email} is not in ADMIN_SERVICE_ACCOUNTS`,
            caller: { kind: 'service_account', id: id.email },
          };
    }
    // the allow-list itself, not the token's claim: a removal stops actions at once
    const role = roleIn(await deps.ops.dashboardUsers(), id.email);
    if (!role)
      return { ok: false, status: 403, error: `${id.email} is not an allow-listed dashboard user`, caller: { kind: 'user', id: id.email } };
    return { ok: true, caller: { kind: 'user', id: id.email }, admin: role === 'admin' };
  }
  return { ok: false, status: 401, error: 'invalid or expired token' };
}
