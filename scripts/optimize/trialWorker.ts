/**
 * One worker thread of workerPool.ts: loads the trial context once, then runs the trials it is sent.
 * A trial that throws is reported (the pool names it); a context that fails to load ends the worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './workerPool.ts';

interface TrialModule {
  loadTrialContext(data: unknown): unknown;
  runTrial(ctx: unknown, spec: unknown): unknown;
}

const { trialModule, data } = workerData as { trialModule: string; data: unknown };
const mod = (await import(trialModule)) as TrialModule;
const ctx = mod.loadTrialContext(data);
const port = parentPort!;
const send = (m: FromWorker<unknown>) => port.postMessage(m);
port.on('message', ({ id, spec }: ToWorker<unknown>) => {
  try {
    send({ kind: 'done', id, result: mod.runTrial(ctx, spec) });
  } catch (err) {
    send({ kind: 'failed', id, message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  }
});
send({ kind: 'ready' });
