/**
 * Trials on worker threads: K workers, each loading the candles once (loadTrialContext), trials
 * handed to whichever worker is free, results returned in the batch's order, so the outcome is the
 * same bytes whatever K is (runTrial is pure). A trial that throws fails its batch with the trial
 * named; close() terminates every worker. Workers run the TypeScript through tsx, as the main thread.
 */
import { Worker } from 'node:worker_threads';
import { TrialResultSchema } from './outcomeCodec.ts';
import type { DataSpec, Evaluator, TrialResult, TrialSpec } from './trial.ts';

export class TrialFailedError extends Error {
  override readonly name = 'TrialFailedError';
}

/** Messages between the pool and a worker (trialWorker.ts). */
export type ToWorker = { readonly id: number; readonly spec: TrialSpec };
export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'done'; readonly id: number; readonly result: TrialResult }
  | { readonly kind: 'failed'; readonly id: number; readonly message: string };

const ENTRY = new URL('./trialWorker.ts', import.meta.url);

interface Task {
  readonly spec: TrialSpec;
  readonly index: number;
  readonly batch: Batch;
}
interface Batch {
  readonly results: TrialResult[];
  left: number;
  failed: boolean;
  resolve(results: TrialResult[]): void;
  reject(err: Error): void;
}

const describe = (s: TrialSpec) => `trial ${s.trial} (${s.sample} of sample) of window ${s.window}`;

/** An evaluator on worker threads, which can say how much CPU its threads have used. */
export interface WorkerPool extends Evaluator {
  /** CPU seconds the workers' own threads have used so far (V8's GC helper threads and the main thread not included) */
  threadCpuSeconds(): Promise<number>;
}

export function workerEvaluator(data: DataSpec, workers: number): WorkerPool {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`--workers must be a whole number ≥ 1 (got ${workers})`);
  const queue: Task[] = [];
  const idle: Worker[] = [];
  const running = new Map<Worker, Map<number, Task>>();
  let broken: Error | null = null;
  let closed = false;
  let nextId = 0;

  const fail = (batch: Batch, err: Error) => {
    if (batch.failed) return;
    batch.failed = true;
    batch.reject(err);
  };
  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) {
      const task = queue.shift()!;
      if (task.batch.failed) continue;
      const w = idle.pop()!;
      const id = nextId++;
      running.get(w)!.set(id, task);
      w.postMessage({ id, spec: task.spec } satisfies ToWorker);
    }
  };
  const breakPool = (err: Error) => {
    broken ??= err;
    for (const tasks of running.values()) for (const t of tasks.values()) fail(t.batch, err);
    for (const t of queue.splice(0)) fail(t.batch, err);
  };

  const pool = Array.from({ length: workers }, (_, k) => {
    const w = new Worker(ENTRY, { execArgv: ['--import', 'tsx'], workerData: data });
    running.set(w, new Map());
    w.on('message', (m: FromWorker) => {
      if (m.kind === 'ready') {
        idle.push(w);
        return dispatch();
      }
      const tasks = running.get(w)!;
      const task = tasks.get(m.id)!;
      tasks.delete(m.id);
      idle.push(w);
      const checked = m.kind === 'done' ? TrialResultSchema.safeParse(m.result) : null;
      if (m.kind === 'failed') fail(task.batch, new TrialFailedError(`${describe(task.spec)} failed on worker ${k}: ${m.message}`));
      else if (!checked!.success)
        fail(
          task.batch,
          new TrialFailedError(`${describe(task.spec)}: worker ${k} replied ${checked!.error.issues[0]?.message ?? 'garbage'}`),
        );
      else if (!task.batch.failed) {
        task.batch.results[task.index] = checked!.data as TrialResult;
        if (--task.batch.left === 0) task.batch.resolve(task.batch.results);
      }
      dispatch();
    });
    w.on('error', (err) => breakPool(new TrialFailedError(`worker ${k} failed: ${err.message}`)));
    w.on('exit', (code) => {
      if (!closed) breakPool(new TrialFailedError(`worker ${k} exited (code ${code})`));
    });
    return w;
  });

  return {
    evaluate(batch) {
      if (closed) return Promise.reject(new Error('the worker pool is closed'));
      if (broken) return Promise.reject(broken);
      if (batch.length === 0) return Promise.resolve([]);
      return new Promise<TrialResult[]>((resolve, reject) => {
        const b: Batch = { results: new Array(batch.length), left: batch.length, failed: false, resolve, reject };
        batch.forEach((spec, index) => queue.push({ spec, index, batch: b }));
        dispatch();
      });
    },
    async threadCpuSeconds() {
      const used = await Promise.all(pool.map((w) => w.cpuUsage()));
      return used.reduce((s, u) => s + (u.user + u.system) / 1e6, 0);
    },
    async close() {
      closed = true;
      breakPool(new Error('the worker pool was closed'));
      await Promise.all(pool.map((w) => w.terminate()));
    },
  };
}
