/**
 * Bearer-token verification with maintained libraries, never hand-written JWT code:
 * - Firebase Auth ID tokens (dashboard users) with firebase-admin, which honours
 *   FIREBASE_AUTH_EMULATOR_HOST locally;
 * - Google-signed ID tokens (service accounts: the CLI, Cloud Scheduler) with google-auth-library.
 * Both libraries load lazily: only the admin function pays for them.
 */
import type { OAuth2Client } from 'google-auth-library';
import type { TokenVerifier } from '../../services/adminPorts.ts';

export function firebaseVerifier(projectId: string): TokenVerifier {
  let auth: Promise<{ verifyIdToken(t: string): Promise<{ email?: string; email_verified?: boolean }> }> | undefined;
  return {
    kind: 'user',
    async verify(token) {
      auth ??= (async () => {
        const { initializeApp, getApps } = await import('firebase-admin/app');
        const { getAuth } = await import('firebase-admin/auth');
        const app = getApps().find((a) => a.name === 'eagle-admin') ?? initializeApp({ projectId }, 'eagle-admin');
        return getAuth(app);
      })();
      try {
        const decoded = await (await auth).verifyIdToken(token);
        return decoded.email ? { email: decoded.email.toLowerCase() } : null;
      } catch {
        return null;
      }
    },
  };
}

export function googleServiceAccountVerifier(audience: string | undefined): TokenVerifier {
  let client: Promise<OAuth2Client> | undefined;
  return {
    kind: 'service_account',
    async verify(token) {
      client ??= import('google-auth-library').then(({ OAuth2Client }) => new OAuth2Client());
      try {
        const ticket = await (await client).verifyIdToken({ idToken: token, ...(audience ? { audience } : {}) });
        const p = ticket.getPayload();
        return p?.email && p.email_verified ? { email: p.email.toLowerCase() } : null;
      } catch {
        return null;
      }
    },
  };
}
