/**
 * Local sign-in like production: a dashboard admin and a reader on the Auth emulator (email verified),
 * the allow-list config/dashboardUsers, and the access claims the rules check, set by the same
 * `access-sync` an operator runs. `npm start` prints the credentials.
 */
import { randomBytes } from 'node:crypto';
import { initializeApp, deleteApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { FieldValue, getFirestore } from 'firebase-admin/firestore';
import { PATHS } from '../../functions/src/shared/store/index.ts';
import { syncAccess } from '../../functions/src/services/dashboardAccess.ts';
import { FirestoreOpsStore } from '../../functions/src/adapters/ops/FirestoreOpsStore.ts';
import { FirebaseAuthAccounts } from '../../functions/src/adapters/ops/FirebaseAuthAccounts.ts';

export interface SeededUser {
  email: string;
  password: string;
  admin: boolean;
}

export const LOCAL_ADMIN = 'trader@eagle-eye.local';
export const LOCAL_READER = 'viewer@eagle-eye.local';

/** Needs FIRESTORE_EMULATOR_HOST and FIREBASE_AUTH_EMULATOR_HOST in `env` (the stack's env). */
export async function seedDashboardUsers(projectId: string, env: Record<string, string>): Promise<SeededUser[]> {
  for (const key of ['FIRESTORE_EMULATOR_HOST', 'FIREBASE_AUTH_EMULATOR_HOST']) {
    if (!env[key]) throw new Error(`seeding dashboard users needs ${key}`);
    process.env[key] = env[key];
  }
  const app = initializeApp({ projectId }, `seed-${Date.now()}`);
  try {
    const users: SeededUser[] = [
      { email: LOCAL_ADMIN, password: randomBytes(9).toString('base64url'), admin: true },
      { email: LOCAL_READER, password: randomBytes(9).toString('base64url'), admin: false },
    ];
    const auth = getAuth(app);
    for (const u of users) {
      const existing = await auth.getUserByEmail(u.email).catch(() => null);
      if (existing) await auth.updateUser(existing.uid, { password: u.password, emailVerified: true });
      else await auth.createUser({ email: u.email, password: u.password, emailVerified: true });
    }
    // Merge: an allow-list someone already keeps in this emulator is extended, never replaced.
    await getFirestore(app)
      .doc(PATHS.dashboardUsers)
      .set(
        {
          emails: FieldValue.arrayUnion(...users.map((u) => u.email)),
          admins: FieldValue.arrayUnion(...users.filter((u) => u.admin).map((u) => u.email)),
        },
        { merge: true },
      );
    await syncAccess({ ops: new FirestoreOpsStore(getFirestore(app)), accounts: new FirebaseAuthAccounts(auth) });
    return users;
  } finally {
    await deleteApp(app);
  }
}
