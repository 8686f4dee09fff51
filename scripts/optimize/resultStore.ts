/**
 * Where a sharded optimiser run leaves its shard files: a Cloud Storage prefix (`gs://bucket/prefix`,
 * the Cloud Run job) or a local directory standing in for it (tests, one machine). One small port,
 * both implementations; names are flat (no slashes).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../lib/cli.ts';

export interface ResultStore {
  /** where the files are, for messages */
  readonly where: string;
  write(name: string, text: string): Promise<void>;
  /** every file name under the prefix, sorted */
  list(): Promise<string[]>;
  read(name: string): Promise<string>;
}

const GCS_RE = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220})(?:\/(.*))?$/;

const flat = (name: string) => {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new RangeError(`result file name must be flat (got "${name}")`);
  return name;
};

export function localResults(dir: string): ResultStore {
  const root = resolve(dir);
  return {
    where: root,
    async write(name, text) {
      mkdirSync(root, { recursive: true });
      // whole or absent: a task killed mid-write leaves no half shard for merge to trip on
      const tmp = join(root, `.${flat(name)}.${process.pid}.tmp`);
      writeFileSync(tmp, text);
      renameSync(tmp, join(root, name));
    },
    async list() {
      try {
        return readdirSync(root, { withFileTypes: true })
          .filter((e) => e.isFile() && !e.name.startsWith('.'))
          .map((e) => e.name)
          .sort();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
    },
    async read(name) {
      return readFileSync(join(root, flat(name)), 'utf8');
    },
  };
}

/** STORAGE_EMULATOR_HOST as @google-cloud/storage reads it (it uses the raw value as its base URL): http://host:port, nothing else. */
const EMULATOR_RE = /^http:\/\/([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/;

/**
 * The Storage emulator's URL when STORAGE_EMULATOR_HOST is set (then never production), undefined when
 * it is not; a value that is not http://host:port is refused rather than guessed at.
 */
export function storageEmulator(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env.STORAGE_EMULATOR_HOST;
  if (raw === undefined) return undefined;
  const m = EMULATOR_RE.exec(raw);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65_535)
    throw new UsageError(
      `STORAGE_EMULATOR_HOST must be http://host:port, e.g. http://127.0.0.1:9199 (got "${raw}"); unset it for Cloud Storage`,
    );
  return raw;
}

/**
 * Cloud Storage with Application Default Credentials (the job's service account on Cloud Run), or the
 * Storage emulator (emulators/storage.ts) when STORAGE_EMULATOR_HOST is set: no credentials are sent there.
 */
export async function gcsResults(uri: string, env: NodeJS.ProcessEnv = process.env): Promise<ResultStore> {
  const m = GCS_RE.exec(uri);
  if (!m) throw new UsageError(`--results: ${uri} is not gs://bucket[/prefix]`);
  const emulator = storageEmulator(env);
  const { Storage } = await import('@google-cloud/storage');
  const bucket = new Storage(emulator ? { apiEndpoint: emulator } : {}).bucket(m[1]!);
  const prefix = m[2] ? `${m[2].replace(/\/+$/, '')}/` : '';
  return {
    where: emulator ? `${uri} (Storage emulator ${emulator})` : uri,
    async write(name, text) {
      await bucket.file(prefix + flat(name)).save(text, { contentType: 'application/json', resumable: false });
    },
    async list() {
      const [files] = await bucket.getFiles({ prefix, delimiter: '/' });
      return files.map((f) => f.name.slice(prefix.length)).sort();
    },
    async read(name) {
      const [buf] = await bucket.file(prefix + flat(name)).download();
      return buf.toString('utf8');
    },
  };
}

export const isGcs = (target: string): boolean => target.startsWith('gs://');

export const resultStore = (target: string): Promise<ResultStore> =>
  isGcs(target) ? gcsResults(target) : Promise.resolve(localResults(target));
