/**
 * What Cloud Functions loads (package.json `main`): it loads one bundle, which registers the
 * functions. Each handler is thin — parse input, call a service, write through ports — the adapters
 * are chosen in wiring/, and src/entries/<function>.ts registers one function.
 *
 * A deployed instance serves one function, named by EAGLE_FUNCTION (set by `npm run deploy`) or
 * FUNCTION_TARGET: only that function's bundle, lib/fn/<function>.cjs, is loaded, with the code cache
 * the build made for it (lib/codeCache.ts). A process serving several functions (no name, or a name
 * with no bundle) loads lib/fn/all.cjs, which registers them all.
 */
import { existsSync } from 'node:fs';
import { loadBundle } from './lib/codeCache.ts';

const named = process.env.EAGLE_FUNCTION ?? process.env.FUNCTION_TARGET ?? '';
const own = /^\w{1,64}$/.test(named) ? new URL(`./fn/${named}.cjs`, import.meta.url) : undefined;
const bundle = own && existsSync(own) ? own : new URL('./fn/all.cjs', import.meta.url);
loadBundle(bundle, {
  writeCache: process.env.EAGLE_WRITE_CODE_CACHE === '1',
  onCacheRefused: (file) =>
    console.warn(
      JSON.stringify({
        severity: 'WARNING',
        message: 'code cache refused (made by another Node or other V8 flags, or stale): this load compiled the bundle',
        bundle: file,
      }),
    ),
});
