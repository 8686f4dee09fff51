/**
 * Loads a CommonJS bundle with the V8 code cache the build made for it.
 *
 * A cold start otherwise parses and compiles the bundle (~2.5 MB: our code, Firestore, gax, gRPC,
 * zod) before the first request; with the cache, V8 deserializes the functions the build saw run.
 * The bundles are CommonJS, run through vm.Script with a cache the build made after running them.
 * Node's own compile cache (module.enableCompileCache) measured slower on the same bundle (1.05–1.11×,
 * `ratio cold load tick, Node compile cache vs our code cache` in `npm run bench`). The cache is only a hint, checked twice: V8 refuses one made
 * by another Node or V8 flags; but V8 compares only the source's *length*, and does not checksum its
 * data, so the cache file also carries SHA-1 digests of the source it was made from and of its own data.
 * SHA-1 because this guards against a stale or damaged file, not an attacker (one who can write the
 * cache can write the bundle): at a cold start it costs ~3 ms for the 5 MB, SHA-256 ~10 ms. Either
 * check failing, the bundle compiles as it would have without a cache.
 *
 * A bundle may require a sibling bundle (`require('../pubsub.cjs')`, a part only some calls need):
 * that loads the same way, with its own cache, once per process.
 *
 * `import.meta` does not exist in CommonJS: the build replaces `import.meta.url` and
 * `import.meta.resolve` with two extra parameters of the wrapper below. A third is the ES loader's
 * `import()`: one compiled into the cache cannot run in another process (see lib/esmImport.ts), so the
 * bundles have none of their own.
 */
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
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

const MAGIC = Buffer.from('EAGLECC2');
const DIGEST = 20;
const digest = (b: Buffer) => createHash('sha1').update(b).digest();

/** magic, SHA-1 of the source, SHA-1 of the V8 data, the V8 data */
function encodeCache(source: Buffer, data: Buffer): Buffer {
  return Buffer.concat([MAGIC, digest(source), digest(data), data]);
}

/** The V8 data, if the file is ours, intact and made from this very source. */
function decodeCache(source: Buffer, file: Buffer): Buffer | undefined {
  const head = MAGIC.length + 2 * DIGEST;
  if (file.length <= head || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const data = file.subarray(head);
  const ok =
    file.subarray(MAGIC.length, MAGIC.length + DIGEST).equals(digest(source)) &&
    file.subarray(MAGIC.length + DIGEST, head).equals(digest(data));
  return ok ? data : undefined;
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(cachePathOf(file));
  } catch {
    return undefined;
  }
}

export interface LoadOptions {
  /** stands in for the bundle's `import.meta.resolve`; by default this module's own (built into lib/, beside the bundles) */
  resolve?: (specifier: string) => string;
  /** stands in for its ES module imports; by default this module's import() */
  import?: (specifier: string) => Promise<unknown>;
  /** the build: save the code cache after the bundle has run, so it holds what its load compiled, not just the top level */
  writeCache?: boolean;
  /** told of a cache file that was read and refused (this bundle or a sibling it requires) */
  onCacheRefused?: (file: string) => void;
}

/** sibling bundles already loaded in this process, by path */
const siblings = new Map<string, unknown>();
const SIBLING = /^\.\.?\/[\w./-]+\.cjs$/;

/** The bundle's `require`: Node's, except for a sibling bundle, which loads through loadBundle. */
function bundleRequire(file: string, opts: LoadOptions): NodeJS.Require {
  const node = createRequire(file);
  const sibling = (id: string): unknown => {
    const path = resolvePath(dirname(file), id);
    if (!siblings.has(path)) siblings.set(path, loadBundle(path, { ...opts, writeCache: false }).exports);
    return siblings.get(path);
  };
  return Object.assign((id: string) => (SIBLING.test(id) ? sibling(id) : node(id)), node);
}

/** Run the bundle at `file` (a path, relative to the working directory, or a file URL) as CommonJS. */
export function loadBundle(fileOrUrl: string | URL, opts: LoadOptions = {}): LoadedBundle {
  const file = resolvePath(fileOrUrl instanceof URL || fileOrUrl.startsWith('file:') ? fileURLToPath(fileOrUrl) : fileOrUrl);
  const source = readFileSync(file);
  const cacheFile = opts.writeCache ? undefined : readCache(file);
  const cachedData = cacheFile && decodeCache(source, cacheFile);
  const script = new vm.Script(`(function (${PARAMS.join(', ')}) {${source.toString('utf8')}\n})`, {
    filename: file,
    cachedData,
  });
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  const resolve = opts.resolve ?? ((specifier: string) => import.meta.resolve(specifier));
  const esmImport = opts.import ?? ((specifier: string) => import(specifier));
  run.call(
    module.exports,
    module.exports,
    bundleRequire(file, opts),
    module,
    file,
    dirname(file),
    pathToFileURL(file).href,
    resolve,
    esmImport,
  );
  if (opts.writeCache) writeFileSync(cachePathOf(file), encodeCache(source, script.createCachedData()));
  const accepted = cachedData !== undefined && !script.cachedDataRejected;
  const rejected = cacheFile !== undefined && !accepted;
  if (rejected) opts.onCacheRefused?.(file);
  return { exports: module.exports, cacheAccepted: accepted, cacheRejected: rejected };
}
