import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV } from './env.ts';
import { ownGroup, stopProcessGroup } from './processGroup.ts';

/** One small interface per emulator (as in firebase-tools): start, stop, info. */
export interface RunningEmulator {
  readonly name: 'firestore' | 'pubsub';
  readonly host: string;
  /** false when we attached to an emulator someone else started (it is theirs to stop) */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export class EmulatorSetupError extends Error {
  override readonly name = 'EmulatorSetupError';
}

const INSTALL_HINT =
  'Install Java 17+ and the Google Cloud CLI emulators, e.g. on Debian/Ubuntu:\n' +
  '  apt-get install -y openjdk-17-jre-headless google-cloud-cli google-cloud-cli-firestore-emulator google-cloud-cli-pubsub-emulator\n' +
  'or run the suite under `firebase emulators:exec` (which sets FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST).';

export function findSdkRoot(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env[ENV.sdkRoot], '/usr/lib/google-cloud-sdk', '/usr/share/google-cloud-sdk', '/opt/google-cloud-sdk'];
  const fromGcloud = spawnSync('gcloud', ['info', '--format=value(installation.sdk_root)'], { encoding: 'utf8', timeout: 20_000 });
  if (fromGcloud.status === 0 && fromGcloud.stdout.trim()) candidates.unshift(fromGcloud.stdout.trim());
  const root = candidates.find((c) => c && existsSync(join(c, 'platform')));
  if (!root) throw new EmulatorSetupError(`Google Cloud CLI not found.\n${INSTALL_HINT}`);
  return root;
}

function checkJava(java: string): void {
  const r = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new EmulatorSetupError(`Java not found (${java}).\n${INSTALL_HINT}`);
  const m = /version "(\d+)/.exec(r.stderr);
  if (m && Number(m[1]) < 17) throw new EmulatorSetupError(`Java ${m[1]} found; the emulators need Java 17+.\n${INSTALL_HINT}`);
}

function command(
  name: RunningEmulator['name'],
  sdkRoot: string,
  java: string,
  host: string,
  port: number,
  rules?: string,
): [string, string[]] {
  if (name === 'firestore') {
    const jar = join(sdkRoot, 'platform/cloud-firestore-emulator/cloud-firestore-emulator.jar');
    if (!existsSync(jar)) throw new EmulatorSetupError(`Firestore emulator missing (${jar}).\n${INSTALL_HINT}`);
    // The SDK jar has no Main-Class; this is what `gcloud emulators firestore start` runs, minus gcloud.
    return [
      java,
      [
        '-Duser.language=en',
        '-cp',
        jar,
        'com.google.cloud.datastore.emulator.firestore.CloudFirestore',
        'start',
        `--host=${host}`,
        `--port=${port}`,
        '--database-mode=firestore-native',
        ...(rules ? [`--rules=${rules}`] : []),
      ],
    ];
  }
  const bin = join(sdkRoot, 'platform/pubsub-emulator/bin/cloud-pubsub-emulator');
  if (!existsSync(bin)) throw new EmulatorSetupError(`Pub/Sub emulator missing (${bin}).\n${INSTALL_HINT}`);
  return [bin, [`--host=${host}`, `--port=${port}`]];
}

async function answers(host: string): Promise<boolean> {
  try {
    const res = await fetch(`http://${host}/`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

export interface StartOptions {
  host: string;
  port: number;
  logDir: string;
  env?: NodeJS.ProcessEnv;
  /** attach to FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST when set (e.g. under firebase emulators:exec) */
  reuseFromEnv?: boolean;
  readyTimeoutMs?: number;
  /** Firestore only: enforce this security rules file for client SDKs, as production does */
  rules?: string;
}

export async function startEmulator(name: RunningEmulator['name'], opts: StartOptions): Promise<RunningEmulator> {
  const env = opts.env ?? process.env;
  const envHost = env[name === 'firestore' ? ENV.firestoreHost : ENV.pubsubHost];
  if (opts.reuseFromEnv !== false && envHost) {
    if (!(await answers(envHost))) throw new EmulatorSetupError(`${name} emulator at ${envHost} (from the environment) does not answer`);
    return { name, host: envHost, owned: false, stop: async () => {} };
  }
  const host = `${opts.host}:${opts.port}`;
  if (await answers(host)) {
    throw new EmulatorSetupError(
      `port ${opts.port} already answers like an emulator: stop the old one (pkill -f cloud-${name}-emulator) or set ${name === 'firestore' ? ENV.firestoreHost : ENV.pubsubHost}=${host} to reuse it`,
    );
  }
  const java = env[ENV.java] ?? 'java';
  checkJava(java);
  const [cmd, args] = command(name, findSdkRoot(env), java, opts.host, opts.port, opts.rules);
  mkdirSync(opts.logDir, { recursive: true });
  const logFile = join(opts.logDir, `${name}.log`);
  const log = createWriteStream(logFile);
  // detached ⇒ own process group, so stop() can kill java and its launcher together.
  const child = ownGroup(spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, JAVA: java } }));
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const stop = () => stopProcessGroup(child);
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  while (!(await answers(host))) {
    if (child.exitCode !== null) {
      throw new EmulatorSetupError(
        `${name} emulator exited with code ${child.exitCode}; log ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`,
      );
    }
    if (Date.now() > deadline) {
      await stop();
      throw new EmulatorSetupError(
        `${name} emulator did not answer on ${host} within ${opts.readyTimeoutMs ?? 60_000} ms; log: ${logFile}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { name, host, owned: true, stop };
}
