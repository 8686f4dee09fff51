/**
 * Trials on worker threads: K workers, each loading the candles once (the trial module's
 * loadTrialContext), trials handed to whichever worker is free, results returned in input order,
 * so the outcome is the same bytes whatever K is (runTrial is pure). A trial that throws fails its
 * batch with the trial named; close() terminates every worker.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** What a trial spec must carry for a failure to name it (TrialSpec has both). */
export interface NamedSpec {
  readonly window: unknown;
  readonly trial: unknown;
}

export interface Pool<S, R> {
  evaluate(batch: readonly S[]): Promise<R[]>;
  close(): Promise<void>;
}

export class TrialFailedError extends Error {
  override readonly name = 'TrialFailedError';
}

/** Messages between the pool and a worker (trialWorker.ts). */
export type ToWorker<S> = { readonly id: number; readonly spec: S };
export type FromWorker<R> =
  | { readonly kind: 'ready' }
  | { readonly kind: 'done'; readonly id: number; readonly result: R }
  | { readonly kind: 'failed'; readonly id: number; readonly message: string };

export const defaultWorkers = (): number => availableParallelism();

const ENTRY = new URL('./trialWorker.ts', import.meta.url);

interface Task<S> {
  readonly spec: S;
  readonly index: number;
  readonly batch: Batch;
}
interface Batch {
  readonly results: unknown[];
  left: number;
  failed: boolean;
  resolve(results: unknown[]): void;
  reject(err: Error): void;
}

const describe = (spec: NamedSpec) => `trial ${JSON.stringify(spec.trial)} of window ${JSON.stringify(spec.window)}`;

/**
 * `trialModule`: a module exporting loadTrialContext(data) and runTrial(ctx, spec), loaded in each
 * worker with tsx (the workers run the TypeScript as the main thread does).
 */
export function workerPool<S extends NamedSpec, R>(opts: { trialModule: URL; data: unknown; workers: number }): Pool<S, R> {
  if (!Number.isInteger(opts.workers) || opts.workers < 1) throw new RangeError(`workers must be a whole number ≥ 1 (got ${opts.workers})`);
  const queue: Task<S>[] = [];
  const idle: Worker[] = [];
  const running = new Map<Worker, Map<number, Task<S>>>();
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
      w.postMessage({ id, spec: task.spec } satisfies ToWorker<S>);
    }
  };
  const breakPool = (err: Error) => {
    broken ??= err;
    for (const tasks of running.values()) for (const t of tasks.values()) fail(t.batch, err);
    for (const t of queue.splice(0)) fail(t.batch, err);
  };

  const workers = Array.from({ length: opts.workers }, (_, k) => {
    const w = new Worker(ENTRY, {
      execArgv: ['--import', 'tsx'],
      workerData: { trialModule: opts.trialModule.href, data: opts.data },
    });
    running.set(w, new Map());
    w.on('message', (m: FromWorker<R>) => {
      if (m.kind === 'ready') {
        idle.push(w);
        return dispatch();
      }
      const tasks = running.get(w)!;
      const task = tasks.get(m.id)!;
      tasks.delete(m.id);
      idle.push(w);
      if (m.kind === 'failed') fail(task.batch, new TrialFailedError(`${describe(task.spec)} failed on worker ${k}: ${m.message}`));
      else if (!task.batch.failed) {
        task.batch.results[task.index] = m.result;
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
      return new Promise<R[]>((resolve, reject) => {
        const b: Batch = { results: new Array(batch.length), left: batch.length, failed: false, resolve: resolve as Batch['resolve'], reject };
        batch.forEach((spec, index) => queue.push({ spec, index, batch: b }));
        dispatch();
      });
    },
    async close() {
      closed = true;
      breakPool(new Error('the worker pool was closed'));
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
