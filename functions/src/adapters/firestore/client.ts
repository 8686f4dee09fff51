import { Firestore } from '@google-cloud/firestore';

/**
 * One client per instance: the constructor is cheap but channels are not, and a warm Cloud
 * Functions instance should reuse them. FIRESTORE_EMULATOR_HOST, when set, points it at the emulator.
 */
export function createFirestore(projectId: string): Firestore {
  return new Firestore({ projectId, ignoreUndefinedProperties: true, preferRest: false });
}
