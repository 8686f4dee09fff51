import { ACCESS_CLAIM, roleOfClaims, type Role } from '../../domain/access.ts';
import type { AuthAccount, AuthAccounts } from '../../ports/access.ts';

interface Stored {
  email: string | null;
  emailVerified: boolean;
  claims: Record<string, unknown>;
  revocations: number;
}

/** In-memory sign-in accounts (Firebase Auth's twin; same contract suite). */
export class MemoryAuthAccounts implements AuthAccounts {
  readonly users = new Map<string, Stored>();

  create(uid: string, email: string | null, emailVerified: boolean, claims: Record<string, unknown> = {}): void {
    this.users.set(uid, { email: email?.toLowerCase() ?? null, emailVerified, claims: { ...claims }, revocations: 0 });
  }

  async list(): Promise<AuthAccount[]> {
    return [...this.users.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([uid, u]) => ({ uid, email: u.email, emailVerified: u.emailVerified, role: roleOfClaims(u.claims) }));
  }

  async setRole(uid: string, role: Role | null): Promise<void> {
    const u = this.get(uid);
    const { [ACCESS_CLAIM]: _old, ...rest } = u.claims;
    u.claims = role === null ? rest : { ...rest, [ACCESS_CLAIM]: role };
  }

  async revokeSessions(uid: string): Promise<void> {
    this.get(uid).revocations += 1;
  }

  private get(uid: string): Stored {
    const u = this.users.get(uid);
    if (!u) throw new Error(`no account ${uid}`);
    return u;
  }
}
