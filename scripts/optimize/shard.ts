/**
 * The optimiser beyond one machine. Walk-forward windows are the shard unit: task `index` of `count`
 * (Cloud Run's CLOUD_RUN_TASK_INDEX / CLOUD_RUN_TASK_COUNT) searches windows i ≡ index (mod count)
 * and writes `shard-<index>-of-<count>.json`; merge reads every shard back, checks each task and each
 * window is there exactly once and that all come from the same run, and returns the outcomes in
 * window order for the same summarize a single process calls (so the output is the same bytes).
 */
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { OBJECTIVES } from '../../functions/src/domain/optimize/objective.ts';
import { UsageError } from '../lib/cli.ts';
import { parseWindowOutcome } from './outcomeCodec.ts';
import type { ResultStore } from './resultStore.ts';
import { searchWindow, summarize, type OptimizeOptions, type OptimizeResult, type WindowOutcome } from './search.ts';
import type { Evaluator } from './trial.ts';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** A shard file that cannot be merged (exit 1); a bad shard setting is a UsageError (exit 2). */
export class ShardError extends Error {
  override readonly name = 'ShardError';
}

const MAX_TASKS = 10_000; // Cloud Run jobs' task limit

function envInt(env: NodeJS.ProcessEnv, key: string): number {
  const raw = env[key];
  if (raw === undefined || raw === '') throw new UsageError(`--shard: ${key} is not set (Cloud Run sets it for each task of a job)`);
  if (!/^\d{1,5}$/.test(raw)) throw new UsageError(`--shard: ${key} must be a whole number (got "${raw}")`);
  return Number(raw);
}

/** This task's shard from Cloud Run's variables: whole numbers, 1 ≤ count ≤ 10 000, index < count. */
export function shardFromEnv(env: NodeJS.ProcessEnv = process.env): Shard {
  const index = envInt(env, 'CLOUD_RUN_TASK_INDEX');
  const count = envInt(env, 'CLOUD_RUN_TASK_COUNT');
  if (count < 1 || count > MAX_TASKS) throw new UsageError(`--shard: CLOUD_RUN_TASK_COUNT must be from 1 to ${MAX_TASKS} (got ${count})`);
  if (index >= count) throw new UsageError(`--shard: CLOUD_RUN_TASK_INDEX must be below CLOUD_RUN_TASK_COUNT (got ${index} of ${count})`);
  return { index, count };
}

/** The window numbers (0-based) this shard searches. */
export const shardWindows = (windows: number, s: Shard): number[] =>
  Array.from({ length: windows }, (_, i) => i).filter((i) => i % s.count === s.index);

export const shardFileName = (s: Shard): string => `shard-${s.index}-of-${s.count}.json`;
const NAME_RE = /^shard-(\d+)-of-(\d+)\.json$/;

const FORMAT = 'eagle-optimize-shard/2';
const int = z.number().int();
/** The run's options as summarize takes them (search.ts owns the nested shapes: space, data). */
const RunSchema = z.strictObject({
  space: z.record(z.string(), z.looseObject({ kind: z.enum(['float', 'int', 'choice']) })),
  trials: int.min(1),
  batch: int.min(1),
  seed: int.min(0),
  objective: z.enum(OBJECTIVES),
  minTrades: int.min(0),
  windows: z.array(z.strictObject({ start: int, split: int, stop: int })).min(1),
  data: z.looseObject({ symbols: z.array(z.string()), timeframe: z.string(), trainDays: z.number(), testDays: z.number() }),
  strategy: z.string(),
});
const ShardFileSchema = z.strictObject({
  format: z.literal(FORMAT),
  index: int.min(0),
  count: int.min(1).max(MAX_TASKS),
  /** every shard of one run carries the same */
  run: RunSchema,
  /** each checked by outcomeCodec.ts */
  outcomes: z.array(z.unknown()),
});
type ShardFile = Omit<z.infer<typeof ShardFileSchema>, 'outcomes'> & { outcomes: WindowOutcome[] };

/**
 * The windows searched side by side on one evaluator: their batches interleave, so the workers stay
 * busy while one window waits for its batch's slowest trial. Each window's search is its own, so the
 * outcomes are the same as one window after another.
 */
