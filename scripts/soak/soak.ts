/**
 * `npm run soak -- --ticks N [--port-offset K] [--start ISO]`: N one-minute ticks of the bundled
 * replay (BTC, ETH, SOL on 1m, with stops scaled to 1m so it trades) as fast as they run, on its own
 * emulators (project demo-eagle-eye-soak, ports shifted by K, default 8000). Like `npm start`, each
 * function is its own functions-framework process on the built bundle: the soak POSTs each tick to
 * the tick server (lock-step: the next tick waits until executeOrder, reached through the real
 * Pub/Sub push subscription, has answered every signal). Every 100 ticks it asks each process for
 * its heap (after a forced GC) and RSS (scripts/soak/memoryProbe.mjs, preloaded in the soak only).
 * Prints each process's growth after the warm-up (the first 10 % of ticks), errors (failed ticks,
 * per-symbol tick errors, ERROR log lines of either process), dead letters and the ledger audit;
 * exit 0 when every growth is < 10 %, 0 errors and the audit is clean.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Firestore } from '@google-cloud/firestore';
import { startEmulatorStack, type EmulatorStack } from '../../emulators/stack.ts';
import { functionPort, functionUrl } from '../../infra/ports.ts';
import { firestoreStores } from '../../functions/src/wiring/stores.ts';
import { runAudit } from '../../functions/src/services/auditLedger.ts';
import { testConfigDoc } from '../../functions/src/wiring/memory.ts';
import { PATHS } from '../../functions/src/shared/store/index.ts';
import { startProcess, waitForPort, type ManagedProcess } from '../local/processes.ts';
import { stdio, parseOrAnswer, UsageError, type Io } from '../lib/cli.ts';

const USAGE =
  'usage: npm run soak -- --ticks N (100..100000) [--port-offset K (default 8000)] [--start ISO (default 2023-03-20T00:00:00Z)]';
const PROJECT_ID = 'demo-eagle-eye-soak';
const MINUTE = 60_000;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TARGETS = [
  { target: 'tick', signature: 'http' },
  { target: 'executeOrder', signature: 'cloudevent' },
] as const;
type Target = (typeof TARGETS)[number]['target'];

function parse(argv: string[]) {
  let v;
  try {
    v = parseArgs({
      args: argv,
      options: { ticks: { type: 'string' }, 'port-offset': { type: 'string' }, start: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const num = (flag: string, raw: string, min: number, max: number) => {
    if (!/^\d{1,6}$/.test(raw) || Number(raw) < min || Number(raw) > max)
      throw new UsageError(`--${flag} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return Number(raw);
  };
  if (v.help) return { help: true as const };
  if (v.ticks === undefined) throw new UsageError('--ticks is required');
  const start = Date.parse(v.start ?? '2023-03-20T00:00:00Z');
  if (!Number.isFinite(start)) throw new UsageError(`--start must be an ISO time (got "${v.start}")`);
  return {
    help: false as const,
    ticks: num('ticks', v.ticks, 100, 100_000),
    portOffset: num('port-offset', v['port-offset'] ?? '8000', 0, 50_000),
    start,
  };
}

interface Sample {
  tick: number;
  heapMb: number;
  rssMb: number;
}
const mb = (n: number) => Math.round((n / 1_048_576) * 10) / 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A function server as `npm start` runs it, plus the memory probe; counts its ERROR log lines. */
class FunctionProcess {
  errors = 0;
  readonly samples: Sample[] = [];
  private waiting: ((m: { heapUsed: number; rss: number }) => void) | null = null;
  readonly proc: ManagedProcess;

