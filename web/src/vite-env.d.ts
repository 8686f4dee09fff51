/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_FIREBASE_PROJECT_ID?: string;
  /** host:port of the Firestore emulator, e.g. 127.0.0.1:8180; when set the dashboard uses it */
  readonly VITE_FIRESTORE_EMULATOR_HOST?: string;
  readonly VITE_FIREBASE_API_KEY?: string;
  readonly VITE_FIREBASE_AUTH_DOMAIN?: string;
  /** host:port of the Firebase Auth emulator (local stack) */
  readonly VITE_AUTH_EMULATOR_HOST?: string;
  /** URL of the admin function (controls) */
  readonly VITE_ADMIN_URL?: string;
  /** "1m": the stale banner appears after 3 intervals without a tick */
  readonly VITE_TICK_INTERVAL?: string;
  readonly VITE_REPLAY_SPEED?: string;
  /** ISO time the replay's bundled candles end at (npm start sets it): the page says so instead of going stale */
  readonly VITE_REPLAY_END?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
