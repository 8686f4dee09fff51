import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../lib/cli.ts';
import { localResults } from './resultStore.ts';
import { searchWindow, summarize } from './search.ts';
import { mergeShards, runShard, shardFromEnv, shardWindows } from './shard.ts';
import { SMALL_DATA, smallOptions } from './smallRun.ts';
import { inProcessEvaluator, loadTrialContext } from './trial.ts';

describe('shard from Cloud Run variables', () => {
  const env = (index?: string, count?: string) => ({ CLOUD_RUN_TASK_INDEX: index, CLOUD_RUN_TASK_COUNT: count });

  it('takes whole numbers with index < count', () => {
    expect(shardFromEnv(env('0', '1'))).toEqual({ index: 0, count: 1 });
    expect(shardFromEnv(env('2', '3'))).toEqual({ index: 2, count: 3 });
  });

  it.each([
    [env(undefined, '3'), 'CLOUD_RUN_TASK_INDEX is not set'],
    [env('1', ''), 'CLOUD_RUN_TASK_COUNT is not set'],
    [env('-1', '3'), 'CLOUD_RUN_TASK_INDEX must be a whole number (got "-1")'],
    [env('1.5', '3'), 'CLOUD_RUN_TASK_INDEX must be a whole number (got "1.5")'],
    [env('1', 'three'), 'CLOUD_RUN_TASK_COUNT must be a whole number (got "three")'],
    [env('0', '0'), 'CLOUD_RUN_TASK_COUNT must be from 1 to 10000 (got 0)'],
    [env('3', '3'), 'CLOUD_RUN_TASK_INDEX must be below CLOUD_RUN_TASK_COUNT (got 3 of 3)'],
  ])('refuses %j: %s', (vars, message) => {
    expect(() => shardFromEnv(vars)).toThrow(
      new UsageError(`--shard: ${message}${message.endsWith('not set') ? ' (Cloud Run sets it for each task of a job)' : ''}`),
    );
  });

  it('deals windows i ≡ index (mod count): every window to exactly one task', () => {
    expect([0, 1, 2].map((index) => shardWindows(7, { index, count: 3 }))).toEqual([
      [0, 3, 6],
      [1, 4],
      [2, 5],
    ]);
    expect(shardWindows(2, { index: 3, count: 4 })).toEqual([]);
  });
});

describe('shards and merge', () => {
  const opts = smallOptions();
  const ctx = loadTrialContext(SMALL_DATA);
  const dir = mkdtempSync(join(tmpdir(), 'eagle-shards-'));
  const store = localResults(dir);
  let single = '';
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(async () => {
    const ev = inProcessEvaluator(SMALL_DATA, ctx);
    const outcomes = [];
    for (let w = 0; w < opts.windows.length; w++) outcomes.push(await searchWindow(w, opts, ev));
    single = JSON.stringify(summarize(outcomes, opts));
    // 3 tasks for 2 windows: task 2 has none and still writes its shard, so merge knows it ran
    for (const index of [2, 0, 1]) await runShard(opts, inProcessEvaluator(SMALL_DATA, ctx), store, { index, count: 3 });
  }, 60_000);

  it('merged, the shards give the single process result, byte for byte', async () => {
    expect(await store.list()).toEqual(['shard-0-of-3.json', 'shard-1-of-3.json', 'shard-2-of-3.json']);
    expect(JSON.stringify(await mergeShards(store))).toBe(single);
  });

  const variant = async (edit: (files: Record<string, string>) => void) => {
    const d = mkdtempSync(join(tmpdir(), 'eagle-shards-bad-'));
    const files = Object.fromEntries((await store.list()).map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
    edit(files);
    for (const [n, text] of Object.entries(files)) writeFileSync(join(d, n), text);
    try {
      return await mergeShards(localResults(d)).then(
        () => 'merged',
        (err: Error) => `${err.name}: ${err.message.replace(d, 'DIR')}`,
      );
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  };

  it('a missing task, a foreign or repeated window, another run or a bad file is named, never merged', async () => {
    expect(await variant((f) => delete f['shard-1-of-3.json'])).toBe(
      'ShardError: merge: shard 1 of 3 missing in DIR (task failed or still running?)',
    );
    expect(await variant((f) => Object.keys(f).forEach((n) => delete f[n]))).toBe('ShardError: merge: no shard-<i>-of-<n>.json in DIR');
    expect(await variant((f) => (f['shard-0-of-2.json'] = f['shard-0-of-3.json']!.replace('"count":3', '"count":2')))).toBe(
      "ShardError: merge: DIR mixes runs of 2 and 3 tasks: keep one run's shards per prefix",
    );
    expect(await variant((f) => (f['shard-2-of-3.json'] = f['shard-1-of-3.json']!.replace('"index":1', '"index":2')))).toBe(
      'ShardError: merge: shard-2-of-3.json holds window 1, which is not its own (windows i ≡ 2 mod 3 of 2)',
    );
    expect(await variant((f) => (f['shard-1-of-3.json'] = f['shard-1-of-3.json']!.replace('"seed":7', '"seed":8')))).toBe(
      'ShardError: merge: shard-1-of-3.json comes from a different run than shard-0-of-3.json (the options differ)',
    );
    expect(
      await variant((f) => (f['shard-1-of-3.json'] = f['shard-1-of-3.json']!.replace('"outcomes":[{', '"outcomes":[{"extra":1,'))),
    ).toMatch(/^ShardError: shard-1-of-3.json: not a shard file: outcomes.0: outcome: Unrecognized key: "extra"/);
    expect(await variant((f) => (f['shard-0-of-3.json'] = '{"format"'))).toMatch(/^ShardError: shard-0-of-3.json: not JSON/);
    expect(await variant((f) => (f['shard-0-of-3.json'] = f['shard-1-of-3.json']!))).toBe(
      'ShardError: shard-0-of-3.json: holds shard 1 of 3, not what its name says',
    );
  });
});