  constructor(
    readonly target: Target,
    signature: string,
    port: number,
    env: NodeJS.ProcessEnv,
    io: Io,
  ) {
    const ffMain = join(ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js');
    const preload = (f: string) => pathToFileURL(join(ROOT, f)).href;
    this.proc = startProcess(
      target,
      process.execPath,
      [
        '--expose-gc',
        '--import',
        preload('scripts/local/bindLoopback.mjs'),
        '--import',
        preload('scripts/soak/memoryProbe.mjs'),
        ffMain,
        `--target=${target}`,
        `--signature-type=${signature}`,
        `--port=${port}`,
        '--source=lib/index.js',
      ],
      {
        env: { ...env, EAGLE_FUNCTION: target },
        cwd: join(ROOT, 'functions'),
        onLine: (line) => {
          if (line.startsWith('{"soakMemory"')) {
            this.waiting?.((JSON.parse(line) as { soakMemory: { heapUsed: number; rss: number } }).soakMemory);
            return;
          }
          if (/"severity":"(ERROR|ALERT|EMERGENCY)"/.test(line) || /^(Error|TypeError|RangeError)\b/.test(line)) {
            this.errors++;
            if (this.errors <= 5) io.err(`[${target}] ${line.slice(0, 300)}`);
          }
        },
      },
    );
  }

  async sample(tick: number): Promise<Sample> {
    const m = await new Promise<{ heapUsed: number; rss: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.target} did not report its memory`)), 10_000);
      this.waiting = (x) => (clearTimeout(timer), (this.waiting = null), resolve(x));
      this.proc.child.kill('SIGUSR2');
    });
    const s = { tick, heapMb: mb(m.heapUsed), rssMb: mb(m.rss) };
    this.samples.push(s);
    return s;
  }
}

function growth(samples: readonly Sample[], ticks: number) {
  const warm = samples.filter((x) => x.tick >= ticks * 0.1);
  const first = warm.slice(0, 5),
    last = warm.slice(-5);
  const f = { heap: median(first.map((x) => x.heapMb)), rss: median(first.map((x) => x.rssMb)) };
  const l = { heap: median(last.map((x) => x.heapMb)), rss: median(last.map((x) => x.rssMb)) };
  return { first: f, last: l, heap: l.heap / f.heap - 1, rss: l.rss / f.rss - 1 };
}

export async function soakMain(argv: string[], io: Io): Promise<number> {
  const opts = parseOrAnswer(argv, parse, USAGE, io);
  if (typeof opts === 'number') return opts;
  let stack: EmulatorStack | undefined;
  let db: Firestore | undefined;
  const servers: FunctionProcess[] = [];
  try {
    await import(pathToFileURL(join(ROOT, 'functions/build.mjs')).href);
    stack = await startEmulatorStack({ projectId: PROJECT_ID, portOffset: opts.portOffset, reuseFromEnv: false });
    const started = stack;
    for (const sig of ['SIGINT', 'SIGTERM'] as const)
      process.once(
        sig,
        () =>
          void Promise.all(servers.map((s) => s.proc.stop()))
            .then(() => started.stop())
            .finally(() => process.exit(130)),
      );
    db = new Firestore({ projectId: PROJECT_ID, host: stack.firestoreHost, ssl: false });
    await db.doc(PATHS.config).set(testConfigDoc());
    const env = {
      ...process.env,
      ...stack.env,
      SYMBOLS: 'BTC/USDT,ETH/USDT,SOL/USDT',
      TIMEFRAME: '1m',
      LOG_LEVEL: 'warn',
      MARKET_SOURCE: 'replay',
      REPLAY_START: new Date(opts.start).toISOString(),
      METADATA_SERVER_DETECTION: 'none',
    };
    for (const t of TARGETS) servers.push(new FunctionProcess(t.target, t.signature, functionPort(stack.ports, t.target), env, io));
    await Promise.all(
      servers.map((s) =>
        waitForPort(started.ports.host, functionPort(started.ports, s.target), 30_000, () => s.proc.child.exitCode === null),
      ),
    );

    const t0 = Date.now();
    let failed = 0,
      symbolErrors = 0,
      signals = 0;
    const settled = async (ids: readonly string[]) => {
      if (ids.length === 0) return true;
      const snaps = await db!.getAll(...ids.flatMap((id) => [db!.doc(`${PATHS.orders}/${id}`), db!.doc(`${PATHS.deadletters}/${id}`)]));
      return ids.every((_, k) => snaps[2 * k]!.exists || snaps[2 * k + 1]!.exists);
    };
    for (let i = 0; i < opts.ticks; i++) {
      try {
        const res = await fetch(functionUrl(started.ports, 'tick'), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ asOf: opts.start + i * MINUTE + 30_000, tickId: `soak-${i}` }),
        });
        const text = await res.text();
        if (!res.ok) throw new Error(`HTTP ${res.status} ${text.slice(0, 300)}`);
        const report = JSON.parse(text) as { published: string[]; symbols: { error?: string | null }[] };
        symbolErrors += report.symbols.filter((s) => s.error).length;
        signals += report.published.length;
        const deadline = Date.now() + 30_000;
        while (!(await settled(report.published))) {
          if (Date.now() > deadline) throw new Error(`executeOrder did not answer tick ${i}'s signals within 30 s`);
          await new Promise((r) => setTimeout(r, 20));
        }
      } catch (err) {
        failed++;
        io.err(`tick ${i}: ${(err as Error).message}`);
      }
      if (i % 100 === 0 || i === opts.ticks - 1) {
        const s = await Promise.all(servers.map((p) => p.sample(i)));
        if (i % 1000 === 0)
          io.out(
            `  tick ${i}: ${servers.map((p, k) => `${p.target} heap ${s[k]!.heapMb} MB rss ${s[k]!.rssMb} MB`).join(', ')}; signals ${signals}`,
          );
      }
    }
    const wallS = Math.round((Date.now() - t0) / 1000);
    const fills = (await db.collection(PATHS.trades).count().get()).data().count;
    const deadLetters = (await db.collection(PATHS.deadletters).count().get()).data().count;
    const audit = await runAudit(firestoreStores(db).state, opts.start + opts.ticks * MINUTE, { full: true });
    const errors = failed + symbolErrors + servers.reduce((n, s) => n + s.errors, 0);
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const grown = servers.map((s) => ({ target: s.target, ...growth(s.samples, opts.ticks) }));
    io.out(
      `soak: ${opts.ticks} ticks in ${wallS} s (${(opts.ticks / Math.max(1, wallS)).toFixed(1)} ticks/s); ${signals} signals, ${fills} fills; one process per function`,
    );
    for (const g of grown)
      io.out(
        `soak: ${g.target}: heap ${g.first.heap} → ${g.last.heap} MB (${pct(g.heap)}), rss ${g.first.rss} → ${g.last.rss} MB (${pct(g.rss)}) after warm-up`,
      );
    if (audit.discrepancies.length) io.err(`soak: audit drift: ${audit.discrepancies.join('; ')}`);
    io.out(
      `soak: ticks=${opts.ticks} ${grown.map((g) => `${g.target}_heap_growth=${pct(g.heap)} ${g.target}_rss_growth=${pct(g.rss)}`).join(' ')} errors=${errors} deadletters=${deadLetters} audit=${audit.clean ? 'clean' : 'drift'}`,
    );
    return grown.every((g) => g.heap < 0.1 && g.rss < 0.1) && errors === 0 && audit.clean ? 0 : 1;
  } catch (err) {
    io.err(`soak FAILED: ${(err as Error).message}`);
    return 1;
  } finally {
    await Promise.all(servers.map((s) => s.proc.stop()));
    await db?.terminate();
    await stack?.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await soakMain(process.argv.slice(2), stdio);
  process.exit();
}
