/**
 * The sign-in accounts whose access claim `access-sync` keeps equal to the allow-list (Firebase
 * Auth in production and on the Auth emulator: adapters/ops/FirebaseAuthAccounts.ts; in memory:
 * adapters/memory/MemoryAuthAccounts.ts; both pass authAccounts.contract.ts).
 */
import type { Role } from '../domain/access.ts';

export interface AuthAccount {
  readonly uid: string;
  /** lower-cased, or null for an account without an email */
  readonly email: string | null;
  readonly emailVerified: boolean;
  /** the access claim the account's next ID token will carry */
  readonly role: Role | null;
}

export interface AuthAccounts {
  /** every account, in uid order */
  list(): Promise<AuthAccount[]>;
  /** sets (or with null removes) the access claim, keeping the account's other custom claims */
  setRole(uid: string, role: Role | null): Promise<void>;
  /** the account's refresh tokens stop working: it must sign in again (its current ID token lives out its hour) */
  revokeSessions(uid: string): Promise<void>;
}
