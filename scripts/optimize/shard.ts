/**
 * The optimiser beyond one machine. Walk-forward windows are the shard unit: task `index` of `count`
 * (Cloud Run's CLOUD_RUN_TASK_INDEX / CLOUD_RUN_TASK_COUNT) searches windows i ≡ index (mod count)
 * and writes `shard-<index>-of-<count>.json`; merge reads every shard back, checks each task and each
 * window is there exactly once and that all come from the same run, and returns the outcomes in
 * window order for the same summarize a single process calls (so the output is the same bytes).
 */
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { ResultStore } from './resultStore.ts';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** A shard setting or shard file that cannot be used: exit 2 (usage) for the environment, 1 for files. */
export class ShardError extends Error {
  override readonly name = 'ShardError';
}

const MAX_TASKS = 10_000; // Cloud Run jobs' task limit

function envInt(env: NodeJS.ProcessEnv, key: string): number {
  const raw = env[key];
  if (raw === undefined || raw === '') throw new ShardError(`--shard: ${key} is not set (Cloud Run sets it for each task of a job)`);
  if (!/^\d{1,5}$/.test(raw)) throw new ShardError(`--shard: ${key} must be a whole number (got "${raw}")`);
  return Number(raw);
}

/** This task's shard from Cloud Run's variables: whole numbers, 1 ≤ count ≤ 10 000, index < count. */
export function shardFromEnv(env: NodeJS.ProcessEnv = process.env): Shard {
  const index = envInt(env, 'CLOUD_RUN_TASK_INDEX');
  const count = envInt(env, 'CLOUD_RUN_TASK_COUNT');
  if (count < 1 || count > MAX_TASKS) throw new ShardError(`--shard: CLOUD_RUN_TASK_COUNT must be from 1 to ${MAX_TASKS} (got ${count})`);
  if (index >= count) throw new ShardError(`--shard: CLOUD_RUN_TASK_INDEX must be below CLOUD_RUN_TASK_COUNT (got ${index} of ${count})`);
  return { index, count };
}

/** The window numbers (0-based) this shard searches. */
export const shardWindows = (windows: number, s: Shard): number[] =>
  Array.from({ length: windows }, (_, i) => i).filter((i) => i % s.count === s.index);

export const shardFileName = (s: Shard): string => `shard-${s.index}-of-${s.count}.json`;
const NAME_RE = /^shard-(\d+)-of-(\d+)\.json$/;

const FORMAT = 'eagle-optimize-shard/1';
const ShardFileSchema = z.strictObject({
  format: z.literal(FORMAT),
  index: z.number().int().min(0),
  count: z.number().int().min(1).max(MAX_TASKS),
  /** how many windows the whole run has */
  windows: z.number().int().min(1),
  /** the run's options as summarize takes them: every shard of one run carries the same */
  run: z.unknown(),
  outcomes: z.array(z.strictObject({ window: z.number().int().min(0), outcome: z.unknown() })),
});
export type ShardFile = z.infer<typeof ShardFileSchema>;

export async function writeShard<O>(
  store: ResultStore,
  s: Shard,
  body: { windows: number; run: unknown; outcomes: readonly { window: number; outcome: O }[] },
): Promise<string> {
  const name = shardFileName(s);
  const file: ShardFile = { format: FORMAT, index: s.index, count: s.count, ...body, outcomes: [...body.outcomes] };
  await store.write(name, `${JSON.stringify(file)}\n`);
  return name;
}

function parseShardFile(name: string, text: string): ShardFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ShardError(`${name}: not JSON (${(err as Error).message})`);
  }
  const r = ShardFileSchema.safeParse(json);
  if (!r.success) throw new ShardError(`${name}: not a shard file: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const m = NAME_RE.exec(name)!;
  if (Number(m[1]) !== r.data.index || Number(m[2]) !== r.data.count)
    throw new ShardError(`${name}: holds shard ${r.data.index} of ${r.data.count}, not what its name says`);
  return r.data;
}

/**
 * Every shard of one run, checked, reduced to the outcomes in window order and the run's options.
 * Missing, duplicate or foreign shards and windows are named.
 */
export async function readShards(store: ResultStore): Promise<{ run: unknown; outcomes: unknown[] }> {
  const names = (await store.list()).filter((n) => NAME_RE.test(n));
  if (names.length === 0) throw new ShardError(`merge: no shard-<i>-of-<n>.json in ${store.where}`);
  const files = await Promise.all(names.map(async (n) => parseShardFile(n, await store.read(n))));
  const counts = [...new Set(files.map((f) => f.count))];
  if (counts.length > 1) throw new ShardError(`merge: ${store.where} mixes runs of ${counts.join(' and ')} tasks: keep one run's shards per prefix`);
  const count = counts[0]!;
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !files.some((f) => f.index === i));
  if (missing.length) throw new ShardError(`merge: shard ${missing.join(', ')} of ${count} missing in ${store.where} (task failed or still running?)`);
  const first = files[0]!;
  for (const f of files)
    if (f.windows !== first.windows || !isDeepStrictEqual(f.run, first.run))
      throw new ShardError(`merge: ${shardFileName(f)} comes from a different run than ${shardFileName(first)} (options or windows differ)`);
  const byWindow = new Map<number, { outcome: unknown; from: string }>();
  for (const f of files)
    for (const o of f.outcomes) {
      const from = shardFileName(f);
      if (o.window >= first.windows) throw new ShardError(`merge: ${from} holds window ${o.window}, but the run has ${first.windows}`);
      const seen = byWindow.get(o.window);
      if (seen) throw new ShardError(`merge: window ${o.window} is in both ${seen.from} and ${from}`);
      byWindow.set(o.window, { outcome: o.outcome, from });
    }
  const absent = Array.from({ length: first.windows }, (_, i) => i).filter((i) => !byWindow.has(i));
  if (absent.length) throw new ShardError(`merge: window ${absent.join(', ')} of ${first.windows} in no shard`);
  return { run: first.run, outcomes: Array.from({ length: first.windows }, (_, i) => byWindow.get(i)!.outcome) };
}
