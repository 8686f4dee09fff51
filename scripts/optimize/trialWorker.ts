/**
 * One worker thread of workerPool.ts: loads the trial context once, then runs the trials it is sent.
 * A trial that throws is reported (the pool names it); a context that fails to load ends the worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadTrialContext, runTrial, type DataSpec } from './trial.ts';
import type { FromWorker, ToWorker } from './workerPool.ts';

const ctx = loadTrialContext(workerData as DataSpec);
const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);
port.on('message', ({ id, spec }: ToWorker) => {
  try {
    send({ kind: 'done', id, result: runTrial(ctx, spec) });
  } catch (err) {
    send({ kind: 'failed', id, message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  }
});
send({ kind: 'ready' });
