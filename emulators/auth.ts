/**
 * The Firebase Auth emulator (JavaScript inside firebase-tools: no Java, no download), for real
 * Firebase ID tokens locally. Same shape as emulator.ts: start → { host, stop }.
 * Its hub and logging ports are pinned next to its own port, so two stacks never collide on 4400/4500.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmulatorSetupError } from './emulator.ts';
import { ownGroup, stopProcessGroup } from './processGroup.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_AUTH_PORT = 9099;

export interface RunningAuthEmulator {
  /** host:port, the value of FIREBASE_AUTH_EMULATOR_HOST */
  readonly host: string;
  stop(): Promise<void>;
}

/** firebase.json emulators.auth.port when present, else Firebase's default 9099; shifted by `offset`. */
export function authPort(offset = 0): number {
  const emulators = (JSON.parse(readFileSync(join(ROOT, 'firebase.json'), 'utf8')) as { emulators?: { auth?: { port?: number } } })
    .emulators;
  return (emulators?.auth?.port ?? DEFAULT_AUTH_PORT) + offset;
}

async function answers(host: string): Promise<boolean> {
  try {
    return (await fetch(`http://${host}/`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

export async function startAuthEmulator(opts: {
  projectId: string;
  port: number;
  logDir: string;
  host?: string;
  readyTimeoutMs?: number;
}): Promise<RunningAuthEmulator> {
  const hostName = opts.host ?? '127.0.0.1';
  const host = `${hostName}:${opts.port}`;
  if (await answers(host))
    throw new EmulatorSetupError(`port ${opts.port} already answers: stop the old Auth emulator or pick another offset`);
  mkdirSync(opts.logDir, { recursive: true });
  const config = join(opts.logDir, `firebase.auth.${opts.port}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      emulators: {
        auth: { host: hostName, port: opts.port },
        hub: { host: hostName, port: opts.port + 1 },
        logging: { host: hostName, port: opts.port + 2 },
        ui: { enabled: false },
      },
    }),
  );
  const log = createWriteStream(join(opts.logDir, `auth.${opts.port}.log`));
  const child = ownGroup(
    spawn(
      join(ROOT, 'node_modules/.bin/firebase'),
      ['emulators:start', '--only', 'auth', '--project', opts.projectId, '--config', config],
      {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        cwd: opts.logDir,
        env: { ...process.env, FIREBASE_CLI_DISABLE_UPDATE_CHECK: 'true' },
      },
    ),
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const stop = () => stopProcessGroup(child);
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 90_000);
  while (!(await answers(host))) {
    if (child.exitCode !== null) throw new EmulatorSetupError(`Auth emulator exited with code ${child.exitCode}; log in ${opts.logDir}`);
    if (Date.now() > deadline) {
      await stop();
      throw new EmulatorSetupError(`Auth emulator did not answer on ${host}; log in ${opts.logDir}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { host, stop };
}

/** Create (or sign in) an email/password user on the emulator and return a real Firebase ID token. */
export async function emulatorIdToken(authHost: string, email: string, password = 'eagle-eye-test'): Promise<string> {
  const call = (op: string) =>
    fetch(`http://${authHost}/identitytoolkit.googleapis.com/v1/accounts:${op}?key=fake-api-key`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, returnSecureToken: true }),
    });
  let res = await call('signUp');
  if (!res.ok) res = await call('signInWithPassword');
  if (!res.ok) throw new Error(`Auth emulator refused ${email}: ${await res.text()}`);
  return ((await res.json()) as { idToken: string }).idToken;
}