export function searchWindows(
  windows: readonly number[],
  opts: OptimizeOptions,
  evaluator: Evaluator,
  onWindow?: (window: number, done: number, total: number) => void,
): Promise<WindowOutcome[]> {
  let done = 0;
  return Promise.all(windows.map((w) => searchWindow(w, opts, evaluator).then((o) => (onWindow?.(w, ++done, windows.length), o))));
}

/** This task's windows searched and written as its shard file; returns the file's name. */
export async function runShard(opts: OptimizeOptions, evaluator: Evaluator, store: ResultStore, s: Shard): Promise<string> {
  const outcomes = await searchWindows(shardWindows(opts.windows.length, s), opts, evaluator);
  const name = shardFileName(s);
  await store.write(name, `${JSON.stringify({ format: FORMAT, index: s.index, count: s.count, run: opts, outcomes })}\n`);
  return name;
}

/** Every shard in the store, checked, summarized as the single process summarizes its windows. */
export async function mergeShards(store: ResultStore): Promise<OptimizeResult> {
  const { run, outcomes } = await readShards(store);
  return summarize(outcomes, run);
}

function parseShardFile(name: string, text: string): ShardFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ShardError(`${name}: not JSON (${(err as Error).message})`);
  }
  const r = ShardFileSchema.safeParse(json);
  if (!r.success)
    throw new ShardError(`${name}: not a shard file: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const m = NAME_RE.exec(name)!;
  if (Number(m[1]) !== r.data.index || Number(m[2]) !== r.data.count)
    throw new ShardError(`${name}: holds shard ${r.data.index} of ${r.data.count}, not what its name says`);
  try {
    return { ...r.data, outcomes: r.data.outcomes.map((o, i) => parseWindowOutcome(o, `outcomes.${i}`)) };
  } catch (err) {
    throw new ShardError(`${name}: not a shard file: ${(err as Error).message}`);
  }
}

/**
 * Every shard of one run, checked, reduced to the outcomes in window order and the run's options.
 * Missing, duplicate or foreign shards and windows are named.
 */
export async function readShards(store: ResultStore): Promise<{ run: OptimizeOptions; outcomes: WindowOutcome[] }> {
  const names = (await store.list()).filter((n) => NAME_RE.test(n));
  if (names.length === 0) throw new ShardError(`merge: no shard-<i>-of-<n>.json in ${store.where}`);
  const files = await Promise.all(names.map(async (n) => parseShardFile(n, await store.read(n))));
  const counts = [...new Set(files.map((f) => f.count))];
  if (counts.length > 1)
    throw new ShardError(`merge: ${store.where} mixes runs of ${counts.join(' and ')} tasks: keep one run's shards per prefix`);
  const count = counts[0]!;
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !files.some((f) => f.index === i));
  if (missing.length)
    throw new ShardError(`merge: shard ${missing.join(', ')} of ${count} missing in ${store.where} (task failed or still running?)`);
  const first = files[0]!;
  for (const f of files)
    if (!isDeepStrictEqual(f.run, first.run))
      throw new ShardError(`merge: ${shardFileName(f)} comes from a different run than ${shardFileName(first)} (the options differ)`);
  const windows = first.run.windows.length;
  const byWindow = new Map<number, { outcome: WindowOutcome; from: string }>();
  for (const f of files)
    for (const o of f.outcomes) {
      const from = shardFileName(f);
      if (o.window >= windows || o.window % f.count !== f.index)
        throw new ShardError(
          `merge: ${from} holds window ${o.window}, which is not its own (windows i ≡ ${f.index} mod ${f.count} of ${windows})`,
        );
      const seen = byWindow.get(o.window);
      if (seen) throw new ShardError(`merge: window ${o.window} is in both ${seen.from} and ${from}`);
      byWindow.set(o.window, { outcome: o, from });
    }
  const absent = Array.from({ length: windows }, (_, i) => i).filter((i) => !byWindow.has(i));
  if (absent.length) throw new ShardError(`merge: window ${absent.join(', ')} of ${windows} in no shard`);
  const outcomes = Array.from({ length: windows }, (_, i) => byWindow.get(i)!.outcome);
  return { run: first.run as unknown as OptimizeOptions, outcomes };
}
