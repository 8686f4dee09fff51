// Builds what Cloud Functions loads at a cold start (run by `npm run build` and by Cloud Build, gcp-build):
//
//   lib/index.js          package.json `main`: picks the instance's function and loads its bundle
//   lib/fn/<name>.cjs     one CommonJS bundle per function (src/entries/<name>.ts; `all` registers
//                         every one), with the npm packages every invocation needs (Firestore, gax, zod):
//                         one file to read instead of ~1,500 modules to resolve
//   lib/pubsub.cjs        the Pub/Sub client, required by the tick with its first signal
//   *.cjs.cache           each bundle's V8 code cache, made by loading it once here (lib/codeCache.ts)
//   lib/codeCache.js      that loader on its own, for this build and the cold-load bench
//
// Packages only some paths load lazily stay external (ccxt, firebase-admin, Monitoring, Scheduler:
// installed from package.json by Cloud Build), as does functions-framework, whose registry the runner
// and the functions must share. google-auth-library is bundled: gax requires it at load anyway.
// The parameter names in `define` and esmImportHandedIn are the ones lib/codeCache.ts passes in.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';

// The bundles' code caches are made here and accepted only by this Node's major at run time, so the
// build runs on the deploy runtime's Node (src/runtime.ts, imported through Node's type stripping).
const { BUILD_TARGET, nodeMismatch } = await import('./src/runtime.ts').catch((err) => {
  throw new Error(
    `functions/build.mjs: cannot import src/runtime.ts on Node ${process.version} (it needs Node's type stripping). Run the build through npm (npm run build), which puts the project's Node first on PATH.`,
    { cause: err },
  );
});
const mismatch = nodeMismatch();
if (mismatch) throw new Error(`functions/build.mjs: ${mismatch}`);

const root = new URL('.', import.meta.url).pathname;
/** src/entries/<function>.ts registers one function; all.ts registers every one */
const BUNDLES = readdirSync(new URL('src/entries', import.meta.url))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3));
const EXTERNAL = [
  '@google-cloud/functions-framework',
  'ccxt',
  'firebase-admin',
  'firebase-admin/*',
  '@google-cloud/monitoring',
  '@google-cloud/scheduler',
];

/** JSON (the packages' protobuf descriptors, ~1 MB) as JSON.parse of a string: V8 parses that far faster than object literals. */
const jsonAsParse = {
  name: 'json-as-parse',
  setup(b) {
    b.onLoad({ filter: /\.json$/ }, (args) => ({
      contents: `module.exports = JSON.parse(${JSON.stringify(JSON.stringify(JSON.parse(readFileSync(args.path, 'utf8'))))});`,
      loader: 'js',
    }));
  },
};

/**
 * Modules the packages load at start-up that no function calls, left out of the bundles (~550 KB of
 * ~2.8 MB: bytes a cold start reads, checksums and decodes, and classes it defines). Each is replaced
 * by a stand-in that fails loudly, naming itself, if anything ever uses it.
 * - google-gax's static protobufjs classes for IAM, Locations and long-running operations: gax
 *   re-exports them for typings; its clients use the JSON descriptors (kept). Only the Firestore
 *   admin client below reaches for them.
 * - Firestore's admin client (index management), loaded with the data client by its v1 index.
 */
