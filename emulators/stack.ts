import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { localPorts, functionUrl, type LocalPorts } from '../infra/ports.ts';
import { startEmulator, type RunningEmulator } from './emulator.ts';
import { ENV } from './env.ts';
import { wirePubSub } from './pubsubWiring.ts';
import { authPort, startAuthEmulator } from './auth.ts';

export interface EmulatorStack {
  readonly projectId: string;
  readonly ports: LocalPorts;
  readonly firestoreHost: string;
  readonly pubsubHost: string;
  /** host:port of the Firebase Auth emulator, when started (`auth: true`) */
  readonly authHost?: string;
  /** env vars that point client libraries at this stack */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

const LOG_DIR = fileURLToPath(new URL('../.emulators', import.meta.url));

/**
 * Start (or attach to) the Firestore and Pub/Sub emulators and wire production's topics and
 * subscriptions, push endpoints pointing at the locally served functions.
 */
export async function startEmulatorStack(opts: {
  projectId: string;
  portOffset?: number;
  reuseFromEnv?: boolean;
  logDir?: string;
  wire?: boolean;
  /** load this security rules file into the Firestore emulator (client SDKs then see production's rules) */
  rules?: string;
  /** also start the Firebase Auth emulator (firebase.json emulators.auth.port) */
  auth?: boolean;
}): Promise<EmulatorStack> {
  // Emulators need no credentials: stop Google clients from probing the GCE metadata server.
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const ports = localPorts(opts.portOffset ?? 0);
  const logDir = opts.logDir ?? join(LOG_DIR, String(opts.portOffset ?? 0));
  const started: Pick<RunningEmulator, 'stop'>[] = [];
  const stop = async () => {
    await Promise.all(started.map((e) => e.stop()));
  };
  try {
    const [fs, ps] = await Promise.all([
      startEmulator('firestore', {
        host: ports.host,
        port: ports.firestore,
        logDir,
        reuseFromEnv: opts.reuseFromEnv,
        rules: opts.rules,
      }).then((e) => (started.push(e), e)),
      startEmulator('pubsub', { host: ports.host, port: ports.pubsub, logDir, reuseFromEnv: opts.reuseFromEnv }).then(
        (e) => (started.push(e), e),
      ),
    ]);
    const auth = opts.auth
      ? await startAuthEmulator({ projectId: opts.projectId, port: authPort(opts.portOffset ?? 0), logDir, host: ports.host })
      : undefined;
    if (auth) started.push(auth);
    if (opts.wire !== false) {
      await wirePubSub({ projectId: opts.projectId, apiEndpoint: ps.host, pushUrl: pushUrlFor(ports, opts.projectId) });
    }
    const env: Record<string, string> = {
      FIRESTORE_EMULATOR_HOST: fs.host,
      PUBSUB_EMULATOR_HOST: ps.host,
      PROJECT_ID: opts.projectId,
      GCLOUD_PROJECT: opts.projectId,
    };
    if (auth) env[ENV.authHost] = auth.host;
    return { projectId: opts.projectId, ports, firestoreHost: fs.host, pubsubHost: ps.host, authHost: auth?.host, env, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Where a push subscription delivers locally; functions-framework reads the topic from the path to fill the CloudEvent's source. */
export function pushUrlFor(ports: LocalPorts, projectId: string): (target: string, topic: string) => string {
  return (target, topic) => `${functionUrl(ports, target)}projects/${projectId}/topics/${topic}`;
}

/**
 * Delete every document (emulator-only REST endpoint). The emulator refuses (409 ABORTED, "Transaction
 * lock timeout", after ~2 s) while any transaction holds a lock, and a transaction whose client went
 * away without committing or rolling back (a crashed function, a terminated client whose rollback
 * was still in flight) holds its locks until the emulator expires them, about 60 s later. So a 409 is
 * waited out, up to `timeoutMs`; any other status fails at once.
 */
export async function clearFirestore(firestoreHost: string, projectId: string, opts: { timeoutMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  const url = `http://${firestoreHost}/emulator/v1/projects/${projectId}/databases/(default)/documents`;
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, { method: 'DELETE' });
    if (res.ok) return;
    const body = (await res.text()).slice(0, 200);
    if (res.status !== 409 || Date.now() >= deadline) {
      throw new Error(`clearing Firestore emulator failed after ${attempt} attempt(s): HTTP ${res.status} ${body}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
