/**
 * How much does ccxt cost a cold start? Times, in fresh Node processes (a cold start is a fresh
 * process), several interleaved runs each, medians:
 *   none      nothing imported (baseline: bare node startup)
 *   adapters  import adapters/ccxt/index.ts only — must cost ~nothing, ccxt is not loaded yet
 *   lazy      loadExchange.ts → createExchange('binance'): only js/src/binance.js and its deps
 *   full      import('ccxt') → new ccxt.binance(): what a plain `import ccxt from 'ccxt'` costs
 *
 *   npx tsx scripts/bench-ccxt-import.ts [--runs 9]
 *
 * Like production, the children run plain `node` on esbuild bundles of our modules with packages
 * external (functions/build.mjs's settings). Not under tsx: its loader hook sees every one of ccxt's
 * files and more than doubles the numbers. `import` is the measured step inside the child,
 * `process` the child's uptime at the end (node startup included), `rss` its memory then.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { BUILD_TARGET } from '../functions/src/runtime.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const RUNS = Math.max(1, Number(values.runs));

// Inside the repo so that the bundles resolve the installed ccxt, as lib/index.js does in production.
const OUT = join(ROOT, 'node_modules', '.cache', 'bench-ccxt-import');
mkdirSync(OUT, { recursive: true });
const bundle = async (entry: string, name: string) => {
  const outfile = join(OUT, `${name}.mjs`);
  await build({
    entryPoints: [join(ROOT, 'functions/src/adapters/ccxt', entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: BUILD_TARGET,
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  return JSON.stringify(pathToFileURL(outfile).href);
};
const adaptersUrl = await bundle('index.ts', 'adapters');
const lazyUrl = await bundle('loadExchange.ts', 'lazy');

const VARIANTS = {
  none: '',
  adapters: `await import(${adaptersUrl});`,
  lazy: `const m = await import(${lazyUrl}); await m.createExchange('binance');`,
  full: `const ccxt = await import('ccxt'); new ccxt.binance({ enableRateLimit: true });`,
} as const;
type Variant = keyof typeof VARIANTS;
interface Sample {
  importMs: number;
  processMs: number;
  rssMb: number;
}

function runOnce(variant: Variant): Sample {
  const code = `const t0 = performance.now(); ${VARIANTS[variant]} const t1 = performance.now();
process.stdout.write(JSON.stringify({ importMs: t1 - t0, processMs: performance.now(), rssMb: process.memoryUsage().rss / 2 ** 20 }));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`${variant} failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout) as Sample;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const names = Object.keys(VARIANTS) as Variant[];
for (const v of names) runOnce(v); // warm the file-system cache; not counted
const samples: Record<Variant, Sample[]> = { none: [], adapters: [], lazy: [], full: [] };
// Interleaved, so drift in machine load spreads over all variants alike.
for (let i = 0; i < RUNS; i++) for (const v of names) samples[v].push(runOnce(v));

const med = Object.fromEntries(
  names.map((v) => [
    v,
    {
      importMs: median(samples[v].map((s) => s.importMs)),
      processMs: median(samples[v].map((s) => s.processMs)),
      rssMb: median(samples[v].map((s) => s.rssMb)),
    },
  ]),
) as Record<Variant, Sample>;

console.log(`node ${process.version}, ${RUNS} runs per variant, medians\n`);
console.log('variant    import ms   process ms   rss MB');
for (const v of names) {
  const m = med[v];
  console.log(
    `${v.padEnd(9)} ${m.importMs.toFixed(1).padStart(9)} ${m.processMs.toFixed(1).padStart(12)} ${m.rssMb.toFixed(1).padStart(8)}`,
  );
}
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const over = (v: Variant) => med[v].processMs - med.none.processMs;
console.log(`
import time   full / lazy      = ${ratio(med.full.importMs, med.lazy.importMs)}
process time  full / none      = ${ratio(med.full.processMs, med.none.processMs)}   (+${over('full').toFixed(0)} ms)
process time  lazy / none      = ${ratio(med.lazy.processMs, med.none.processMs)}   (+${over('lazy').toFixed(0)} ms)
process time  adapters / none  = ${ratio(med.adapters.processMs, med.none.processMs)}   (+${over('adapters').toFixed(0)} ms)
cold-start cost saved by lazy  = ${(over('full') - over('lazy')).toFixed(0)} ms, ${(med.full.rssMb - med.lazy.rssMb).toFixed(0)} MB RSS`);
rmSync(OUT, { recursive: true, force: true });
