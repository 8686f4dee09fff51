/**
 * `bench cold load <function>: X ms (node -e 0: Y ms)` — a cold start of each function as a whole
 * process: node, the functions bundle (functions/lib/index.js, what Cloud Functions loads, with the
 * npm packages every invocation needs bundled in), and what that function loads lazily on its first
 * call (wiring.ts / wiringOps.ts: the tick's Pub/Sub entry lib/pubsub.js, admin's token verifiers).
 * Interleaved runs, medians, in the same run as a bare `node -e 0`, so machine load shows in both.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { FUNCTIONS } from '../infra/definitions.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FUNCTIONS_DIR = join(ROOT, 'functions');

/** What each function imports on its first invocation, beyond the bundle (keep in step with wiring). */
const LAZY: Record<string, readonly string[]> = {
  tick: [],
  // the tick's first signal (not its first call: most ticks publish nothing)
  'tick, publishing': ['./lib/pubsub.js'],
  executeOrder: [],
  audit: [],
  admin: ['firebase-admin/app', 'firebase-admin/auth', 'google-auth-library'],
  budgetGuard: [],
};

function wallMs(code: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: FUNCTIONS_DIR, env: { ...process.env, METADATA_SERVER_DETECTION: 'none' }, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr.slice(0, 500)}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const program = new Command('bench-cold-load')
  .option('--runs <n>', 'runs per variant', (v) => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('a whole number ≥ 1');
    return Number(v);
  }, 7)
  .action(async (o: { runs: number }) => {
    await import(pathToFileURL(join(FUNCTIONS_DIR, 'build.mjs')).href);
    const index = JSON.stringify(pathToFileURL(join(FUNCTIONS_DIR, 'lib/index.js')).href);
    const variants: Record<string, string> = { 'node -e 0': '0' };
    const targets = [...FUNCTIONS.map((f) => f.target), 'tick, publishing'];
    for (const t of targets) variants[t] = `await import(${index}); ${(LAZY[t] ?? []).map((m) => `await import(${JSON.stringify(m)});`).join(' ')}`;
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    for (let i = 0; i < o.runs; i++) for (const [k, code] of Object.entries(variants)) times[k]!.push(wallMs(code));
    const base = median(times['node -e 0']!);
    for (const t of targets) console.log(`bench cold load ${t}: ${median(times[t]!).toFixed(0)} ms (node -e 0: ${base.toFixed(0)} ms)`);
  });
await program.parseAsync();
