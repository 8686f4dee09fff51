/**
 * Sign-in accounts on Firebase Auth (firebase-admin; FIREBASE_AUTH_EMULATOR_HOST locally): the
 * access claim is one key of the account's custom claims, the others are kept.
 */
import type { Auth } from 'firebase-admin/auth';
import { ACCESS_CLAIM, roleOfClaims, type Role } from '../../domain/access.ts';
import type { AuthAccount, AuthAccounts } from '../../ports/access.ts';

export class FirebaseAuthAccounts implements AuthAccounts {
  constructor(private readonly auth: Auth) {}

  async list(): Promise<AuthAccount[]> {
    const out: AuthAccount[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.auth.listUsers(1000, pageToken);
      for (const u of page.users)
        out.push({ uid: u.uid, email: u.email?.toLowerCase() ?? null, emailVerified: u.emailVerified, role: roleOfClaims(u.customClaims) });
      pageToken = page.pageToken;
    } while (pageToken);
    return out.sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
  }

  async setRole(uid: string, role: Role | null): Promise<void> {
    const { [ACCESS_CLAIM]: _old, ...rest } = (await this.auth.getUser(uid)).customClaims ?? {};
    const claims = role === null ? rest : { ...rest, [ACCESS_CLAIM]: role };
    await this.auth.setCustomUserClaims(uid, Object.keys(claims).length ? claims : null);
  }

  async revokeSessions(uid: string): Promise<void> {
    await this.auth.revokeRefreshTokens(uid);
  }
}

/** The functions' one firebase-admin app's Auth (loaded on first use: only the admin function pays for it). */
export async function firebaseAuth(projectId: string): Promise<Auth> {
  const { initializeApp, getApps } = await import('firebase-admin/app');
  const { getAuth } = await import('firebase-admin/auth');
  return getAuth(getApps().find((a) => a.name === 'eagle-admin') ?? initializeApp({ projectId }, 'eagle-admin'));
}

/** The project's sign-in accounts on that app (the admin function's and `eagle`'s access-sync). */
export const firebaseAuthAccounts = async (projectId: string): Promise<AuthAccounts> =>
  new FirebaseAuthAccounts(await firebaseAuth(projectId));
