import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../optimize.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
// the small run of smallRun.ts, through the CLI
const FLAGS = ['--symbols', 'BTC/USDT', '--timeframe', '4h', '--from', '2019-01-01', '--to', '2019-09-01'];
const SEARCH = [...FLAGS, '--walk-forward', '120:60', '--trials', '5', '--seed', '7'];
const optimize = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, ['--import', 'tsx', 'scripts/optimize.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env } });

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
};

describe('npm run optimize: sharded across processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eagle-optimize-shards-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('2 processes with Cloud Run task variables, then merge, print the single process result byte for byte', async () => {
    const task = (i: number) =>
      optimize([...SEARCH, '--workers', '1', '--shard', '--results', dir], { CLOUD_RUN_TASK_INDEX: String(i), CLOUD_RUN_TASK_COUNT: '2' });
    // the single process in this one (on 2 worker threads), the tasks in their own
    const here = capture();
    const [code, t0, t1] = await Promise.all([main([...SEARCH, '--workers', '2', '--json'], here.io), task(0), task(1)]);
    expect(code).toBe(0);
    expect([t0.stdout, t1.stdout]).toEqual([`wrote shard-0-of-2.json to ${dir}\n`, `wrote shard-1-of-2.json to ${dir}\n`]);
    expect(readdirSync(dir).sort()).toEqual(['shard-0-of-2.json', 'shard-1-of-2.json']);
    const merged = await optimize(['merge', '--results', dir, '--json']);
    const single = `${here.out.join('\n')}\n`;
    expect(JSON.parse(single).walkForward.windows).toBe(2);
    expect(merged.stdout).toBe(single);
  }, 120_000);

  it('a bad task variable or a missing shard is said, with exit 2 and 1', async () => {
    const saved = { ...process.env };
    try {
      process.env.CLOUD_RUN_TASK_INDEX = '2';
      process.env.CLOUD_RUN_TASK_COUNT = '2';
      const c = capture();
      expect(await main([...SEARCH, '--workers', '1', '--shard', '--results', dir], c.io)).toBe(2);
      expect(c.err).toEqual(['--shard: CLOUD_RUN_TASK_INDEX must be below CLOUD_RUN_TASK_COUNT (got 2 of 2)']);
    } finally {
      process.env = saved;
    }
    const c = capture();
    expect(await main([...SEARCH, '--workers', '1', '--results', dir], c.io)).toBe(2);
    expect(c.err).toEqual(['--shard and --results go together']);
    const empty = mkdtempSync(join(tmpdir(), 'eagle-optimize-none-'));
    const m = capture();
    expect(await main(['merge', '--results', empty], m.io)).toBe(1);
    expect(m.err).toEqual([`merge: no shard-<i>-of-<n>.json in ${empty}`]);
    rmSync(empty, { recursive: true });
  }, 60_000);
});
