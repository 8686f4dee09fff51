// Bundles src/ into lib/index.js: one file to load at cold start, dependencies left external
// (Cloud Build installs them from package.json). Run by `npm run build` and by Cloud Build (gcp-build).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/index.ts'],
  outfile: 'lib/index.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: new URL('.', import.meta.url).pathname,
});
