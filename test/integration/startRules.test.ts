/**
 * `npm start` runs like production for clients: Firestore enforces firestore.rules and the page's
 * users sign in on the Firebase Auth emulator with the credentials npm start prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deleteApp, initializeApp } from 'firebase/app';
import { connectAuthEmulator, getAuth, signInWithEmailAndPassword } from 'firebase/auth';
import { connectFirestoreEmulator, doc, getDoc, getFirestore, setDoc, setLogLevel } from 'firebase/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import { authPort } from '../../emulators/auth.ts';
import { localPorts } from '../../infra/ports.ts';
import { acceptsConnections } from '../../scripts/local/processes.ts';
import { eventually } from './harness.ts';
import { TEST_PORT_OFFSET } from './global-setup.ts';
import { PATHS } from '../../functions/src/shared/store/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Beside the suite's emulators (1×), start.test.ts's stack (2×) and a developer's npm start (0). */
const OFFSET = 3 * TEST_PORT_OFFSET;
const ports = localPorts(OFFSET);
const AUTH = authPort(OFFSET);

describe('npm start enforces the security rules and signs users in on the Auth emulator', () => {
  let npm: ChildProcess | undefined;
  let output = '';
  afterAll(async () => {
    if (npm && npm.exitCode === null && npm.signalCode === null) {
      const exited = new Promise((r) => npm!.once('exit', r));
      npm.kill('SIGTERM');
      await exited;
    }
  }, 60_000);

  it('denies an unauthenticated write and read, lets the printed user read, and stops the Auth emulator with the rest', async () => {
    const env = { ...process.env };
    delete env.FIRESTORE_EMULATOR_HOST;
    delete env.PUBSUB_EMULATOR_HOST;
    delete env.FIREBASE_AUTH_EMULATOR_HOST;
    npm = spawn('npm', ['start', '--', '--speed', '600', '--port-offset', String(OFFSET)], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    npm.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    npm.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const login = await eventually(
      async () => /sign in as (\S+@\S+) \/ (\S+) {2}\(admin/.exec(output) ?? undefined,
      150_000,
      () => `the printed dashboard user; output so far:\n${output}`,
    );
    await eventually(
      async () => (output.split('\n').some((l) => l.startsWith('tick 2023-')) ? true : undefined),
      120_000,
      () => `a tick; output so far:\n${output}`,
    );

    setLogLevel('silent');
    const app = initializeApp({ projectId: 'demo-eagle-eye', apiKey: 'emulator-no-key' }, 'start-rules');
    const db = getFirestore(app);
    connectFirestoreEmulator(db, ports.host, ports.firestore);
    const auth = getAuth(app);
    connectAuthEmulator(auth, `http://${ports.host}:${AUTH}`, { disableWarnings: true });

    await expect(setDoc(doc(db, PATHS.wallet), { cash: '1000000.00000000' })).rejects.toMatchObject({ code: 'permission-denied' });
    await expect(getDoc(doc(db, PATHS.status))).rejects.toMatchObject({ code: 'permission-denied' });

    await signInWithEmailAndPassword(auth, login[1]!, login[2]!);
    const status = await getDoc(doc(db, PATHS.status));
    expect(status.data()?.mode).toMatch(/NORMAL|OBSERVATION|PAUSED|KILLED/);
    // Signed in and allow-listed still never writes.
    await expect(setDoc(doc(db, PATHS.wallet), { cash: '1000000.00000000' })).rejects.toMatchObject({ code: 'permission-denied' });
    await deleteApp(app);

    const exited = new Promise((r) => npm!.once('exit', r));
    npm.kill('SIGTERM');
    await exited;
    for (const port of [AUTH, AUTH + 1, AUTH + 2, ports.firestore])
      expect(await acceptsConnections(ports.host, port), `port ${port} still open`).toBe(false);
  }, 300_000);
});
