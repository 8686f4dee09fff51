/**
 * The Firebase Storage emulator (firebase-tools' Cloud Storage JSON API server, in this process), for
 * the optimiser's gs:// shards offline: `npm run emulators:storage -- [--port-offset N]` prints the
 * STORAGE_EMULATOR_HOST to export.
 *
 * `firebase emulators:start --only storage` cannot start here: before serving it downloads its
 * security-rules runtime (cloud-storage-rules-runtime-v1.1.3.jar, GET storage.googleapis.com/
 * firebase-preview-drop/emulator/…, ENOTFOUND offline). So this starts the same emulator class without
 * that runtime. The runtime only judges the Firebase client SDKs' API (no ruleset is loaded: all of
 * those requests are refused); the Cloud Storage JSON API that @google-cloud/storage speaks is served
 * as an admin, rules never consulted, with or without the runtime, as production serves a service
 * account. Production's bucket is reached only by the job's service account, so nothing is lost.
 * Objects live in memory and in a per-port temporary directory, deleted on stop.
 */
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { localPorts } from '../infra/ports.ts';
import { EmulatorSetupError } from './emulator.ts';

export interface RunningStorageEmulator {
  /** http://host:port, the value of STORAGE_EMULATOR_HOST */
  readonly url: string;
  stop(): Promise<void>;
}

interface EmulatorInstance {
  getInfo(): { host: string; port: number };
}
interface StorageEmulatorClass {
  new (args: { projectId: string; host: string; port: number; rules: undefined; auto_download: false }): EmulatorInstance & {
    _rulesRuntime: { start(): Promise<void> };
    _rulesManager: { start(): Promise<unknown>; stop(): Promise<void>; getRuleset(): undefined };
    getPersistenceTmpDir(): string;
  };
}
interface Registry {
  start(instance: EmulatorInstance): Promise<void>;
  stop(name: 'storage'): Promise<void>;
  isRunning(name: 'storage'): boolean;
}

const req = createRequire(import.meta.url);
const load = () => ({
  StorageEmulator: (req('firebase-tools/lib/emulator/storage/index.js') as { StorageEmulator: StorageEmulatorClass }).StorageEmulator,
  EmulatorRegistry: (req('firebase-tools/lib/emulator/registry.js') as { EmulatorRegistry: Registry }).EmulatorRegistry,
});

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

/** One per process (firebase-tools keeps its emulators in a process-wide registry). */
export async function startStorageEmulator(opts: { projectId: string; port: number; host?: string }): Promise<RunningStorageEmulator> {
  const host = opts.host ?? '127.0.0.1';
  const url = `http://${host}:${opts.port}`;
  if (await answers(url))
    throw new EmulatorSetupError(`port ${opts.port} already answers: stop the old Storage emulator or pick another offset`);
  const { StorageEmulator, EmulatorRegistry } = load();
  if (EmulatorRegistry.isRunning('storage')) throw new EmulatorSetupError('a Storage emulator already runs in this process');
  // its own blob directory: firebase-tools' default is shared by every emulator on the machine, and stop deletes it
  const blobs = mkdtempSync(join(tmpdir(), `eagle-storage-${opts.port}-`));
  class OfflineStorageEmulator extends StorageEmulator {
    override getPersistenceTmpDir() {
      return blobs;
    }
  }
  const emulator = new OfflineStorageEmulator({ projectId: opts.projectId, host, port: opts.port, rules: undefined, auto_download: false });
  emulator._rulesRuntime.start = async () => {};
  emulator._rulesManager = { start: async () => undefined, stop: async () => {}, getRuleset: () => undefined };
  await EmulatorRegistry.start(emulator);
  return { url, stop: () => EmulatorRegistry.stop('storage') };
}

async function cli(argv: string[]): Promise<void> {
  const i = argv.indexOf('--port-offset');
  const offset = i >= 0 ? Number(argv[i + 1]) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw new EmulatorSetupError(`--port-offset must be a whole number (got ${argv[i + 1]})`);
  const ports = localPorts(offset);
  const running = await startStorageEmulator({
    projectId: process.env.PROJECT_ID ?? 'demo-eagle-eye',
    port: ports.storage,
    host: ports.host,
  });
  console.log(`Storage emulator ready:\n  export STORAGE_EMULATOR_HOST=${running.url}`);
  const shutdown = () => void running.stop().then(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  await cli(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof EmulatorSetupError ? err.message : err);
    process.exit(1);
  });
