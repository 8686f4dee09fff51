/** Environment variable names in one place (as firebase-tools does). */
export const ENV = {
  firestoreHost: 'FIRESTORE_EMULATOR_HOST',
  pubsubHost: 'PUBSUB_EMULATOR_HOST',
  authHost: 'FIREBASE_AUTH_EMULATOR_HOST',
  sdkRoot: 'CLOUDSDK_ROOT_DIR',
  java: 'JAVA',
} as const;
