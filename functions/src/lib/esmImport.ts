/**
 * `import()` for what only an ES module import can load: ccxt's per-exchange class, by file URL.
 *
 * The function bundles are CommonJS run from a V8 code cache (lib/codeCache.ts), and an `import()`
 * compiled into that cache has lost Node's loader callback by the time another process runs it
 * ("A dynamic import callback was not specified"). So build.mjs replaces this module in the bundles
 * with the ES loader's own import, handed in by lib/index.js; everywhere else it is plain import().
 */
export const esmImport = (specifier: string): Promise<unknown> => import(specifier);
