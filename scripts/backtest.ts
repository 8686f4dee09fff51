/**
 * `npm run backtest -- [flags]` (also `npm run eagle -- backtest …`): the engine's backtestLoop over
 * CSV files or the bundled candles; writes DIR/summary.json, DIR/trades.csv, DIR/report.html and
 * prints a short table. Walk-forward and Monte Carlo on request. No trading logic of its own.
 * Exit codes: 0 ok, 1 bad data (file and line named), 2 usage.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { TIMEFRAMES, timeframeMs, type Candle, type Timeframe } from '../functions/src/domain/candle.ts';
import { ConfigError } from '../functions/src/domain/errors.ts';
import { equityPoints } from '../functions/src/domain/engine/index.ts';
import { benchmark, roundTrips, summarizeBacktest, type BacktestSummary } from '../functions/src/domain/backtest/summary.ts';
import { applyPoint, gridPoints, walkForward, type Grid, type WalkForwardResult } from '../functions/src/domain/backtest/walkForward.ts';
import { monteCarlo } from '../functions/src/domain/backtest/monteCarlo.ts';
import { toAmount, toDecimalString, toNumber } from '../functions/src/domain/money.ts';
import { EnvSchema } from '../functions/src/config/schema.ts';
import { stdio, UsageError, type Io } from './lib/cli.ts';
import { DataFileError, loadCandles, loadGuard } from './backtest/data.ts';
import { renderReport } from './backtest/report.ts';
import { buildConfig, runBacktest } from './backtest/run.ts';

/** The product's defaults (what the live tick trades without configuration), not the backtester's own. */
const ENV_DEFAULTS = EnvSchema.parse({});

interface Flags {
  data?: string;
  symbols: string;
  timeframe: Timeframe;
  from?: string;
  to?: string;
  strategy?: string;
  params?: string;
  feeBps?: number;
  slippageBps?: number;
  initial?: string;
  out: string;
  walkForward?: string;
  grid?: string;
  monteCarlo?: number;
  guard: Timeframe | 'none';
  progress: boolean;
}

const num = (flag: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${flag} must be a number from ${min} to ${max} (got "${v}")`);
  return n;
};
const int = (flag: string, min: number, max: number) => (v: string) => {
  const n = num(flag, min, max)(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${flag} must be a whole number (got "${v}")`);
  return n;
};
const day = (flag: string) => (v: string) => {
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (!Number.isFinite(t) || v.length > 40) throw new InvalidArgumentError(`${flag} must be an ISO date or time such as 2023-03-20 (got "${v}")`);
  return v;
};

