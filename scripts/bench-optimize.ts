/**
 * `bench optimize`: trials per second of the optimiser on 1 and on 2 worker threads, in the same run,
 * over the same fixed trials (uniform points of the default space, seeded; the first in-sample
 * window of 365:91 over the bundled 4h candles of the default symbols, 2018–2020). Each pool is warmed up first (every
 * worker runs every trial once; start-up is reported apart); rounds alternate 1 and 2 workers and the median round counts.
 * Efficiency = speedup / workers. The workers' start-up (tsx, modules, candles) is printed separately.
 */
import { availableParallelism, loadavg } from 'node:os';
import { searchSpace } from '../functions/src/domain/optimize/searchSpace.ts';
import { proposeTpe } from '../functions/src/domain/optimize/tpe.ts';
import { DEFAULT_STRATEGY, strategyDefinition } from '../functions/src/domain/strategy/index.ts';
import { mulberry32 } from '../functions/src/domain/testing/prng.ts';
import type { DataSpec, Evaluator, TrialSpec } from './optimize/trial.ts';
import { workerEvaluator } from './optimize/workerPool.ts';
import { EnvSchema } from '../functions/src/config/schema.ts';

const TRIALS = 48;
const ROUNDS = 5;
const data: DataSpec = {
  symbols: [...EnvSchema.parse({}).SYMBOLS],
  timeframe: '4h',
  from: Date.parse('2018-01-01'),
  to: Date.parse('2020-01-01'),
  trainDays: 365,
  testDays: 91,
  blocks: 16,
  doc: {},
};
const space = searchSpace(strategyDefinition(DEFAULT_STRATEGY)!);
const trials: TrialSpec[] = proposeTpe(space, [], TRIALS, mulberry32(24)).map((params, trial) => ({
  window: 0,
  trial,
  sample: 'in',
  params: { ...params },
}));

async function started(k: number): Promise<{ ev: Evaluator; startMs: number }> {
  const t0 = performance.now();
  const ev = workerEvaluator(data, k);
  // one trial per worker: every worker has loaded its candles
  await ev.evaluate(trials.slice(0, k));
  const startMs = performance.now() - t0;
  // warm-up (JIT) on the same trials: every worker runs each of them once, as the 1-worker pool does
  for (let i = 0; i < k; i++) await ev.evaluate(trials);
  return { ev, startMs };
}

/** wall and CPU seconds (every thread of this process) of one round */
const timed = async (ev: Evaluator) => {
  const [t0, c0] = [performance.now(), process.cpuUsage()];
  await ev.evaluate(trials);
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const one = await started(1);
const two = await started(2);
try {
  const s1: { wall: number; cpu: number }[] = [];
  const s2: { wall: number; cpu: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    s1.push(await timed(one.ev));
    s2.push(await timed(two.ev));
  }
  const rate1 = TRIALS / median(s1.map((s) => s.wall));
  const rate2 = TRIALS / median(s2.map((s) => s.wall));
  const e = rate2 / rate1 / 2;
  const cpu1 = median(s1.map((s) => s.cpu));
  const cpu2 = median(s2.map((s) => s.cpu));
  const load = loadavg()[0]!;
  const what = `${TRIALS} in-sample trials of 365 days of 4h ${data.symbols.join(', ')} (the defaults), median of ${ROUNDS} rounds after a warm-up`;
  console.log(`bench optimize: ${rate1.toFixed(1)} trials/s on 1 workers, efficiency 1.00 (${what})`);
  console.log(`bench optimize: ${rate2.toFixed(1)} trials/s on 2 workers, efficiency ${e.toFixed(2)} (same trials, same run)`);
  // cores this process actually got: below K means other processes had the rest (the efficiency then measures the machine)
  const got = (xs: { wall: number; cpu: number }[]) => median(xs.map((x) => x.cpu / x.wall)).toFixed(2);
  const overhead = ((cpu2 / cpu1 - 1) * 100).toFixed(1);
  const machine = `load average ${load.toFixed(1)} on ${availableParallelism()} cores`;
  console.log(
    `bench optimize cpu: ${(TRIALS / cpu1).toFixed(1)} trials per CPU-second on 1 worker, ${(TRIALS / cpu2).toFixed(1)} on 2 ` +
      `(parallel overhead ${overhead} %); cores obtained ${got(s1)} of 1 and ${got(s2)} of 2 (${machine})`,
  );
  const [start1, start2] = [Math.round(one.startMs), Math.round(two.startMs)];
  console.log(`bench optimize start-up: ${start1} ms for 1 worker, ${start2} ms for 2 (tsx, modules, candles; once per run)`);
} finally {
  await Promise.all([one.ev.close(), two.ev.close()]);
}
