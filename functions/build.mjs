// Bundles src/ into lib/: what Cloud Functions loads at a cold start. The code AND the npm packages
// every invocation needs (Firestore, zod, …) go into one ESM file, lib/index.js: one file to read
// and compile instead of ~1,500 modules to resolve. Packages only some paths load lazily stay
// external (ccxt, firebase-admin, google-auth-library, Monitoring, Scheduler: installed from
// package.json by Cloud Build), as does functions-framework, whose registry the runner and the
// functions must share. Pub/Sub, loaded lazily by the functions that publish, is an entry of its
// own: lib/pubsub.js. Run by `npm run build` and by Cloud Build (gcp-build).
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

/** JSON (the packages' protobuf descriptors, ~1 MB) as JSON.parse of a string: V8 parses that far faster than object literals. */
const jsonAsParse = {
  name: 'json-as-parse',
  setup(b) {
    b.onLoad({ filter: /\.json$/ }, (args) => ({ contents: `module.exports = JSON.parse(${JSON.stringify(JSON.stringify(JSON.parse(readFileSync(args.path, 'utf8'))))});`, loader: 'js' }));
  },
};

const root = new URL('.', import.meta.url).pathname;
// lib/ is not emptied first: a stack running from it (npm start) keeps its lazily loaded chunks, whose
// names are content hashes, so an unchanged build rewrites the same files.
await build({
  entryPoints: { index: 'src/index.ts', pubsub: 'src/adapters/pubsub/client.ts' },
  outdir: 'lib',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  minify: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: ['@google-cloud/functions-framework', 'ccxt', 'firebase-admin', 'firebase-admin/*', 'google-auth-library', '@google-cloud/monitoring', '@google-cloud/scheduler'],
  // Bundled CommonJS packages use require, __dirname and __filename, which ESM does not define.
  banner: { js: "import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);" },
  plugins: [jsonAsParse],
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
});