const LEFT_OUT = [
  {
    path: /[\\/]google-gax[\\/]build[\\/]protos[\\/](iam_service|locations|operations)\.js$/,
    stub: (what) => `module.exports = { get google() { ${fail(what)} } };`,
  },
  {
    path: /[\\/]@google-cloud[\\/]pubsub[\\/]build[\\/]protos[\\/]protos\.js$/,
    stub: (what) => `module.exports = { get google() { ${fail(what)} } };`,
  },
  {
    path: /[\\/]@google-cloud[\\/]firestore[\\/]build[\\/]src[\\/]v1[\\/]firestore_admin_client\.js$/,
    stub: (what) => `exports.FirestoreAdminClient = class FirestoreAdminClient { constructor() { ${fail(what)} } };`,
  },
];
function fail(what) {
  return `throw new Error(${JSON.stringify(`${what} is left out of the functions bundles (functions/build.mjs, LEFT_OUT)`)});`;
}
const leftOut = {
  name: 'left-out',
  setup(b) {
    for (const { path, stub } of LEFT_OUT)
      b.onLoad({ filter: path }, (args) => ({ contents: stub(args.path.replace(/.*node_modules[\\/]/, '')), loader: 'js' }));
  },
};

/** The lazy Pub/Sub import (adapters/pubsub/lazyBus.ts) stays a file of its own: most ticks publish nothing. */
const pubsubApart = {
  name: 'pubsub-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/client\.ts$/ }, (args) =>
      args.importer.endsWith('lazyBus.ts') ? { path: '../pubsub.cjs', external: true } : undefined,
    );
  },
};

/** In the CommonJS bundles, lib/esmImport.ts is the ES loader's import() that lib/codeCache.ts hands in. */
const esmImportHandedIn = {
  name: 'esm-import-handed-in',
  setup(b) {
    b.onLoad({ filter: /[\\/]lib[\\/]esmImport\.ts$/ }, () => ({ contents: 'export const esmImport = __eagleImport;', loader: 'js' }));
  },
};

const common = {
  bundle: true,
  minify: true,
  legalComments: 'external',
  platform: 'node',
  target: BUILD_TARGET,
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
};

// lib/ is not emptied: a stack running from it (npm start) may still require lib/pubsub.cjs. Builds
// before this layout left ESM chunks behind.
rmSync(new URL('lib/chunks', import.meta.url), { recursive: true, force: true });
rmSync(new URL('lib/pubsub.js', import.meta.url), { force: true });
rmSync(new URL('lib/pubsub.js.map', import.meta.url), { force: true });

await build({ ...common, entryPoints: { index: 'src/index.ts', codeCache: 'src/lib/codeCache.ts' }, outdir: 'lib', format: 'esm' });
const cjs = {
  ...common,
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  external: EXTERNAL,
  // CommonJS has no import.meta: lib/codeCache.ts passes both in
  define: { 'import.meta.url': '__eagleMetaUrl', 'import.meta.resolve': '__eagleMetaResolve' },
  // import() compiled into a code cache fails in any other process: the lazy loads become require()
  // (all CommonJS-capable), and the one ES-only import goes through lib/esmImport.ts
  supported: { 'dynamic-import': false },
  plugins: [jsonAsParse, leftOut, pubsubApart, esmImportHandedIn],
};
await build({ ...cjs, entryPoints: Object.fromEntries(BUNDLES.map((f) => [f, `src/entries/${f}.ts`])), outdir: 'lib/fn' });
await build({ ...cjs, entryPoints: { pubsub: 'src/adapters/pubsub/client.ts' }, outdir: 'lib' });

// The code caches: each bundle loaded once, as an instance would at a cold start, in a bare environment.
const bare = { PATH: process.env.PATH, METADATA_SERVER_DETECTION: 'none' };
for (const f of BUNDLES) {
  const env = { ...bare, EAGLE_WRITE_CODE_CACHE: '1', ...(f === 'all' ? {} : { EAGLE_FUNCTION: f }) };
  execFileSync(process.execPath, ['--input-type=module', '-e', "await import('./lib/index.js'); process.exit(0);"], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
const writePubSubCache = `const { loadBundle } = await import('./lib/codeCache.js');
loadBundle('lib/pubsub.cjs', { writeCache: true });
process.exit(0);`;
execFileSync(process.execPath, ['--input-type=module', '-e', writePubSubCache], {
  cwd: root,
  env: bare,
  stdio: ['ignore', 'ignore', 'inherit'],
});
