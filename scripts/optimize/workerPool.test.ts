import { afterAll, describe, expect, it } from 'vitest';
import { searchWindow, summarize, type OptimizeOptions } from './search.ts';
import { SMALL_DATA, smallOptions } from './smallRun.ts';
import { inProcessEvaluator, type Evaluator } from './trial.ts';
import { TrialFailedError, workerEvaluator } from './workerPool.ts';

async function resultBytes(opts: OptimizeOptions, evaluator: Evaluator): Promise<string> {
  try {
    const outcomes = [];
    for (let w = 0; w < opts.windows.length; w++) outcomes.push(await searchWindow(w, opts, evaluator));
    return JSON.stringify(summarize(outcomes, opts));
  } finally {
    await evaluator.close();
  }
}

describe('workerEvaluator', () => {
  const opts = smallOptions();
  const open: Evaluator[] = [];
  afterAll(() => Promise.all(open.map((e) => e.close())));

  it('gives the same bytes on 1, 2 and 3 workers as on this thread', async () => {
    expect(opts.windows.length).toBe(2);
    const here = await resultBytes(opts, inProcessEvaluator(SMALL_DATA));
    for (const k of [1, 2, 3]) expect(await resultBytes(opts, workerEvaluator(SMALL_DATA, k)), `${k} workers`).toBe(here);
  }, 60_000);

  it('fails the batch naming the trial that threw, and keeps serving later batches', async () => {
    const ev = workerEvaluator(SMALL_DATA, 2);
    open.push(ev);
    const good = { window: 0, trial: 0, sample: 'in' as const, params: {} };
    const bad = { window: 9, trial: 3, sample: 'in' as const, params: {} };
    const err = await ev.evaluate([good, bad, good]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrialFailedError);
    // whichever worker was free took it
    expect((err as Error).message).toMatch(
      /^trial 3 \(in of sample\) of window 9 failed on worker [01]: RangeError: window 9 does not exist \(2 windows\)$/,
    );
    const [r] = await ev.evaluate([good]);
    expect(r!.metrics).not.toBeNull();
    // the bench's CPU per trial: the workers' own threads, summed
    const used = await ev.threadCpuSeconds();
    expect(used).toBeGreaterThan(0);
    await ev.evaluate([good]);
    expect(await ev.threadCpuSeconds()).toBeGreaterThan(used);
  }, 30_000);

  it('data a worker cannot load fails the batch with the loader error; close() ends the pool', async () => {
    const ev = workerEvaluator({ ...SMALL_DATA, symbols: ['NOPE/USDT'] }, 1);
    await expect(ev.evaluate([{ window: 0, trial: 0, sample: 'in', params: {} }])).rejects.toThrow(/worker 0 failed: .*NOPE\/USDT/);
    await ev.close();
    await expect(ev.evaluate([])).rejects.toThrow('the worker pool is closed');
  }, 30_000);

  it('refuses a worker count that is not a whole number ≥ 1', () => {
    expect(() => workerEvaluator(SMALL_DATA, 0)).toThrow('--workers must be a whole number ≥ 1 (got 0)');
  });
});
