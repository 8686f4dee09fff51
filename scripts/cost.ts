/**
 * `npm run cost` (also `npm run eagle -- cost`): measure, then project the monthly bill.
 * Starts its own emulator stack, runs N replayed 1m ticks through the real tick service with
 * executeOrder served on Pub/Sub's push path and a listener attached to everything the dashboard
 * watches, and counts Firestore reads/writes/deletes on the wire (the client's request log),
 * listener reads, invocations, Pub/Sub messages and Monitoring points. Two runs (1 and 4 symbols)
 * split the counts into a fixed and a per-symbol part; scripts/cost/model.ts turns them into dollars
 * with the dated price table in scripts/cost/prices.ts.
 */
import { pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { Command, InvalidArgumentError } from 'commander';
import { Firestore, setLogFunction } from '@google-cloud/firestore';
import * as ff from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { startEmulatorStack } from '../emulators/stack.ts';
import { clearFirestore } from '../emulators/stack.ts';
import { parseEnv } from '../functions/src/config/load.ts';
import { createRuntime } from '../functions/src/wiring/trading.ts';
import { runTick } from '../functions/src/services/runTick.ts';
import { runAudit } from '../functions/src/services/auditLedger.ts';
import { TEST_ENV_1M, testConfigDoc } from '../functions/src/wiring/memory.ts';
import { PATHS, bucketStart, candleBucketPath, equityDayPath } from '../functions/src/shared/store/index.ts';
import type { Timeframe } from '../functions/src/domain/candle.ts';
import { makeExecuteOrderHandler } from '../functions/src/handlers/executeOrder.ts';
import { schedulerJobs } from '../infra/definitions.ts';
import { functionPort } from '../infra/ports.ts';
import { projectBill, type PerDay, type PerTick } from './cost/model.ts';
import { PRICES_AS_OF } from './cost/prices.ts';
import type { Io } from './lib/cli.ts';
import { loadCandles } from './backtest/data.ts';
import { buildConfig, runBacktest } from './backtest/run.ts';

interface Counts {
  reads: number;
  writes: number;
  deletes: number;
  listenReads: number;
}

/**
 * Billable operations, from the Firestore client's own log: writes per commit (transactions
 * included), documents per batch get (found or missing: both are billed), documents per query
 * (an empty query is billed one read), and documents a listener receives (the dashboard's reads).
 */
function countFirestoreOps(counts: Counts): () => void {
  const queryDocs = new Map<string, number>();
  setLogFunction((line: string) => {
    const tag = / (\S+) \[/.exec(line)?.[1] ?? '';
    let m: RegExpExecArray | null;
    if ((m = /\[WriteBatch\.commit\]: Sending (\d+) writes/.exec(line))) counts.writes += Number(m[1]);
    else if ((m = /\[DocumentReader\.fetchDocuments\]: Received (\d+) results/.exec(line))) counts.reads += Number(m[1]);
    else if (line.includes('[Watch.onData]: Received document change')) counts.listenReads++;
    else if (line.includes('Sending request: ') && line.includes('"structuredQuery"') && !line.includes('"addTarget"'))
      queryDocs.set(tag, 0);
    else if (line.includes('Received response: ') && queryDocs.has(tag) && line.includes('"document":{'))
      queryDocs.set(tag, queryDocs.get(tag)! + 1);
  });
  /** settle the queries seen so far: their documents, or one read for an empty result */
  return () => {
    for (const n of queryDocs.values()) counts.reads += Math.max(1, n);
    queryDocs.clear();
  };
}

/** What the dashboard listens to (web/src/main.ts, horizonsFeed.ts), on the server SDK: same documents, same reads. */
function attachDashboard(db: Firestore, symbol: string, tf: Timeframe, start: number): () => void {
  const unsubs = [
    db.doc(PATHS.status).onSnapshot(() => {}),
    db.doc(PATHS.dashboardUsers).onSnapshot(() => {}),
    db.doc(PATHS.wallet).onSnapshot(() => {}),
    db
      .collection(PATHS.positions)
      .limit(50)
      .onSnapshot(() => {}),
    db
      .collection(PATHS.signals)
      .orderBy('createdAt', 'desc')
      .limit(20)
      .onSnapshot(() => {}),
    db
      .collection(PATHS.trades)
      .orderBy('time', 'desc')
      .limit(50)
      .onSnapshot(() => {}),
    db
      .collection(PATHS.alerts)
      .orderBy('createdAt', 'desc')
      .limit(10)
      .onSnapshot(() => {}),
    db.doc(equityDayPath(start)).onSnapshot(() => {}),
    db.doc(candleBucketPath(symbol, tf, bucketStart(start, tf))).onSnapshot(() => {}),
    db
      .collection(PATHS.rollups)
      .orderBy('day', 'desc')
      .limit(2000)
      .onSnapshot(() => {}),
    db
      .collection(PATHS.costs)
      .orderBy('costIntervalStart', 'desc')
      .limit(1)
      .onSnapshot(() => {}),
  ];
  return () => unsubs.forEach((u) => u());
}

interface RunResult {
  symbols: number;
  ticks: number;
  counts: Counts;
  tickMs: number;
  orders: number;
  orderMs: number;
  points: number;
  trades: number;
  /** reads of an incremental audit with no new trade (its empty trades query billed as 1) */
  auditFixedReads: number;
}

/**
 * '1m': the heaviest case, 1m candles with stops scaled to 1m (a new candle per symbol every tick, and it trades).
 * 'defaults': what `npm start` runs (no config/bot: 4h candles of its default symbols, the scheduler ticking every minute).
 */
type Profile = '1m' | 'product1m' | 'defaults';
const PROFILES: Record<Profile, { env: Record<string, string>; start: string; tf: Timeframe }> = {
  '1m': { env: { ...TEST_ENV_1M }, start: '2023-03-20T06:00:30Z', tf: '1m' },
  // the product's strategy and risk (no config/bot) deciding on 1m candles: trades as the bot would on 1m
  product1m: { env: { TIMEFRAME: '1m' }, start: '2023-03-20T06:00:30Z', tf: '1m' },
  defaults: { env: {}, start: '2023-03-31T12:00:30Z', tf: parseEnv({}).TIMEFRAME },
};

/**
 * Orders per symbol per day the product's strategy places on 1m: the engine's backtest (the same
 * code the tick runs) over every bundled 1m candle of `symbols`, until the kill switch if it fires.
 */
function productOrdersPerSymbolDay(symbols: string[]): { perDay: number; orders: number; symbols: number; days: number } {
  const { candles } = loadCandles({ symbols, timeframe: '1m', warmup: 0 });
  const { result } = runBacktest(candles, '1m', buildConfig({}, {}));
  const first = Math.min(...Object.values(candles).map((cs) => cs[0]!.t));
  const last = result.killedAt ?? Math.max(...Object.values(candles).map((cs) => cs.at(-1)!.t));
  const days = (last - first) / 86_400_000;
  return { perDay: result.trades.length / symbols.length / days, orders: result.trades.length, symbols: symbols.length, days };
}

async function measure(opts: {
  projectId: string;
  env: Record<string, string>;
  symbols: string[];
  ticks: number;
  warmup: number;
  port: number;
  profile: Profile;
}): Promise<RunResult> {
  const profile = PROFILES[opts.profile];
  const counts: Counts = { reads: 0, writes: 0, deletes: 0, listenReads: 0 };
  const settle = countFirestoreOps(counts);
  let points = 0;
  const start = Date.parse(profile.start);
  const env = parseEnv({
    ...opts.env,
    ...profile.env,
    PROJECT_ID: opts.projectId,
    SYMBOLS: opts.symbols.join(','),
    LOG_LEVEL: 'error',
    REPLAY_START: new Date(Math.floor(start / 60_000) * 60_000).toISOString(),
  });
  // One market time for the tick and executeOrder, moved with each tick (an entry fills only while current).
  const market = { t: start, now: (): number => market.t };
  const runtime = createRuntime(env, { metrics: { record: async (p) => void (points += p.length) }, clock: market });
  // The heaviest case: 1m candles (one new candle per symbol every tick; the 4h default writes one
  // per symbol every 240 ticks) with stops scaled to 1m, so it trades and books as it would.
  if (opts.profile === '1m') await runtime.db.doc(PATHS.config).set(testConfigDoc());
  let inFlight = 0;
  let orders = 0;
  let orderMs = 0;
  const exec = makeExecuteOrderHandler(runtime.executeDeps);
  const name = `executeOrder_cost_${opts.profile}_${opts.symbols.length}`;
  ff.cloudEvent(name, async (ce: Parameters<ff.CloudEventFunction>[0]) => {
    inFlight++;
    const t0 = performance.now();
    try {
      await exec(ce);
    } finally {
      orders++;
      orderMs += performance.now() - t0;
      inFlight--;
    }
  });
  const server: Server = getTestServer(name);
  await new Promise<void>((r) => server.listen(opts.port, '127.0.0.1', () => r()));
  const dashDb = new Firestore({ projectId: opts.projectId });
  const detach = attachDashboard(dashDb, opts.symbols[0]!, profile.tf, start);
  const deps = await runtime.tickDeps();
  let tickMs = 0;
  let published = 0;
  let base: Counts | undefined;
  let basePoints = 0;
  let baseOrders = 0;
  for (let i = 0; i < opts.warmup + opts.ticks; i++) {
    if (i === opts.warmup) {
      settle();
      base = { ...counts };
      basePoints = points;
      baseOrders = orders;
      tickMs = 0;
      orderMs = 0;
    }
    const t0 = performance.now();
    market.t = start + i * 60_000;
    const report = await runTick(deps, { tickId: randomUUID(), now: market.t });
    tickMs += performance.now() - t0;
    published += report.published.length;
    const deadline = Date.now() + 30_000;
    while ((orders < published || inFlight > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 300)); // let the listener see the last writes (measurement only)
  settle();
  const end = { ...counts };
  // The daily audit: a first one replays the run's trades and leaves its checkpoint; the next one,
  // with nothing booked since, is the fixed part of every incremental audit.
  const store = (await runtime.executeDeps()).store;
  await runAudit(store, start);
  settle();
  const beforeAudit = counts.reads;
  await runAudit(store, start);
  settle();
  const auditFixedReads = counts.reads - beforeAudit;
  setLogFunction(null);
  const trades = (await runtime.db.collection(PATHS.trades).count().get()).data().count;
  detach();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await dashDb.terminate();
  await runtime.db.terminate();
  const b = base!;
  return {
    symbols: opts.symbols.length,
    ticks: opts.ticks,
    tickMs: tickMs / opts.ticks,
    orders: orders - baseOrders,
    orderMs: orders - baseOrders ? orderMs / (orders - baseOrders) : 100,
    points: (points - basePoints) / opts.ticks,
    trades,
    auditFixedReads,
    counts: {
      reads: end.reads - b.reads,
      writes: end.writes - b.writes,
      deletes: end.deletes - b.deletes,
      listenReads: end.listenReads - b.listenReads,
    },
  };
}

const usd = (x: number) => `$${x.toFixed(x < 1 ? 4 : 2)}`;

export async function main(argv: string[], io: Io): Promise<number> {
  let code = 0;
  const program = new Command('cost')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .option(
      '--ticks <n>',
      'steady-state ticks measured per run',
      (v) => {
        if (!/^\d+$/.test(v) || Number(v) < 10 || Number(v) > 2000) throw new InvalidArgumentError('a whole number from 10 to 2000');
        return Number(v);
      },
      60,
    )
    .option(
      '--port-offset <n>',
      'emulator port offset for the measuring stack',
      (v) => {
        if (!/^\d+$/.test(v)) throw new InvalidArgumentError('a whole number');
        return Number(v);
      },
      4500,
    )
    .option('--json', 'print the measurements and the bill as JSON', false)
    .action(async (o: { ticks: number; portOffset: number; json: boolean }) => {
      const projectId = 'demo-eagle-eye-cost';
      io.err(`starting emulators (port offset ${o.portOffset})…`);
      const stack = await startEmulatorStack({ projectId, portOffset: o.portOffset });
      try {
        Object.assign(process.env, stack.env, { METADATA_SERVER_DETECTION: 'none' });
        const port = functionPort(stack.ports, 'executeOrder');
        const runs: RunResult[] = [];
        const quiet: RunResult[] = [];
        const four = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT'];
        for (const symbols of [['BTC/USDT'], four]) {
          await clearFirestore(stack.firestoreHost, projectId);
          io.err(`measuring ${o.ticks} ticks with ${symbols.length} symbol(s), the test config (trades every few minutes)…`);
          runs.push(await measure({ projectId, env: stack.env, symbols, ticks: o.ticks, warmup: 2, port, profile: '1m' }));
          await clearFirestore(stack.firestoreHost, projectId);
          io.err(`measuring ${o.ticks} ticks with ${symbols.length} symbol(s), the product's strategy on 1m…`);
          quiet.push(await measure({ projectId, env: stack.env, symbols, ticks: o.ticks, warmup: 2, port, profile: 'product1m' }));
        }
        io.err("backtesting the product's strategy on the bundled 1m candles (its order rate)…");
        const rate = productOrdersPerSymbolDay(four);
        const defaultSymbols = parseEnv({}).SYMBOLS;
        await clearFirestore(stack.firestoreHost, projectId);
        io.err(`measuring ${o.ticks} ticks of the defaults (${defaultSymbols.length} symbols, ${PROFILES.defaults.tf}, a tick a minute)…`);
        const defaults = await measure({
          projectId,
          env: stack.env,
          symbols: [...defaultSymbols],
          ticks: o.ticks,
          warmup: 2,
          port,
          profile: 'defaults',
        });
        const [one, busy] = runs as [RunResult, RunResult];
        const [quietOne, quietFour] = quiet as [RunResult, RunResult];
        const per = (r: RunResult, k: keyof Counts) => r.counts[k] / r.ticks;
        const split = (k: keyof Counts, a = one, b = busy) => {
          const perSymbol = Math.max(0, (per(b, k) - per(a, k)) / 3);
          return { fixed: Math.max(0, per(a, k) - perSymbol), perSymbol };
        };
        const reads = split('reads');
        const writes = split('writes');
        const listen = split('listenReads');
        const pointsPerSymbol = Math.max(0, (busy.points - one.points) / 3);
        const perTick: PerTick = {
          readsFixed: reads.fixed,
          readsPerSymbol: reads.perSymbol,
          writesFixed: writes.fixed,
          writesPerSymbol: writes.perSymbol,
          deletes: per(busy, 'deletes'),
          dashboardReadsFixed: listen.fixed,
          dashboardReadsPerSymbol: listen.perSymbol,
          tickMs: busy.tickMs,
          monitoringPointsFixed: Math.max(0, one.points - pointsPerSymbol),
          monitoringPointsPerSymbol: pointsPerSymbol,
          ordersPerSymbol: busy.orders / busy.ticks / 4,
          orderMs: busy.orderMs,
        };
        // The daily audit is incremental: its fixed reads plus the day's new trades (at this run's rate).
        const tradesPerDay = Math.ceil((busy.trades / busy.ticks) * 1440);
        // Rollups: a fill's transaction reads and writes its day's rollup (in the measured counts); the tick
        // closes a day once (1 write); a dashboard opened once a day reads a year of daily rollups and the cost document.
        const rollupExtras = { dayWrites: 1, dashboardOpenReads: 365 + 1 };
        const perDay: PerDay = { auditReads: busy.auditFixedReads - 1 + Math.max(1, tradesPerDay), ...rollupExtras };
        // The defaults, measured as they run: all their symbols at once (the per-tick counts are taken whole).
        const defaultsTick: PerTick = {
          readsFixed: per(defaults, 'reads'),
          readsPerSymbol: 0,
          writesFixed: per(defaults, 'writes'),
          writesPerSymbol: 0,
          deletes: per(defaults, 'deletes'),
          dashboardReadsFixed: per(defaults, 'listenReads'),
          dashboardReadsPerSymbol: 0,
          tickMs: defaults.tickMs,
          monitoringPointsFixed: defaults.points,
          monitoringPointsPerSymbol: 0,
          ordersPerSymbol: defaults.orders / defaults.ticks,
          orderMs: defaults.orderMs,
        };
        const defaultsDay: PerDay = {
          auditReads: defaults.auditFixedReads - 1 + Math.max(1, Math.ceil((defaults.trades / defaults.ticks) * 1440)),
          ...rollupExtras,
        };
        // The product's strategy on 1m: its ticks as measured (it rarely trades in an hour), plus its orders at
        // the backtest's rate, each costing what an order cost in the test config's run (that run minus this one).
        const q = (k: keyof Counts) => split(k, quietOne, quietFour);
        const extraOrders = busy.orders - quietFour.orders;
        const perOrder = (k: keyof Counts) => (extraOrders > 0 ? Math.max(0, (busy.counts[k] - quietFour.counts[k]) / extraOrders) : 0);
        const productOrders = rate.perDay / 1440;
        const productTick: PerTick = {
          ...perTick,
          tickMs: quietFour.tickMs,
          ordersPerSymbol: productOrders,
          readsFixed: q('reads').fixed,
          readsPerSymbol: q('reads').perSymbol + productOrders * perOrder('reads'),
          writesFixed: q('writes').fixed,
          writesPerSymbol: q('writes').perSymbol + productOrders * perOrder('writes'),
          dashboardReadsFixed: q('listenReads').fixed,
          dashboardReadsPerSymbol: q('listenReads').perSymbol + productOrders * perOrder('listenReads'),
        };
        const productDay: PerDay = { auditReads: busy.auditFixedReads - 1 + Math.max(1, Math.ceil(rate.perDay * 20)), ...rollupExtras };
        const jobs = schedulerJobs().length + 1;
        const table = [1, 5, 20].flatMap((symbols) =>
          [1, 5, 60].map((tickMinutes) => projectBill(productTick, productDay, { symbols, tickMinutes, dashboardHours: 8 }, jobs)),
        );
        const def = projectBill(defaultsTick, defaultsDay, { symbols: 1, tickMinutes: 1, dashboardHours: 8 }, jobs);
        const twenty = table.find((b) => b.scenario.symbols === 20 && b.scenario.tickMinutes === 1)!;
        const twentyBusy = projectBill(perTick, perDay, { symbols: 20, tickMinutes: 1, dashboardHours: 8 }, jobs);
        if (o.json) {
          io.out(
            JSON.stringify(
              {
                pricesAsOf: PRICES_AS_OF,
                runs,
                quiet,
                defaults: { run: defaults, perTick: defaultsTick, perDay: defaultsDay, bill: def },
                product1m: { ordersPerSymbolDay: rate.perDay, backtest: rate, perTick: productTick, perDay: productDay },
                testConfig: { perTick, perDay, twenty: twentyBusy },
                table,
                projectedMonthlyUsd: Number(def.total.toFixed(4)),
              },
              null,
              2,
            ),
          );
        } else {
          io.out(
            `measured (per steady-state tick): ${perTick.readsFixed.toFixed(1)} + ${perTick.readsPerSymbol.toFixed(2)}/symbol reads, ${perTick.writesFixed.toFixed(1)} + ${perTick.writesPerSymbol.toFixed(2)}/symbol writes, ` +
              `dashboard ${perTick.dashboardReadsFixed.toFixed(1)} + ${perTick.dashboardReadsPerSymbol.toFixed(2)}/symbol reads, ${perTick.tickMs.toFixed(0)} ms, ${perTick.ordersPerSymbol.toFixed(4)} orders/symbol, ` +
              `${(perTick.monitoringPointsFixed + perTick.monitoringPointsPerSymbol * 5).toFixed(0)} metric points (5 symbols); ` +
              `incremental audit ${busy.auditFixedReads - 1} reads + 1 per new trade (${perDay.auditReads} reads/day at this run's trade rate)`,
          );
          io.out(
            `per order (test config run minus the product's): ${perOrder('reads').toFixed(1)} reads, ${perOrder('writes').toFixed(1)} writes, ${perOrder('listenReads').toFixed(1)} dashboard reads; ` +
              `the test config places ${(perTick.ordersPerSymbol * 1440).toFixed(0)} orders/symbol/day, the product's strategy on 1m ${rate.perDay.toFixed(2)} (backtest: ${rate.orders} orders, ${rate.symbols} symbols, ${rate.days.toFixed(1)} days of bundled 1m candles)`,
          );
          io.out(
            `product's strategy on 1m, per tick: ${productTick.readsFixed.toFixed(1)} + ${productTick.readsPerSymbol.toFixed(2)}/symbol reads, ${productTick.writesFixed.toFixed(1)} + ${productTick.writesPerSymbol.toFixed(2)}/symbol writes, ` +
              `dashboard ${productTick.dashboardReadsFixed.toFixed(1)} + ${productTick.dashboardReadsPerSymbol.toFixed(2)}/symbol reads; the table projects these`,
          );
          io.out(`prices as of ${PRICES_AS_OF}; free tiers applied; dashboard open 8 h/day; ${jobs} Scheduler jobs`);
          io.out('symbols  tick  reads/day  writes/day  invocations/mo  firestore  functions  pubsub  scheduler  monitoring  total/mo');
          for (const b of table) {
            io.out(
              `${String(b.scenario.symbols).padStart(7)}  ${`${b.scenario.tickMinutes === 60 ? '1h' : `${b.scenario.tickMinutes}m`}`.padStart(4)}  ${Math.round(b.readsPerDay).toString().padStart(9)}  ${Math.round(b.writesPerDay).toString().padStart(10)}  ${Math.round(b.invocationsPerMonth).toString().padStart(14)}  ` +
                `${usd(b.lines.firestore).padStart(9)}  ${usd(b.lines.functions).padStart(9)}  ${usd(b.lines.pubsub).padStart(6)}  ${usd(b.lines.scheduler).padStart(9)}  ${usd(b.lines.monitoring).padStart(10)}  ${usd(b.total).padStart(8)}`,
            );
          }
          const row = (label: string, b: typeof def) =>
            io.out(
              `${label}: ${Math.round(b.readsPerDay)} reads/day, ${Math.round(b.writesPerDay)} writes/day, ${Math.round(b.invocationsPerMonth)} invocations/mo, ` +
                `firestore ${usd(b.lines.firestore)}, functions ${usd(b.lines.functions)}, scheduler ${usd(b.lines.scheduler)}, total ${usd(b.total)}/mo`,
            );
          io.out(
            `rollups included: a fill reads and writes its day's rollup (measured), the tick closes a day (${rollupExtras.dayWrites} write/day), a daily dashboard opening reads ${rollupExtras.dashboardOpenReads} documents (a year of days + the cost)`,
          );
          row(
            `defaults (${defaults.symbols} symbols, ${PROFILES.defaults.tf}, tick every 1m, dashboard 8 h/day; measured ${per(defaults, 'reads').toFixed(1)} reads, ${per(defaults, 'writes').toFixed(1)} writes, ${per(defaults, 'listenReads').toFixed(1)} dashboard reads per tick)`,
            def,
          );
          row('20 symbols, 1m, dashboard 8 h/day', twenty);
          row(
            `20 symbols, 1m, dashboard 8 h/day, at the test config's ${(perTick.ordersPerSymbol * 1440).toFixed(0)} orders/symbol/day`,
            twentyBusy,
          );
          io.out(`projected monthly cost (USD): ${def.total.toFixed(4)}`);
        }
      } catch (err) {
        io.err(`cost: ${(err as Error).message}`);
        code = 1;
      } finally {
        await stack.stop();
      }
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    return (err as { code?: string }).code === 'commander.helpDisplayed' || (err as { code?: string }).code === 'commander.help' ? 0 : 2;
  }
  return code;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2), {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
  });
  process.exit();
}
