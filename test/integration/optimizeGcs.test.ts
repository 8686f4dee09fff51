/**
 * The optimiser's gs:// shards against the Storage emulator (emulators/storage.ts) on this suite's
 * port offset: the ResultStore contract for gcsResults, then K = 3 Cloud Run tasks as processes
 * writing to one gs:// prefix and `merge` from it, byte for byte the single process's result.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startStorageEmulator, type RunningStorageEmulator } from '../../emulators/storage.ts';
import { localPorts } from '../../infra/ports.ts';
import { main } from '../../scripts/optimize.ts';
import { gcsResults } from '../../scripts/optimize/resultStore.ts';
import { resultStoreContract } from '../../scripts/optimize/resultStoreContract.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
// the small run of scripts/optimize/smallRun.ts: 2 windows, 5 trials each
const SEARCH = ['--symbols', 'BTC/USDT', '--timeframe', '4h', '--from', '2019-01-01', '--to', '2019-09-01'].concat([
  '--walk-forward',
  '120:60',
  '--trials',
  '5',
  '--seed',
  '7',
]);
const K = 3;

let emulator: RunningStorageEmulator;
const env = () => ({ STORAGE_EMULATOR_HOST: emulator.url });
beforeAll(async () => {
  const e = inject('emulators');
  emulator = await startStorageEmulator({ projectId: e.projectId, port: localPorts(e.portOffset).storage });
});
afterAll(async () => {
  await emulator?.stop();
});

resultStoreContract('gcsResults on the Storage emulator', (space) => gcsResults(`gs://eagle-contract/${space}`, env()));

const optimize = (args: string[], vars: Record<string, string> = {}) =>
  run(process.execPath, ['--import', 'tsx', 'scripts/optimize.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env(), ...vars } });

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
};

describe('npm run optimize --shard --results gs://… on the Storage emulator', () => {
  const prefix = 'gs://eagle-optimize/run-1';
  const where = (p: string) => `${p} (Storage emulator ${emulator.url})`;
  let single = '';

  it(`${K} task processes, then merge from the same prefix, print the single process result byte for byte`, async () => {
    const here = capture();
    const task = (i: number) =>
      optimize([...SEARCH, '--workers', '1', '--shard', '--results', prefix], {
        CLOUD_RUN_TASK_INDEX: String(i),
        CLOUD_RUN_TASK_COUNT: String(K),
      });
    const [code, ...tasks] = await Promise.all([main([...SEARCH, '--workers', '1', '--json'], here.io), task(0), task(1), task(2)]);
    expect(code).toBe(0);
    expect(tasks.map((t) => t.stdout)).toEqual([0, 1, 2].map((i) => `wrote shard-${i}-of-${K}.json to ${where(prefix)}\n`));
    expect(await (await gcsResults(prefix, env())).list()).toEqual(['shard-0-of-3.json', 'shard-1-of-3.json', 'shard-2-of-3.json']);
    single = `${here.out.join('\n')}\n`;
    expect(JSON.parse(single).walkForward.windows).toBe(2);
    expect((await optimize(['merge', '--results', prefix, '--json'])).stdout).toBe(single);
  }, 120_000);

  it('a missing shard, or the shards of two runs in one prefix, are named and never merged (exit 1)', async () => {
    expect(single).not.toBe('');
    const from = await gcsResults(prefix, env());
    const copy = async (to: string, edit: (files: Record<string, string>) => void) => {
      const files = Object.fromEntries(await Promise.all((await from.list()).map(async (n) => [n, await from.read(n)] as const)));
      edit(files);
      const store = await gcsResults(to, env());
      for (const [n, text] of Object.entries(files)) await store.write(n, text);
    };
    const merge = async (p: string) => {
      const saved = process.env.STORAGE_EMULATOR_HOST;
      process.env.STORAGE_EMULATOR_HOST = emulator.url;
      try {
        const c = capture();
        return [await main(['merge', '--results', p], c.io), c.err];
      } finally {
        if (saved === undefined) delete process.env.STORAGE_EMULATOR_HOST;
        else process.env.STORAGE_EMULATOR_HOST = saved;
      }
    };
    await copy('gs://eagle-optimize/missing', (f) => delete f['shard-1-of-3.json']);
    expect(await merge('gs://eagle-optimize/missing')).toEqual([
      1,
      [`merge: shard 1 of 3 missing in ${where('gs://eagle-optimize/missing')} (task failed or still running?)`],
    ]);
    await copy('gs://eagle-optimize/two-runs', (f) => (f['shard-0-of-2.json'] = f['shard-0-of-3.json']!.replace('"count":3', '"count":2')));
    expect(await merge('gs://eagle-optimize/two-runs')).toEqual([
      1,
      [`merge: ${where('gs://eagle-optimize/two-runs')} mixes runs of 2 and 3 tasks: keep one run's shards per prefix`],
    ]);
    await copy('gs://eagle-optimize/twice', (f) => (f['shard-2-of-3.json'] = f['shard-1-of-3.json']!.replace('"index":1', '"index":2')));
    expect(await merge('gs://eagle-optimize/twice')).toEqual([
      1,
      ['merge: shard-2-of-3.json holds window 1, which is not its own (windows i ≡ 2 mod 3 of 2)'],
    ]);
    expect(await merge('gs://eagle-optimize/none')).toEqual([
      1,
      [`merge: no shard-<i>-of-<n>.json in ${where('gs://eagle-optimize/none')}`],
    ]);
  }, 60_000);
});
