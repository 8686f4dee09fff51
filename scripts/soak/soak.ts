/**
 * `npm run soak -- --ticks N [--port-offset K] [--start ISO]`: N one-minute ticks of the bundled
 * replay (BTC, ETH, SOL on 1m) as fast as they run, on its own emulators (project
 * demo-eagle-eye-soak, ports shifted by K, default 8000). The tick service runs in this process and
 * executeOrder is served in-process by functions-framework behind the real push subscription, so
 * one Node process hosts both functions: heap (after a forced GC) and RSS of that process are
 * sampled every 100 ticks. Prints growth after the warm-up (the first 10 % of ticks), errors, dead
 * letters and the ledger audit; exit 0 when growth < 10 %, 0 errors and the audit is clean.
 */
import type { Server } from 'node:http';
import { parseArgs } from 'node:util';
import * as ff from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { startEmulatorStack, type EmulatorStack } from '../../emulators/stack.ts';
import { functionPort } from '../../infra/ports.ts';
import { parseEnv } from '../../functions/src/config/load.ts';
import { FirestoreStateStore } from '../../functions/src/adapters/firestore/FirestoreStateStore.ts';
import { runAudit } from '../../functions/src/services/auditLedger.ts';
import { runTick } from '../../functions/src/services/runTick.ts';
import { createRuntime, type Runtime } from '../../functions/src/wiring.ts';
import { observedExecutor } from '../backup/drillScenario.ts';
import { stdio, parseOrAnswer, UsageError, type Io } from '../lib/cli.ts';

const USAGE = 'usage: npm run soak -- --ticks N (100..100000) [--port-offset K (default 8000)] [--start ISO (default 2023-03-20T00:00:00Z)]';
const PROJECT_ID = 'demo-eagle-eye-soak';
const MINUTE = 60_000;

