/**
 * `npm run emulators:firebase -- <firebase emulators args>` — run firebase-tools' emulator suite
 * offline with the Google Cloud CLI's emulator binaries instead of its downloads, e.g.
 *
 *   npm run emulators:firebase -- emulators:exec --only firestore,pubsub "npm run test:integration"
 *
 * firebase-tools starts Firestore with `java -jar PATH`, and the SDK's jar has no Main-Class, so a
 * two-line manifest jar pointing at it is built once under .emulators/. The test harness and
 * `npm start` attach to whatever firebase-tools started through FIRESTORE_EMULATOR_HOST /
 * PUBSUB_EMULATOR_HOST. (firebase-tools 13 runs the Java emulators on Java 17; 14+ demands Java 21.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findSdkRoot } from './emulator.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = join(ROOT, '.emulators', 'firebase');
const sdk = findSdkRoot();
const firestoreJar = join(sdk, 'platform/cloud-firestore-emulator/cloud-firestore-emulator.jar');
const launcherJar = join(dir, 'firestore-launcher.jar');
if (!existsSync(launcherJar)) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'MANIFEST.MF'),
    `Main-Class: com.google.cloud.datastore.emulator.firestore.CloudFirestore\nClass-Path: ${firestoreJar}\n`,
  );
  const jar = spawnSync('jar', ['cfm', launcherJar, join(dir, 'MANIFEST.MF')], { stdio: 'inherit' });
  if (jar.status !== 0) {
    console.error('building the Firestore launcher jar needs the JDK `jar` tool (apt-get install openjdk-17-jdk-headless)');
    process.exit(1);
  }
}
const result = spawnSync(
  join(ROOT, 'node_modules/.bin/firebase'),
  ['--project', process.env.PROJECT_ID ?? 'demo-eagle-eye', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    cwd: ROOT,
    env: {
      ...process.env,
      FIRESTORE_EMULATOR_BINARY_PATH: launcherJar,
      PUBSUB_EMULATOR_BINARY_PATH: join(sdk, 'platform/pubsub-emulator/bin/cloud-pubsub-emulator'),
    },
  },
);
process.exit(result.status ?? 1);
