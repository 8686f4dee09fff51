/**
 * `npm run backtest -- [flags]` (also `npm run eagle -- backtest …`): the engine's backtestLoop over
 * CSV files or the bundled candles; writes DIR/summary.json, DIR/trades.csv, DIR/report.html and
 * prints a short summary (`--json`: the summary object). With --from, the candles before it warm the
 * indicators up (no trading). Walk-forward and Monte Carlo on request. No trading logic of its own.
 * Exit codes: 0 ok, 1 bad data (file and line named), 2 usage (the flag named).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { TIMEFRAMES, timeframeMs, type Candle, type Timeframe } from '../functions/src/domain/candle.ts';
import { ConfigError } from '../functions/src/domain/errors.ts';
import { equityPoints } from '../functions/src/domain/engine/index.ts';
import { benchmark, roundTrips, summarizeBacktest } from '../functions/src/domain/backtest/summary.ts';
import { applyPoint, gridPoints, walkForward, type Grid, type WalkForwardResult } from '../functions/src/domain/backtest/walkForward.ts';
import { monteCarlo } from '../functions/src/domain/backtest/monteCarlo.ts';
import { toAmount, toDecimalString, toNumber } from '../functions/src/domain/money.ts';
import type { BotConfig } from '../functions/src/config/schema.ts';
import { INDICATOR_WARMUP } from '../functions/src/domain/indicators/index.ts';
import { getStrategy } from '../functions/src/strategies/registry.ts';
import { stdio, UsageError, type Io } from './lib/cli.ts';
import { printSummary } from './backtest/console.ts';
import { dataOptions, ENV_DEFAULTS, exitCode, int, readJson, split, timeOf, warmup, type DataFlags } from './backtest/flags.ts';
import { loadCandles, loadGuard, tradedPart } from './backtest/data.ts';
import { money } from './backtest/format.ts';
import { renderReport } from './backtest/report.ts';
import type { ReportSummary } from './backtest/reportTables.ts';
import { buildConfig, runBacktest } from './backtest/run.ts';

interface Flags extends DataFlags {
  out: string;
  walkForward?: string;
  grid?: string;
  monteCarlo?: number;
  warmup: number;
  guard: Timeframe | 'none';
  progress: boolean;
  json?: boolean;
}

/** Which candles the stops were checked on, per symbol (said in summary.json and on the console). */
function guardSummary(guard: ReturnType<typeof loadGuard>, symbols: string[], timeframe: Timeframe) {
  return Object.fromEntries(
    symbols.map((s) => {
      const cs = guard?.candles[s];
      return [
        s,
        cs
          ? {
              timeframe: guard!.timeframe,
              from: new Date(cs[0]!.t).toISOString(),
              to: new Date(cs.at(-1)!.t + timeframeMs(guard!.timeframe)).toISOString(),
              candles: cs.length,
            }
          : { timeframe, note: 'no finer candles: stops checked on the decision candles' },
      ];
    }),
  );
}

function buildProgram(io: Io, done: (code: number) => void): Command {
  const program = dataOptions(
    new Command('backtest')
      .description('backtest the engine over CSV files or the bundled candles')
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) }),
    'a config/bot document: strategy, risk, regime, paper, markets',
  )
    .option('--out <dir>', 'output folder', 'backtest-out')
    .option('--walk-forward <train:test>', 'walk-forward windows in days, e.g. 14:7 (needs --grid)', split)
    .option('--grid <file.json>', 'walk-forward grid: {"risk.stopAtrMult": [2, 3], ...}')
    .option('--monte-carlo <n>', 'bootstrap the round trips n times (1 to 100000)', int('--monte-carlo', 1, 100_000))
    .option(
      '--warmup <candles>',
      `decision candles before --from that warm the indicators up, no trading (0: none; else ${INDICATOR_WARMUP} to 5000; default: what a cold live tick walks)`,
      warmup,
      ENV_DEFAULTS.HISTORY_CANDLES,
    )
    .addOption(
      new Option(
        '--guard <tf>',
        'finer candles the stops are checked on between decision closes (bundled data only; none: decision candles)',
      )
        .choices([...TIMEFRAMES, 'none'])
        .default('1m'),
    )
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print the summary object (as in summary.json) instead of the readable summary')
    .action((f: Flags) => done(execute(io, f)));
  return program;
}