function parse(argv: string[]) {
  let v;
  try {
    v = parseArgs({ args: argv, options: { ticks: { type: 'string' }, 'port-offset': { type: 'string' }, start: { type: 'string' }, help: { type: 'boolean' } }, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const num = (flag: string, raw: string, min: number, max: number) => {
    if (!/^\d{1,6}$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new UsageError(`--${flag} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return Number(raw);
  };
  if (v.help) return { help: true as const };
  if (v.ticks === undefined) throw new UsageError('--ticks is required');
  const start = Date.parse(v.start ?? '2023-03-20T00:00:00Z');
  if (!Number.isFinite(start)) throw new UsageError(`--start must be an ISO time (got "${v.start}")`);
  return { help: false as const, ticks: num('ticks', v.ticks, 100, 100_000), portOffset: num('port-offset', v['port-offset'] ?? '8000', 0, 50_000), start };
}

interface Sample { tick: number; heapMb: number; rssMb: number }
const mb = (n: number) => Math.round((n / 1_048_576) * 10) / 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function sample(tick: number): Sample {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { tick, heapMb: mb(m.heapUsed), rssMb: mb(m.rss) };
}

async function soak(runtime: Runtime, executor: ReturnType<typeof observedExecutor>, ticks: number, start: number, io: Io) {
  const deps = await runtime.tickDeps();
  const samples: Sample[] = [];
  let errors = 0, signals = 0, fills = 0;
  for (let i = 0; i < ticks; i++) {
    const now = start + i * MINUTE + 30_000;
    try {
      const report = await runTick(deps, { tickId: `soak-${i}`, now });
      errors += report.symbols.filter((s) => s.error).length;
      signals += report.published.length;
      const deadline = Date.now() + 30_000;
      while (!report.published.every((id) => executor.outcomes(id).length > 0)) {
        if (Date.now() > deadline) throw new Error(`executeOrder did not answer tick ${i}'s signals within 30 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
      fills += report.published.filter((id) => executor.outcomes(id)[0] === 'filled').length;
    } catch (err) {
      errors++;
      io.err(`tick ${i}: ${(err as Error).message}`);
    }
    if (i % 100 === 0 || i === ticks - 1) {
      samples.push(sample(i));
      if (i % 1000 === 0) io.out(`  tick ${i}: heap ${samples.at(-1)!.heapMb} MB, rss ${samples.at(-1)!.rssMb} MB, signals ${signals}, fills ${fills}, errors ${errors}`);
    }
  }
  return { samples, errors, signals, fills };
}

export async function soakMain(argv: string[], io: Io): Promise<number> {
  const opts = parseOrAnswer(argv, parse, USAGE, io);
  if (typeof opts === 'number') return opts;
  let stack: EmulatorStack | undefined;
  let server: Server | undefined;
  let runtime: Runtime | undefined;
  try {
    stack = await startEmulatorStack({ projectId: PROJECT_ID, portOffset: opts.portOffset, reuseFromEnv: false });
    const started = stack;
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void started.stop().finally(() => process.exit(130)));
    process.env.FIRESTORE_EMULATOR_HOST = stack.firestoreHost;
    process.env.PUBSUB_EMULATOR_HOST = stack.pubsubHost;
    runtime = createRuntime(parseEnv({ ...stack.env, SYMBOLS: 'BTC/USDT,ETH/USDT,SOL/USDT', TIMEFRAME: '1m', LOG_LEVEL: 'error', REPLAY_START: new Date(opts.start).toISOString() }));
    const executor = observedExecutor();
    executor.use(runtime);
    ff.cloudEvent('executeOrder', executor.fn);
    const s = getTestServer('executeOrder');
    server = s;
    await new Promise<void>((resolve, reject) => s.once('error', reject).listen(functionPort(started.ports, 'executeOrder'), started.ports.host, () => resolve()));
    if (!(globalThis as { gc?: unknown }).gc) io.err('soak: run with --expose-gc for heap figures after a collection (npm run soak does)');
    const t0 = Date.now();
    const r = await soak(runtime, executor, opts.ticks, opts.start, io);
    const wallS = Math.round((Date.now() - t0) / 1000);
    const warm = r.samples.filter((x) => x.tick >= opts.ticks * 0.1);
    const first = warm.slice(0, 5), last = warm.slice(-5);
    const heapGrowth = median(last.map((x) => x.heapMb)) / median(first.map((x) => x.heapMb)) - 1;
    const rssGrowth = median(last.map((x) => x.rssMb)) / median(first.map((x) => x.rssMb)) - 1;
    const deadLetters = (await runtime.db.collection('deadletters').count().get()).data().count;
    const audit = await runAudit(new FirestoreStateStore(runtime.db), opts.start + opts.ticks * MINUTE);
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    io.out(`soak: ${opts.ticks} ticks in ${wallS} s (${(opts.ticks / Math.max(1, wallS)).toFixed(1)} ticks/s); ${r.signals} signals, ${r.fills} fills; one process hosts tick and executeOrder`);
    io.out(`soak: heap ${median(first.map((x) => x.heapMb))} → ${median(last.map((x) => x.heapMb))} MB (${pct(heapGrowth)}), rss ${median(first.map((x) => x.rssMb))} → ${median(last.map((x) => x.rssMb))} MB (${pct(rssGrowth)}) after warm-up`);
    if (audit.discrepancies.length) io.err(`soak: audit drift: ${audit.discrepancies.join('; ')}`);
    io.out(`soak: ticks=${opts.ticks} heap_growth=${pct(heapGrowth)} rss_growth=${pct(rssGrowth)} errors=${r.errors} deadletters=${deadLetters} audit=${audit.clean ? 'clean' : 'drift'}`);
    return heapGrowth < 0.1 && r.errors === 0 && audit.clean ? 0 : 1;
  } catch (err) {
    io.err(`soak FAILED: ${(err as Error).message}`);
    return 1;
  } finally {
    if (server) {
      server.closeAllConnections();
      await new Promise((r) => server!.close(r));
    }
    await runtime?.db.terminate();
    await stack?.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await soakMain(process.argv.slice(2), stdio);
  process.exit();
}
