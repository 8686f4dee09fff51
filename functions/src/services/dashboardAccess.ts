/**
 * `access-sync`: make every sign-in account's access claim what `config/dashboardUsers` says
 * (domain/access.ts roleIn), so the Firestore rules can check the claim without reading the list.
 * An account that loses its role (or an admin who becomes a reader) also has its sessions revoked:
 * its page cannot refresh its ID token and signs out at the next refresh or reload; the ID token it
 * holds keeps reading until it expires (at most an hour). Only a verified address gets a role.
 */
import { roleIn, type Role } from '../domain/access.ts';
import type { AuthAccounts } from '../ports/access.ts';
import type { OpsStore } from '../ports/ops.ts';

export interface AccessChange {
  readonly email: string;
  readonly from: Role | null;
  readonly to: Role | null;
  /** sessions revoked: access was removed or narrowed */
  readonly revoked: boolean;
}

export interface AccessSync {
  /** sign-in accounts seen */
  readonly accounts: number;
  /** accounts with a role after the sync */
  readonly readers: number;
  readonly admins: number;
  readonly changes: readonly AccessChange[];
}

export async function syncAccess(deps: { ops: Pick<OpsStore, 'dashboardUsers'>; accounts: AuthAccounts }): Promise<AccessSync> {
  const list = await deps.ops.dashboardUsers();
  const changes: AccessChange[] = [];
  const roles: (Role | null)[] = [];
  for (const a of await deps.accounts.list()) {
    const to = a.email !== null && a.emailVerified ? roleIn(list, a.email) : null;
    roles.push(to);
    if (to === a.role) continue;
    await deps.accounts.setRole(a.uid, to);
    const revoked = a.role !== null && (to === null || (a.role === 'admin' && to === 'reader'));
    if (revoked) await deps.accounts.revokeSessions(a.uid);
    changes.push({ email: a.email ?? a.uid, from: a.role, to, revoked });
  }
  return {
    accounts: roles.length,
    readers: roles.filter((r) => r === 'reader').length,
    admins: roles.filter((r) => r === 'admin').length,
    changes,
  };
}
