/**
 * `npm run optimize -- --walk-forward TRAIN:TEST [flags]`: searches the strategy's declared params and
 * the risk and regime ranges declared next to theirs (or a --space file's narrower ranges) inside each
 * in-sample window, trades the winner on the next window out of sample, and prints the stitched
 * out-of-sample result next to the defaults' on the same windows, with the deflated Sharpe ratio and
 * the PBO of each window's search and, pooled over the windows, the stitched returns' DSR and the
 * walk-forward PBO. `--out DIR` writes result.json (deterministic bytes) and report.html.
 * Trials run on --workers threads (default: every core). `--shard --results DIR|gs://…` runs one Cloud
 * Run task's windows and writes its shard file; `merge --results …` reduces the shards to the same result.
 * Exit codes: 0 ok, 1 bad data (file and line named) or shard files, 2 usage (the flag, key or variable named).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, Option } from 'commander';
import { ConfigError } from '../functions/src/domain/errors.ts';
import { OBJECTIVES, type Objective } from '../functions/src/domain/optimize/objective.ts';
import { searchSpace } from '../functions/src/domain/optimize/searchSpace.ts';
import { narrowSpace, SpaceError } from '../functions/src/domain/optimize/space.ts';
import { strategyDefinition, strategyNames } from '../functions/src/strategies/registry.ts';
import { stdio, UsageError, type Io } from './lib/cli.ts';
import { dataOptions, exitCode, int, readJson, split, timeOf, type DataFlags } from './backtest/flags.ts';
import { printOptimize, renderOptimizeReport, resultJson } from './optimize/output.ts';
import { resultStore } from './optimize/resultStore.ts';
import { summarize, type OptimizeOptions, type OptimizeResult } from './optimize/search.ts';
import { mergeShards, runShard, searchWindows, shardFromEnv, ShardError } from './optimize/shard.ts';
import { workerEvaluator } from './optimize/workerPool.ts';
import { inProcessEvaluator, loadTrialContext, trialConfig, type DataSpec, type Evaluator, type TrialContext } from './optimize/trial.ts';

/** Points proposed at once, whatever the number of workers: the proposals, so the result, do not depend on it. */
export const BATCH = 8;
/** Time blocks per in-sample run for the PBO: C(16, 8) = 12,870 splits. */
export const PBO_BLOCKS = 16;

interface Flags extends DataFlags {
  walkForward: string;
  trials: number;
  objective: Objective;
  minTrades: number;
  seed: number;
  space?: string;
  workers: number;
  shard?: boolean;
  results?: string;
  out?: string;
  json?: boolean;
}

const list = (v: string) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function buildProgram(io: Io, done: (run: Promise<number>) => void): Command {
  return dataOptions(
    new Command('optimize')
      .description('search parameters inside walk-forward windows; report the stitched out-of-sample result, DSR and PBO')
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) }),
    'a config/bot document the searched values are applied onto',
  )
    .requiredOption('--walk-forward <train:test>', 'walk-forward windows in days, e.g. 365:91', split)
    .option('--trials <n>', 'trials per in-sample window (1 to 10000)', int('--trials', 1, 10_000), 64)
    .addOption(new Option('--objective <name>', 'what the search maximises').choices([...OBJECTIVES]).default('sharpe'))
    .option('--min-trades <n>', 'round trips a trial needs in sample (min_trades: penalised below it)', int('--min-trades', 0, 100_000), 1)
    .option('--seed <n>', 'random seed (same seed, same result)', int('--seed', 0, 2 ** 32 - 1), 1)
    .option('--space <file.json>', 'narrower ranges: {"risk.stopAtrMult": {"min": 2, "max": 5}, "strategy.params.x": {"values": [true]}}')
    .option('--workers <k>', 'worker threads (1: this thread; default: every core)', int('--workers', 1, 256), availableParallelism())
    .option('--shard', "run this Cloud Run task's windows (CLOUD_RUN_TASK_INDEX of CLOUD_RUN_TASK_COUNT) and write its shard to --results")
    .option('--results <dir|gs://bucket/prefix>', 'where --shard writes (and merge reads) the shard files')
    .option('--out <dir>', 'write result.json and report.html here')
    .option('--json', 'print result.json instead of the readable summary')
    .action((f: Flags) => done(execute(io, f)));
}

/** The evaluator for --workers (1: this thread, no start-up). */
export function evaluatorFor(data: DataSpec, ctx: TrialContext, workers: number): Evaluator {
  return workers === 1 ? inProcessEvaluator(data, ctx) : workerEvaluator(data, workers);
}

