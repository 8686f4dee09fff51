/**
 * Loads a CommonJS bundle with the V8 code cache the build made for it.
 *
 * A cold start otherwise parses and compiles the bundle (~2.5 MB: our code, Firestore, gax, gRPC,
 * zod) before the first request; with the cache, V8 deserializes the functions the build saw run.
 * Node 20 has no code cache for ES modules (module.enableCompileCache is Node 22), so the bundles
 * are CommonJS, run through vm.Script. The cache is only a hint, checked twice: V8 refuses one made
 * by another Node or V8 flags; but V8 compares only the source's *length*, and does not checksum its
 * data, so the cache file also carries SHA-256 digests of the source it was made from and of its own
 * data (~3 ms for 5 MB). Either check failing, the bundle compiles as it would have without a cache.
 *
 * `import.meta` does not exist in CommonJS: the build replaces `import.meta.url` and
 * `import.meta.resolve` with two extra parameters of the wrapper below. A third is the ES loader's
 * `import()`: one compiled into the cache cannot run in another process (see lib/esmImport.ts), so the
 * bundles have none of their own.
 */
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

/** CommonJS's five, then import.meta.url, import.meta.resolve and import(), by the names build.mjs gives them */
const PARAMS = ['exports', 'require', 'module', '__filename', '__dirname', '__eagleMetaUrl', '__eagleMetaResolve', '__eagleImport'];

export interface LoadedBundle {
  exports: unknown;
  /** a cache file was read and V8 accepted it */
  cacheAccepted: boolean;
  /** a cache file was read and refused: made from other source, damaged, or refused by V8 (another Node) */
  cacheRejected: boolean;
}

export const cachePathOf = (file: string) => `${file}.cache`;

const MAGIC = Buffer.from('EAGLECC1');
const DIGEST = 32;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

/** magic, SHA-256 of the source, SHA-256 of the V8 data, the V8 data */
function encodeCache(source: Buffer, data: Buffer): Buffer {
  return Buffer.concat([MAGIC, sha256(source), sha256(data), data]);
}

/** The V8 data, if the file is ours, intact and made from this very source. */
function decodeCache(source: Buffer, file: Buffer): Buffer | undefined {
  const head = MAGIC.length + 2 * DIGEST;
  if (file.length <= head || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const data = file.subarray(head);
  const ok = file.subarray(MAGIC.length, MAGIC.length + DIGEST).equals(sha256(source)) && file.subarray(MAGIC.length + DIGEST, head).equals(sha256(data));
  return ok ? data : undefined;
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(cachePathOf(file));
  } catch {
    return undefined;
  }
}

/**
 * Run the bundle at `file` (a path or file URL) as CommonJS. `resolve` stands in for its
 * `import.meta.resolve`, `import` for its ES module imports; `writeCache` (the build) saves the code
 * cache after the bundle has run, so it holds what its load compiled, not just the top level.
 */
export function loadBundle(
  fileOrUrl: string | URL,
  opts: { resolve: (specifier: string) => string; import: (specifier: string) => Promise<unknown>; writeCache?: boolean },
): LoadedBundle {
  const file = fileOrUrl instanceof URL || fileOrUrl.startsWith('file:') ? fileURLToPath(fileOrUrl) : fileOrUrl;
  const source = readFileSync(file);
  const cacheFile = opts.writeCache ? undefined : readCache(file);
  const cachedData = cacheFile && decodeCache(source, cacheFile);
  const script = new vm.Script(`(function (${PARAMS.join(', ')}) {${source.toString('utf8')}\n})`, {
    filename: file,
    cachedData,
  });
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file), pathToFileURL(file).href, opts.resolve, opts.import);
  if (opts.writeCache) writeFileSync(cachePathOf(file), encodeCache(source, script.createCachedData()));
  const accepted = cachedData !== undefined && !script.cachedDataRejected;
  return { exports: module.exports, cacheAccepted: accepted, cacheRejected: cacheFile !== undefined && !accepted };
}
