/**
 * `bench optimize`: trials per second of the optimiser on 1 and on 2 worker threads, in the same run,
 * over the same fixed trials (uniform points of the default space, seeded; the first in-sample
 * window of 365:91 over the bundled 4h candles of the default symbols, 2018–2020). Both pools are
 * warmed up alike (every worker runs every trial WARM times, so each worker's JIT has seen the same
 * work); then the rounds are paired, 1 and 2 workers back to back, the order swapped every round, so
 * the machine's load and drift hit both sides alike; the medians count. Efficiency = speedup / workers.
 * CPU per trial is printed for each side: the worker threads' own, the main thread's, and the whole
 * process's (plus V8's GC and JIT threads), so a reader sees whether the baseline or the pair is off.
 * The workers' start-up (tsx, modules, candles) is printed separately.
 */
import { availableParallelism, loadavg } from 'node:os';
import { searchSpace } from '../functions/src/domain/optimize/searchSpace.ts';
import { proposeTpe } from '../functions/src/domain/optimize/tpe.ts';
import { DEFAULT_STRATEGY } from '../functions/src/domain/strategy/index.ts';
import { strategyDefinition } from '../functions/src/strategies/registry.ts';
import { mulberry32 } from '../functions/src/domain/testing/prng.ts';
import type { DataSpec, TrialSpec } from './optimize/trial.ts';
import { workerEvaluator, type WorkerPool } from './optimize/workerPool.ts';
import { EnvSchema } from '../functions/src/config/schema.ts';

const TRIALS = 48;
const WARM = 3;
const ROUNDS = 9;
/** each round runs the trials this many times in one batch: ~1 s a round, and a worker idles at most one trial of 144 at its end */
const REPEAT = 3;
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

const round: TrialSpec[] = Array.from({ length: REPEAT }, () => trials).flat();
const PER_ROUND = round.length;

async function started(k: number): Promise<{ pool: WorkerPool; startMs: number }> {
  const t0 = performance.now();
  const pool = workerEvaluator(data, k);
  // one trial per worker: every worker has loaded its candles
  await pool.evaluate(trials.slice(0, k));
  return { pool, startMs: performance.now() - t0 };
}

/** Every worker of the pool runs every trial `WARM` times (in k·WARM passes the free worker takes the next trial). */
async function warm(pool: WorkerPool, k: number): Promise<void> {
  for (let i = 0; i < k * WARM; i++) await pool.evaluate(trials);
}

interface Round {
  /** seconds of wall clock */
  wall: number;
  /** CPU seconds of the whole process (every thread: workers, GC helpers, main) */
  cpu: number;
  /** CPU seconds of the pool's worker threads */
  threads: number;
  /** CPU seconds of the main thread (dispatch, decoding the replies) */
  main: number;
}

async function timed(pool: WorkerPool): Promise<Round> {
  const w0 = await pool.threadCpuSeconds();
  const [t0, c0, m0] = [performance.now(), process.cpuUsage(), process.threadCpuUsage()];
  await pool.evaluate(round);
  const wall = (performance.now() - t0) / 1000;
  const [c, m] = [process.cpuUsage(c0), process.threadCpuUsage(m0)];
  return { wall, cpu: (c.user + c.system) / 1e6, threads: (await pool.threadCpuSeconds()) - w0, main: (m.user + m.system) / 1e6 };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const ms = (s: number) => ((1000 * s) / PER_ROUND).toFixed(1);

const one = await started(1);
const two = await started(2);
try {
  await warm(one.pool, 1);
  await warm(two.pool, 2);
  const s1: Round[] = [];
  const s2: Round[] = [];
  const loads: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      s1.push(await timed(one.pool));
      s2.push(await timed(two.pool));
    } else {
      s2.push(await timed(two.pool));
      s1.push(await timed(one.pool));
    }
    loads.push(loadavg()[0]!);
  }
  const wall1 = median(s1.map((s) => s.wall));
  const wall2 = median(s2.map((s) => s.wall));
  const [rate1, rate2] = [PER_ROUND / wall1, PER_ROUND / wall2];
  const e = rate2 / rate1 / 2;
  // each round's pair on its own: the spread says how much the machine moved under the median
  const paired = s1.map((a, i) => a.wall / s2[i]!.wall / 2).sort((a, b) => a - b);
  const what =
    `${TRIALS} in-sample trials of 365 days of 4h ${data.symbols.join(', ')} (the defaults), ${REPEAT} times a round, ` +
    `median of ${ROUNDS} paired rounds after a warm-up`;
  console.log(`bench optimize: ${rate1.toFixed(1)} trials/s on 1 workers, efficiency 1.00 (${what})`);
  console.log(
    `bench optimize: ${rate2.toFixed(1)} trials/s on 2 workers, efficiency ${e.toFixed(2)} ` +
      `(same trials, same run; per pair ${paired[0]!.toFixed(2)}–${paired.at(-1)!.toFixed(2)})`,
  );
  // cores this process actually got: below K means other processes had the rest (the efficiency then measures the machine)
  const got = (xs: Round[]) => median(xs.map((x) => x.cpu / x.wall)).toFixed(2);
  const threads = (xs: Round[]) => ms(median(xs.map((x) => x.threads)));
  const whole = (xs: Round[]) => ms(median(xs.map((x) => x.cpu)));
  const main = (xs: Round[]) => ms(median(xs.map((x) => x.main)));
  const machine = `load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} on ${availableParallelism()} cores`;
  console.log(
    `bench optimize cpu: ${threads(s1)} ms per trial on 1 worker, ${threads(s2)} on 2 (worker threads); ` +
      `main thread ${main(s1)} and ${main(s2)}; whole process ${whole(s1)} and ${whole(s2)} (+ V8's GC and JIT threads); ` +
      `cores obtained ${got(s1)} of 1 and ${got(s2)} of 2 (${machine})`,
  );
  // what E would be had the 2 workers obtained 2 whole cores: CPU per trial on 1 worker ÷ on 2 (whole process)
  const perCpu = median(s1.map((x) => x.cpu)) / median(s2.map((x) => x.cpu));
  console.log(
    `bench optimize cpu-efficiency: ${perCpu.toFixed(2)} (whole-process CPU per trial on 1 worker ÷ on 2: ` +
      `the efficiency had the 2 workers obtained 2 whole cores)`,
  );
  // V8's background threads normally take ~0.1–0.5 ms per trial; an isolate that keeps recompiling takes ms (seen 2 runs in 22)
  const background = (xs: Round[]) => median(xs.map((x) => x.cpu - x.threads - x.main)) / median(xs.map((x) => x.threads));
  for (const [k, xs] of [[1, s1] as const, [2, s2] as const])
    if (background(xs) > 0.25)
      console.log(
        `bench optimize warning: on the ${k}-worker side V8's background threads used ${(100 * background(xs)).toFixed(0)} % ` +
          `of the trials' CPU (a JIT pathology in one of its isolates): this run's efficiency is not the pool's, run again`,
      );
  const [start1, start2] = [Math.round(one.startMs), Math.round(two.startMs)];
  console.log(`bench optimize start-up: ${start1} ms for 1 worker, ${start2} ms for 2 (tsx, modules, candles; once per run)`);
} finally {
  await Promise.all([one.pool.close(), two.pool.close()]);
}