function readJson(file: string, flag: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${flag}: cannot read JSON from ${file}: ${(err as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new UsageError(`${flag}: ${file} must hold a JSON object`);
  return v as Record<string, unknown>;
}

/** Which candles the stops were checked on, per symbol (said in summary.json and on the console). */
function guardSummary(guard: ReturnType<typeof loadGuard>, symbols: string[], timeframe: Timeframe) {
  return Object.fromEntries(symbols.map((s) => {
    const cs = guard?.candles[s];
    return [s, cs ? { timeframe: guard!.timeframe, from: new Date(cs[0]!.t).toISOString(), to: new Date(cs.at(-1)!.t + timeframeMs(guard!.timeframe)).toISOString(), candles: cs.length } : { timeframe, note: 'no finer candles: stops checked on the decision candles' }];
  }));
}

function table(io: Io, s: BacktestSummary): void {
  const rows: [string, unknown][] = [
    ['period', `${s.from.slice(0, 16)} → ${s.to.slice(0, 16)}`], ['total return %', s.totalReturnPct], ['benchmark return %', s.benchmark.totalReturnPct],
    ['max drawdown %', s.maxDrawdownPct], ['benchmark max DD %', s.benchmark.maxDrawdownPct], ['Sharpe', s.sharpe], ['round trips', s.trades],
    ['win %', s.winRatePct], ['profit factor', s.profitFactor], ['fees', s.feesPaid], ['kill switch', s.killSwitchAt ?? 'no'],
  ];
  for (const [k, v] of rows) io.out(`  ${k.padEnd(20)} ${v ?? '—'}`);
}

function buildProgram(io: Io, done: (code: number) => void): Command {
  const program = new Command('backtest')
    .description('backtest the engine over CSV files or the bundled candles')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .option('--data <files>', 'comma-separated CSVs named <BASE>_<QUOTE>-<tf>[-anything].csv[.gz] (header timestamp_ms,open,high,low,close,volume)')
    .option('--symbols <list>', 'bundled symbols, comma-separated (without --data)', ENV_DEFAULTS.SYMBOLS.join(','))
    .addOption(new Option('--timeframe <tf>', 'decision timeframe (finer data is rolled up)').choices([...TIMEFRAMES]).default(ENV_DEFAULTS.TIMEFRAME))
    .option('--from <iso>', 'first candle (inclusive)', day('--from'))
    .option('--to <iso>', 'end (exclusive)', day('--to'))
    .option('--strategy <name>', 'strategy name (default: config default)')
    .option('--params <file.json>', 'a config/bot document: strategy, risk, regime, paper, markets')
    .option('--fee-bps <n>', 'paper fee in basis points', num('--fee-bps', 0, 1000))
    .option('--slippage-bps <n>', 'paper slippage in basis points', num('--slippage-bps', 0, 1000))
    .option('--initial <cash>', 'initial cash (decimal)')
    .option('--out <dir>', 'output folder', 'backtest-out')
    .option('--walk-forward <train:test>', 'walk-forward windows in days, e.g. 14:7 (needs --grid)')
    .option('--grid <file.json>', 'walk-forward grid: {"risk.stopAtrMult": [2, 3], ...}')
    .option('--monte-carlo <n>', 'bootstrap the round trips n times', int('--monte-carlo', 1, 1_000_000))
    .addOption(new Option('--guard <tf>', 'finer candles the stops are checked on between decision closes (bundled data only; none: decision candles)').choices([...TIMEFRAMES, 'none']).default('1m'))
    .option('--no-progress', 'no progress bar')
    .action((f: Flags) => done(execute(io, f)));
  return program;
}

function execute(io: Io, f: Flags): number {
  if (f.initial !== undefined && !/^\d{1,12}(\.\d{1,8})?$/.test(f.initial)) throw new UsageError(`--initial must be a decimal amount such as 10000 (got "${f.initial}")`);
  if ((f.walkForward === undefined) !== (f.grid === undefined)) throw new UsageError('--walk-forward and --grid go together');
  const doc = f.params ? readJson(f.params, '--params') : {};
  const config = buildConfig(doc, { feeBps: f.feeBps, slippageBps: f.slippageBps, initial: f.initial, strategy: f.strategy });
  const candles = loadCandles({
    data: f.data?.split(',').map((x) => x.trim()).filter(Boolean), symbols: f.symbols.split(',').map((x) => x.trim()).filter(Boolean),
    timeframe: f.timeframe, from: f.from ? Date.parse(f.from.length === 10 ? `${f.from}T00:00:00Z` : f.from) : undefined,
    to: f.to ? Date.parse(f.to.length === 10 ? `${f.to}T00:00:00Z` : f.to) : undefined,
  });
  const guard = loadGuard({
    data: f.data ? [f.data] : undefined, symbols: Object.keys(candles), timeframe: f.timeframe, guard: f.guard,
    from: Object.values(candles)[0]?.[0]?.t, to: f.to ? Date.parse(f.to.length === 10 ? `${f.to}T00:00:00Z` : f.to) : undefined,
  });
  const total = Math.max(...Object.values(candles).map((c) => c.length));
  const bar = f.progress && process.stderr.isTTY && total > 100_000 ? new SingleBar({ format: 'backtest [{bar}] {percentage}% {value}/{total} candles', stream: process.stderr }) : null;
  bar?.start(total, 0);
  const run = runBacktest(candles, f.timeframe, config, { charts: true, onProgress: bar ? (d) => bar.update(d) : undefined, ...(guard && { guard }) });
  bar?.stop();
  const initialCash = toAmount(config.paper.initialCash);
  const summary = summarizeBacktest(run.result, candles, initialCash);
  const out = resolve(f.out);
  mkdirSync(out, { recursive: true });
  const extra: Record<string, unknown> = { guard: guardSummary(guard, Object.keys(candles), f.timeframe) };
  if (f.monteCarlo) {
    const trips = roundTrips(run.result.trades, run.result.entryRegimes);
    // each round trip's return on the equity before it
    let eq = toNumber(initialCash);
    const returns = trips.map((t) => { const r = toNumber(t.pnl) / eq; eq += toNumber(t.pnl); return r; });
    extra.monteCarlo = monteCarlo(returns, Number(config.paper.initialCash), f.monteCarlo);
  }
  if (f.walkForward) {
    const m = /^(\d{1,4}):(\d{1,4})$/.exec(f.walkForward);
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new UsageError(`--walk-forward must be TRAIN_DAYS:TEST_DAYS such as 14:7 (got "${f.walkForward}")`);
    const grid = readJson(f.grid!, '--grid') as Grid;
    for (const [k, v] of Object.entries(grid)) if (!Array.isArray(v) || v.length === 0) throw new UsageError(`--grid: ${k} must be a non-empty array`);
    const points = gridPoints(grid);
    // every grid point must be a valid config before anything runs
    for (const p of points) buildConfig(applyPoint(doc, p), { feeBps: f.feeBps, slippageBps: f.slippageBps, initial: f.initial, strategy: f.strategy });
    extra.walkForward = walkForward(candles, { trainDays: Number(m[1]), testDays: Number(m[2]), points }, (cs, point, warmupUntil) => {
      const cfg = buildConfig(applyPoint(doc, point), { feeBps: f.feeBps, slippageBps: f.slippageBps, initial: f.initial, strategy: f.strategy });
      // out of sample: the in-sample candles are walked as one warm-up batch (no trading), as a cold live tick does
      const r = runBacktest(cs as Record<string, Candle[]>, f.timeframe, cfg, { warmupUntil });
      const s = summarizeBacktest(r.result, cs, toAmount(cfg.paper.initialCash));
      const feesPaid = Number(s.feesPaid);
      const netPnl = r.result.trades.reduce((x, t) => x + toNumber(t.realizedPnl), 0);
      return { totalReturnPct: s.totalReturnPct, sharpe: s.sharpe, maxDrawdownPct: s.maxDrawdownPct, trades: s.trades, feesPaid, netPnl, equity: equityPoints(r.result.equity).map((p) => [p.t, toNumber(p.equity)] as const) };
    });
  }
  if (extra.walkForward) {
    // buy-and-hold over the stitched out-of-sample span, to compare like with like
    const wf = extra.walkForward as WalkForwardResult;
    const from = wf.windows[0] ? Date.parse(wf.windows[0].outOfSample.from) : Infinity;
    const b = benchmark(Object.fromEntries(Object.entries(candles).map(([s, cs]) => [s, cs.filter((c) => c.t >= from)])));
    wf.outOfSampleBenchmark = { totalReturnPct: b.totalReturnPct, maxDrawdownPct: b.maxDrawdownPct };
  }
  const full = { ...summary, ...extra };
  writeFileSync(join(out, 'summary.json'), `${JSON.stringify(full, null, 2)}\n`);
  const csv = ['id,time,symbol,side,reason,qty,price,fee,realized_pnl', ...run.result.trades.map((t) => [t.id, new Date(t.time).toISOString(), t.symbol, t.side, t.reason, toDecimalString(t.qty), toDecimalString(t.price), toDecimalString(t.fee), toDecimalString(t.realizedPnl)].join(','))];
  writeFileSync(join(out, 'trades.csv'), `${csv.join('\n')}\n`);
  const equity = equityPoints(run.result.equity).map((p) => [p.t, toNumber(p.equity)] as [number, number]);
  writeFileSync(join(out, 'report.html'), renderReport({
    title: `Eagle Eye backtest — ${Object.keys(candles).join(', ')} ${f.timeframe}, ${config.strategy.name}`, summary: full as BacktestSummary, charts: run.charts,
    trades: run.result.trades, equity, benchmark: benchmark(candles).series,
  }));
  io.out(`backtest ${Object.keys(candles).join(', ')} ${f.timeframe} ${config.strategy.name}, initial ${toDecimalString(initialCash)}`);
  table(io, summary);
  for (const [symbol, g] of Object.entries(extra.guard as Record<string, { timeframe: string; from?: string; to?: string }>)) {
    io.out(`  ${`stops ${symbol}`.padEnd(20)} ${g.timeframe}${g.from ? ` candles ${g.from.slice(0, 16)} → ${g.to!.slice(0, 16)}, decision candles elsewhere` : ''}`);
  }
  if (extra.monteCarlo) io.out(`  monte carlo (${f.monteCarlo}) final equity p5/p50/p95: ${JSON.stringify((extra.monteCarlo as { finalEquity: unknown }).finalEquity)}`);
  if (extra.walkForward) {
    const wf = extra.walkForward as WalkForwardResult;
    io.out(`  walk-forward out-of-sample: ${JSON.stringify(wf.outOfSample)}`);
    io.out(`  buy-and-hold, same span: ${JSON.stringify(wf.outOfSampleBenchmark)}`);
  }
  io.out(`wrote ${join(out, 'summary.json')}, trades.csv, report.html`);
  return 0;
}

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.code === 'commander.helpDisplayed' || err.code === 'commander.help' ? 0 : 2;
    if (err instanceof UsageError || err instanceof ConfigError) {
      io.err(err.message);
      return 2;
    }
    if (err instanceof DataFileError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv.slice(2));