/** config/bot from --params and the flags; a bad document or value names where it came from. */
function configFrom(doc: Record<string, unknown>, f: Flags, where: string): BotConfig {
  const checked = (c: BotConfig) => (getStrategy(c.strategy.name, c.strategy.params), c);
  try {
    checked(buildConfig(doc, {}));
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`${where}: ${err.message}`);
    throw err;
  }
  try {
    return checked(buildConfig(doc, { feeBps: f.feeBps, slippageBps: f.slippageBps, initial: f.initial, strategy: f.strategy }));
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`${f.strategy ? `--strategy ${f.strategy}` : 'flags'}: ${err.message}`);
    throw err;
  }
}

function execute(io: Io, f: Flags): number {
  if ((f.walkForward === undefined) !== (f.grid === undefined)) throw new UsageError('--walk-forward and --grid go together');
  const [from, to] = [timeOf(f.from), timeOf(f.to)];
  if (from !== undefined && to !== undefined && from >= to) throw new UsageError(`--to (${f.to}) must be after --from (${f.from})`);
  const doc = f.params ? readJson(f.params, '--params') : {};
  const config = configFrom(doc, f, `--params ${f.params}`);
  const loaded = loadCandles({
    data: f.data
      ?.split(',')
      .map((x) => x.trim())
      .filter(Boolean),
    symbols: f.symbols
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
    timeframe: f.timeframe,
    from,
    to,
    warmup: f.warmup,
  });
  // what trades: the candles from --from on (the benchmark, walk-forward and the guard start there too)
  const candles = tradedPart(loaded.candles, loaded.warmupUntil);
  const guard = loadGuard({
    data: f.data ? [f.data] : undefined,
    symbols: Object.keys(candles),
    timeframe: f.timeframe,
    guard: f.guard,
    from: Object.values(candles)[0]?.[0]?.t,
    to,
  });
  const total = Math.max(...Object.values(loaded.candles).map((c) => c.length));
  const bar =
    f.progress && !f.json && process.stderr.isTTY && total > 100_000
      ? new SingleBar({ format: 'backtest [{bar}] {percentage}% {value}/{total} candles', stream: process.stderr })
      : null;
  bar?.start(total, 0);
  const run = runBacktest(loaded.candles, f.timeframe, config, {
    charts: true,
    onProgress: bar ? (d) => bar.update(d) : undefined,
    warmupUntil: loaded.warmupUntil,
    ...(guard && { guard }),
  });
  bar?.stop();
  const initialCash = toAmount(config.paper.initialCash);
  const summary: ReportSummary = summarizeBacktest(run.result, candles, initialCash, {
    stepMs: timeframeMs(f.timeframe),
    warmupFrom: loaded.warmupFrom,
  });
  const out = resolve(f.out);
  mkdirSync(out, { recursive: true });
  const guards = guardSummary(guard, Object.keys(candles), f.timeframe);
  if (f.monteCarlo) {
    const trips = roundTrips(run.result.trades, run.result.entryRegimes);
    // each round trip's return on the equity before it
    let eq = toNumber(initialCash);
    const returns = trips.map((t) => {
      const r = toNumber(t.pnl) / eq;
      eq += toNumber(t.pnl);
      return r;
    });
    summary.monteCarlo = monteCarlo(returns, Number(config.paper.initialCash), f.monteCarlo);
  }
  if (f.walkForward) summary.walkForward = runWalkForward(f, doc, candles);
  const full = { ...summary, guard: guards };
  writeFileSync(join(out, 'summary.json'), `${JSON.stringify(full, null, 2)}\n`);
  const csv = [
    'id,time,symbol,side,reason,qty,price,fee,realized_pnl',
    ...run.result.trades.map((t) =>
      [
        t.id,
        new Date(t.time).toISOString(),
        t.symbol,
        t.side,
        t.reason,
        toDecimalString(t.qty),
        toDecimalString(t.price),
        toDecimalString(t.fee),
        toDecimalString(t.realizedPnl),
      ].join(','),
    ),
  ];
  writeFileSync(join(out, 'trades.csv'), `${csv.join('\n')}\n`);
  const equity = equityPoints(run.result.equity).map((p) => [p.t, toNumber(p.equity)] as [number, number]);
  const head = `Backtest ${Object.keys(candles).join(', ')} ${f.timeframe}, strategy ${config.strategy.name}, initial cash ${money(toDecimalString(initialCash))}`;
  writeFileSync(
    join(out, 'report.html'),
    renderReport({
      title: head,
      summary: full,
      charts: run.charts,
      trades: run.result.trades,
      equity,
      benchmark: benchmark(candles, timeframeMs(f.timeframe)).series,
    }),
  );
  if (f.json) {
    io.out(JSON.stringify(full, null, 2));
    return 0;
  }
  printSummary(io, summary, head, guards);
  for (const symbol of loaded.cold)
    io.out(`  ${symbol}: its data starts after --from, so its indicators start cold there (as a newly listed market's would)`);
  io.out(`wrote ${join(out, 'report.html')}, summary.json, trades.csv`);
  return 0;
}

