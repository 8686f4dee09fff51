// Builds what Cloud Functions loads at a cold start (run by `npm run build` and by Cloud Build, gcp-build):
//
//   lib/index.js          package.json `main`: picks the instance's function and loads its bundle
//   lib/fn/<name>.cjs     one CommonJS bundle per function (src/entries/<name>.ts; `all` registers
//                         every one), with the npm packages every invocation needs (Firestore, gax, zod):
//                         one file to read instead of ~1,500 modules to resolve
//   lib/fn/<name>.cjs.cache  its V8 code cache, made by loading the bundle once here (lib/codeCache.ts)
//   lib/pubsub.cjs        the Pub/Sub client, required by the tick with its first signal
//
// Packages only some paths load lazily stay external (ccxt, firebase-admin, Monitoring, Scheduler:
// installed from package.json by Cloud Build), as does functions-framework, whose registry the runner
// and the functions must share. google-auth-library is bundled: gax requires it at load anyway.
// The parameter names in `define` and esmImportHandedIn are the ones lib/codeCache.ts passes in.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';

const root = new URL('.', import.meta.url).pathname;
/** src/entries/<function>.ts registers one function; all.ts registers every one */
const BUNDLES = readdirSync(new URL('src/entries', import.meta.url)).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
const EXTERNAL = ['@google-cloud/functions-framework', 'ccxt', 'firebase-admin', 'firebase-admin/*', '@google-cloud/monitoring', '@google-cloud/scheduler'];

/** JSON (the packages' protobuf descriptors, ~1 MB) as JSON.parse of a string: V8 parses that far faster than object literals. */
const jsonAsParse = {
  name: 'json-as-parse',
  setup(b) {
    b.onLoad({ filter: /\.json$/ }, (args) => ({ contents: `module.exports = JSON.parse(${JSON.stringify(JSON.stringify(JSON.parse(readFileSync(args.path, 'utf8'))))});`, loader: 'js' }));
  },
};

/** The lazy Pub/Sub import (adapters/pubsub/lazyBus.ts) stays a file of its own: most ticks publish nothing. */
const pubsubApart = {
  name: 'pubsub-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/client\.ts$/ }, (args) => (args.importer.endsWith('lazyBus.ts') ? { path: '../pubsub.cjs', external: true } : undefined));
  },
};

/** In the CommonJS bundles, lib/esmImport.ts is the ES loader's import() that lib/codeCache.ts hands in. */
const esmImportHandedIn = {
  name: 'esm-import-handed-in',
  setup(b) {
    b.onLoad({ filter: /[\\/]lib[\\/]esmImport\.ts$/ }, () => ({ contents: 'export const esmImport = __eagleImport;', loader: 'js' }));
  },
};

const common = { bundle: true, minify: true, legalComments: 'external', platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', absWorkingDir: root };

// lib/ is not emptied: a stack running from it (npm start) may still require lib/pubsub.cjs. Builds
// before this layout left ESM chunks behind.
rmSync(new URL('lib/chunks', import.meta.url), { recursive: true, force: true });
rmSync(new URL('lib/pubsub.js', import.meta.url), { force: true });
rmSync(new URL('lib/pubsub.js.map', import.meta.url), { force: true });

await build({ ...common, entryPoints: { index: 'src/index.ts' }, outdir: 'lib', format: 'esm' });
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
  plugins: [jsonAsParse, pubsubApart, esmImportHandedIn],
};
await build({ ...cjs, entryPoints: Object.fromEntries(BUNDLES.map((f) => [f, `src/entries/${f}.ts`])), outdir: 'lib/fn' });
await build({ ...cjs, entryPoints: { pubsub: 'src/adapters/pubsub/client.ts' }, outdir: 'lib' });

// The code caches: each bundle loaded once, as an instance would at a cold start, in a bare environment.
for (const f of BUNDLES) {
  const env = { PATH: process.env.PATH, METADATA_SERVER_DETECTION: 'none', EAGLE_WRITE_CODE_CACHE: '1', ...(f === 'all' ? {} : { EAGLE_FUNCTION: f }) };
  execFileSync(process.execPath, ['--input-type=module', '-e', "await import('./lib/index.js'); process.exit(0);"], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
}
