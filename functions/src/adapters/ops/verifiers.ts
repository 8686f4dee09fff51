/**
 * Bearer-token verification with maintained libraries, never hand-written JWT code:
 * - Firebase Auth ID tokens (dashboard users) with firebase-admin, which honours
 *   FIREBASE_AUTH_EMULATOR_HOST locally;
 * - Google-signed ID tokens (service accounts: the CLI, Cloud Scheduler) with google-auth-library.
 * Both libraries load lazily: only the admin function pays for them.
 */
import type { OAuth2Client } from 'google-auth-library';
import type { Auth } from 'firebase-admin/auth';
import type { TokenVerifier } from '../../ports/ops.ts';
import { firebaseAuth } from './FirebaseAuthAccounts.ts';

/**
 * The identity a verified token's claims stand for, or null. Only an address the provider says was
 * verified counts: an allow-listed email with no account yet must not be claimable by whoever signs
 * up with it first (the Firestore rules ask the same of dashboard reads).
 */
export function verifiedEmail(claims: { email?: unknown; email_verified?: unknown } | undefined): { email: string } | null {
  return claims && typeof claims.email === 'string' && claims.email !== '' && claims.email_verified === true
    ? { email: claims.email.toLowerCase() }
    : null;
}

export function firebaseVerifier(projectId: string): TokenVerifier {
  let auth: Promise<Auth> | undefined;
  return {
    kind: 'user',
    async verify(token) {
      auth ??= firebaseAuth(projectId);
      try {
        return verifiedEmail(await (await auth).verifyIdToken(token));
      } catch {
        return null;
      }
    },
  };
}

/** `newClient` lets a test hand in a client that knows a local issuer's certificates; the checks are the library's. */
export function googleServiceAccountVerifier(audience: string | undefined, newClient?: () => Promise<OAuth2Client>): TokenVerifier {
  let client: Promise<OAuth2Client> | undefined;
  return {
    kind: 'service_account',
    async verify(token) {
      client ??= newClient ? newClient() : import('google-auth-library').then(({ OAuth2Client }) => new OAuth2Client());
      try {
        const ticket = await (await client).verifyIdToken({ idToken: token, ...(audience ? { audience } : {}) });
        return verifiedEmail(ticket.getPayload());
      } catch {
        return null;
      }
    },
  };
}