function runWalkForward(f: Flags, doc: Record<string, unknown>, candles: Record<string, Candle[]>): WalkForwardResult {
  const [train, test] = f.walkForward!.split(':').map(Number);
  const grid = readJson(f.grid!, '--grid') as Grid;
  for (const [k, v] of Object.entries(grid))
    if (!Array.isArray(v) || v.length === 0) throw new UsageError(`--grid: ${k} must be a non-empty array`);
  const points = gridPoints(grid);
  // every grid point must be a valid config before anything runs
  for (const p of points) configFrom(applyPoint(doc, p), f, `--grid point ${JSON.stringify(p)}`);
  const wf = walkForward(candles, { trainDays: train!, testDays: test!, points }, (cs, point, warmupUntil) => {
    const cfg = buildConfig(applyPoint(doc, point), {
      feeBps: f.feeBps,
      slippageBps: f.slippageBps,
      initial: f.initial,
      strategy: f.strategy,
    });
    // out of sample: the in-sample candles are walked as one warm-up batch (no trading), as a cold live tick does
    const r = runBacktest(cs as Record<string, Candle[]>, f.timeframe, cfg, { warmupUntil });
    const s = summarizeBacktest(r.result, cs, toAmount(cfg.paper.initialCash));
    const feesPaid = Number(s.feesPaid);
    const netPnl = r.result.trades.reduce((x, t) => x + toNumber(t.realizedPnl), 0);
    return {
      totalReturnPct: s.totalReturnPct,
      sharpe: s.sharpe,
      maxDrawdownPct: s.maxDrawdownPct,
      trades: s.trades,
      feesPaid,
      netPnl,
      equity: equityPoints(r.result.equity).map((p) => [p.t, toNumber(p.equity)] as const),
    };
  });
  // buy-and-hold over the stitched out-of-sample span, to compare like with like
  const start = wf.windows[0] ? Date.parse(wf.windows[0].outOfSample.from) : Infinity;
  const b = benchmark(Object.fromEntries(Object.entries(candles).map(([s, cs]) => [s, cs.filter((c) => c.t >= start)])));
  wf.outOfSampleBenchmark = { totalReturnPct: b.totalReturnPct, maxDrawdownPct: b.maxDrawdownPct };
  return wf;
}

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    return exitCode(err, io);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv.slice(2));