/** The options a run is made of, checked: every flag and the --space file, before anything runs. */
export function optimizeOptions(f: Flags): { data: DataSpec; opts: Omit<OptimizeOptions, 'windows'> } {
  const [from, to] = [timeOf(f.from), timeOf(f.to)];
  if (from !== undefined && to !== undefined && from >= to) throw new UsageError(`--to (${f.to}) must be after --from (${f.from})`);
  const doc = f.params ? readJson(f.params, '--params') : {};
  const [trainDays, testDays] = f.walkForward.split(':').map(Number) as [number, number];
  const data: DataSpec = {
    ...(f.data ? { data: list(f.data) } : {}),
    symbols: list(f.symbols),
    timeframe: f.timeframe,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    trainDays,
    testDays,
    blocks: PBO_BLOCKS,
    doc,
    ...(f.strategy !== undefined ? { strategy: f.strategy } : {}),
    ...(f.feeBps !== undefined ? { feeBps: f.feeBps } : {}),
    ...(f.slippageBps !== undefined ? { slippageBps: f.slippageBps } : {}),
    ...(f.initial !== undefined ? { initial: f.initial } : {}),
  };
  let strategy: string;
  try {
    strategy = trialConfig(data, {}).strategy.name;
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`${f.params ? `--params ${f.params}` : 'flags'}: ${err.message}`);
    throw err;
  }
  const def = strategyDefinition(strategy);
  if (!def) throw new UsageError(`--strategy: unknown strategy "${strategy}" (known: ${strategyNames().join(', ')})`);
  let space = searchSpace(def);
  if (f.space) {
    try {
      space = narrowSpace(space, readJson(f.space, '--space'));
    } catch (err) {
      if (err instanceof SpaceError) throw new UsageError(`--space ${f.space}: ${err.message}`);
      throw err;
    }
  }
  if (Object.keys(space).length === 0) throw new UsageError(`strategy ${strategy}: nothing to search`);
  const opts = { space, trials: f.trials, batch: BATCH, seed: f.seed, objective: f.objective, minTrades: f.minTrades, data, strategy };
  return { data, opts };
}

async function execute(io: Io, f: Flags): Promise<number> {
  const { data, opts: partial } = optimizeOptions(f);
  const ctx = loadTrialContext(data);
  if (ctx.windows.length === 0)
    throw new UsageError(`--walk-forward ${f.walkForward}: the data is shorter than one in-sample and one out-of-sample window`);
  const opts: OptimizeOptions = { ...partial, windows: ctx.windows };
  if (Boolean(f.shard) !== (f.results !== undefined)) throw new UsageError('--shard and --results go together');
  const shard = f.shard ? shardFromEnv() : undefined;
  const evaluator = evaluatorFor(data, ctx, f.workers);
  try {
    if (shard) {
      const store = await resultStore(f.results!);
      io.out(`wrote ${await runShard(opts, evaluator, store, shard)} to ${store.where}`);
      return 0;
    }
    const progress = (w: number, done: number, total: number) => {
      if (!f.json) process.stderr.write(`window ${w + 1} searched (${done}/${total})\n`);
    };
    emit(io, summarize(await searchWindows(Object.keys(ctx.windows).map(Number), opts, evaluator, progress), opts), f);
    return 0;
  } finally {
    await evaluator.close();
  }
}

/** `merge --results DIR|gs://…`: every shard of a run, checked, summarized as one process would. */
function buildMerge(io: Io, done: (run: Promise<number>) => void): Command {
  return new Command('optimize merge')
    .description('merge the shard files of a sharded run into its result (the same bytes as one process)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .requiredOption('--results <dir|gs://bucket/prefix>', 'where the shard files are')
    .option('--out <dir>', 'write result.json and report.html here')
    .option('--json', 'print result.json instead of the readable summary')
    .action((f: { results: string; out?: string; json?: boolean }) =>
      done(resultStore(f.results).then(async (store) => (emit(io, await mergeShards(store), f), 0))),
    );
}

function emit(io: Io, result: OptimizeResult, f: { out?: string; json?: boolean }): void {
  if (f.out) {
    const dir = resolve(f.out);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'result.json'), resultJson(result));
    writeFileSync(join(dir, 'report.html'), renderOptimizeReport(result));
  }
  if (f.json) io.out(resultJson(result).trimEnd());
  else {
    printOptimize(io, result);
    if (f.out) io.out(`wrote ${join(resolve(f.out), 'result.json')}, report.html`);
  }
}

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  let run: Promise<number> = Promise.resolve(0);
  const merge = argv[0] === 'merge';
  const program = merge ? buildMerge(io, (r) => (run = r)) : buildProgram(io, (r) => (run = r));
  try {
    await program.parseAsync(merge ? argv.slice(1) : argv, { from: 'user' });
    return await run;
  } catch (err) {
    if (err instanceof ShardError) {
      io.err(err.message);
      return 1;
    }
    return exitCode(err, io);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv.slice(2));
