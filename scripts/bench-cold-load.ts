/**
 * `bench cold load <function>: X ms (node -e 0: Y ms)` — a cold start of each function as a whole
 * process: node, the functions bundle (functions/lib/index.js, what Cloud Functions loads, with the
 * npm packages every invocation needs bundled in) told which function it serves (EAGLE_FUNCTION, as
 * deployed: only that function's bundle and code cache load), and what it loads lazily on its first
 * call (wiring/trading.ts / wiring/ops.ts: the tick's Pub/Sub bundle lib/pubsub.cjs, loaded as the tick's
 * bundle requires it, with its code cache; admin's firebase-admin).
 * Interleaved runs, medians, in the same run as a bare `node -e 0`, so machine load shows in both,
 * and as what functions-framework's runner loads before any function (its main's modules: express and
 * ~70 packages), which every cold start pays and which a function's own load includes here, since
 * our JSON error handler patches that express (handlers/frameworkErrors.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { FUNCTIONS } from '../infra/definitions.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FUNCTIONS_DIR = join(ROOT, 'functions');

/** What each function loads on its first invocation, beyond the bundle (keep in step with wiring). */
const LAZY: Record<string, string> = {
  // the tick's first signal (not its first call: most ticks publish nothing): lib/pubsub.cjs through
  // the same loader the tick's bundle requires it with
  'tick, publishing': "const { loadBundle } = await import('./lib/codeCache.js'); loadBundle('lib/pubsub.cjs');",
  admin: "await import('firebase-admin/app'); await import('firebase-admin/auth');",
};

/**
 * The alternative to our code cache: the same tick bundle through Node's own CommonJS loader with
 * Node's compile cache (module.enableCompileCache, Node ≥ 22.1) in `dir`, filled by a warm-up run.
 * The three names lib/codeCache.ts hands the bundle as parameters are globals here.
 */
const compileCacheCode = (dir: string) => `import module, { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
module.enableCompileCache(${JSON.stringify(dir)});
const require = createRequire(pathToFileURL(process.cwd() + '/lib/index.js'));
globalThis.__eagleMetaUrl = pathToFileURL(require.resolve('./fn/tick.cjs')).href;
globalThis.__eagleMetaResolve = (s) => import.meta.resolve(s);
globalThis.__eagleImport = (s) => import(s);
require('./fn/tick.cjs');`;
const COMPILE_CACHE = 'tick, Node compile cache';

/** The modules functions-framework's main requires before it loads a function (its build/src/main.js). */
const RUNNER = 'functions-framework runner, no function';
const RUNNER_CODE = `import { createRequire } from 'node:module';
const ff = createRequire(createRequire(import.meta.url).resolve('@google-cloud/functions-framework'));
for (const m of ['loader', 'invoker', 'server', 'options', 'logger']) ff('./' + m + '.js');`;

function wallMs(code: string, fn?: string): number {
  const env: NodeJS.ProcessEnv = { ...process.env, METADATA_SERVER_DETECTION: 'none' };
  delete env.EAGLE_FUNCTION;
  delete env.FUNCTION_TARGET;
  // as deployed: the instance is told which one function it serves (infra/deploy.ts)
  if (fn) env.EAGLE_FUNCTION = fn;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: FUNCTIONS_DIR, env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr.slice(0, 500)}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const program = new Command('bench-cold-load')
  .option(
    '--runs <n>',
    'runs per variant',
    (v) => {
      if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('a whole number ≥ 1');
      return Number(v);
    },
    7,
  )
  .action(async (o: { runs: number }) => {
    await import(pathToFileURL(join(FUNCTIONS_DIR, 'build.mjs')).href);
    const index = JSON.stringify(pathToFileURL(join(FUNCTIONS_DIR, 'lib/index.js')).href);
    const variants: Record<string, { code: string; fn?: string }> = { 'node -e 0': { code: '0' }, [RUNNER]: { code: RUNNER_CODE } };
    const targets = [...FUNCTIONS.map((f) => f.target), 'tick, publishing'];
    for (const t of targets) {
      variants[t] = { code: `await import(${index}); ${LAZY[t] ?? ''}`, fn: t.split(',')[0] };
    }
    const compileCacheDir = mkdtempSync(join(tmpdir(), 'eagle-compile-cache-'));
    variants[COMPILE_CACHE] = { code: compileCacheCode(compileCacheDir), fn: 'tick' };
    wallMs(variants[COMPILE_CACHE].code, 'tick'); // fills the compile cache
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    for (let i = 0; i < o.runs; i++) for (const [k, v] of Object.entries(variants)) times[k]!.push(wallMs(v.code, v.fn));
    const base = median(times['node -e 0']!);
    rmSync(compileCacheDir, { recursive: true, force: true });
    for (const t of [RUNNER, ...targets, COMPILE_CACHE])
      console.log(`bench cold load ${t}: ${median(times[t]!).toFixed(0)} ms (node -e 0: ${base.toFixed(0)} ms)`);
    // machine speed cancels out of a ratio to node -e 0 measured in the same run
    console.log(`ratio cold load tick vs node -e 0: ${(median(times.tick!) / base).toFixed(2)}`);
    // below 1: Node's compile cache loads the tick faster than our code cache (lib/codeCache.ts)
    console.log(
      `ratio cold load tick, Node compile cache vs our code cache: ${(median(times[COMPILE_CACHE]!) / median(times.tick!)).toFixed(2)}`,
    );
  });
await program.parseAsync();
