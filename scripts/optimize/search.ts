/**
 * The optimiser's search and its summary. searchWindow runs one walk-forward window: the sampler
 * proposes points in batches of a fixed size (so the result does not depend on how many workers
 * evaluate a batch), the evaluator runs them in sample, the best score is traded out of sample, and
 * so are the defaults (the same windows, for comparison). summarize stitches the windows' outcomes
 * (from one process or many shards) into one deterministic result, with the deflated Sharpe ratio
 * and the PBO of each window's search, and pooled: the DSR of the stitched out-of-sample returns and
 * the walk-forward PBO (every valid trial is also run out of sample, to rank the winner among them).
 */
import { stitchWindows, type WindowBounds, type WindowRun } from '../../functions/src/domain/backtest/walkForward.ts';
import { curveStats } from '../../functions/src/domain/performance/index.ts';
import { ONE, toAmount } from '../../functions/src/domain/money.ts';
import { score, type Objective } from '../../functions/src/domain/optimize/objective.ts';
import type { Space } from '../../functions/src/domain/optimize/space.ts';
import { proposeTpe, type Observation } from '../../functions/src/domain/optimize/tpe.ts';
import {
  deflatedSharpe,
  mergeStats,
  pboCscv,
  pooledDeflatedSharpe,
  rankLogit,
  stepSharpe,
  walkForwardPbo,
  type BlockStats,
} from '../../functions/src/domain/optimize/trust.ts';
import { mulberry32 } from '../../functions/src/domain/testing/prng.ts';
import type { DataSpec, Evaluator, TrialMetrics, TrialResult, TrialSpec } from './trial.ts';

export interface SearchOptions {
  space: Space;
  /** trials per window */
  trials: number;
  /** points proposed at once: fixed, whatever the number of workers */
  batch: number;
  seed: number;
  objective: Objective;
  minTrades: number;
  /** the windows, as loadTrialContext computes them from the data */
  windows: readonly WindowBounds[];
}

export interface WindowOutcome {
  window: number;
  /** in sample, in trial order */
  trials: TrialResult[];
  /** the trial that scored best in sample (the earliest on a tie) */
  winner: number;
  /** the winner out of sample, and the defaults (no params) on the same window */
  outOfSample: TrialResult;
  defaults: TrialResult;
  /** every trial out of sample, in trial order, its returns' stats merged (null: not a valid config), for the walk-forward PBO */
  outOfSampleAll: (BlockStats | null)[];
}

/** A seed per (run seed, window, batch): the same proposals whichever process runs the window. */
const batchSeed = (seed: number, window: number, batch: number) =>
  (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(window + 1, 0xc2b2ae35) ^ Math.imul(batch + 1, 0x27d4eb2f)) >>> 0;

export const trialScore = (r: TrialResult, opts: Pick<SearchOptions, 'objective' | 'minTrades'>) =>
  score(r.metrics, opts.objective, opts.minTrades);

function checked(batch: readonly TrialSpec[], results: readonly TrialResult[]): TrialResult[] {
  if (results.length !== batch.length || results.some((r, i) => r.trial !== batch[i]!.trial || r.window !== batch[i]!.window))
    throw new Error('evaluator: results must come back one per trial, in the order of the batch');
  return [...results];
}

export async function searchWindow(window: number, opts: SearchOptions, evaluator: Evaluator): Promise<WindowOutcome> {
  const trials: TrialResult[] = [];
  const history: Observation[] = [];
  for (let b = 0; trials.length < opts.trials; b++) {
    const points = proposeTpe(opts.space, history, opts.batch, mulberry32(batchSeed(opts.seed, window, b)));
    const batch = points
      .slice(0, opts.trials - trials.length)
      .map((params, i): TrialSpec => ({ window, trial: trials.length + i, sample: 'in', params: { ...params } }));
    const results = checked(batch, await evaluator.evaluate(batch));
    trials.push(...results);
    history.push(...results.map((r) => ({ point: r.params as Observation['point'], score: trialScore(r, opts) })));
  }
  let winner = 0;
  for (let i = 1; i < trials.length; i++) if (trialScore(trials[i]!, opts) > trialScore(trials[winner]!, opts)) winner = i;
  // the winner (with its equity, for the stitch), the defaults, then every other valid trial on the same window
  const others = trials.filter((t) => t.metrics && t.trial !== winner);
  const out: TrialSpec[] = [
    { window, trial: winner, sample: 'out', params: trials[winner]!.params },
    { window, trial: -1, sample: 'out', params: {} },
    ...others.map((t): TrialSpec => ({ window, trial: t.trial, sample: 'out', params: t.params })),
  ];
  const [outOfSample, defaults, ...rest] = checked(out, await evaluator.evaluate(out));
  const outOfSampleAll = trials.map((): BlockStats | null => null);
  for (const r of [outOfSample!, ...rest]) if (r.metrics) outOfSampleAll[r.trial] = mergeStats(r.blocks);
  return { window, trials, winner, outOfSample: outOfSample!, defaults: defaults!, outOfSampleAll };
}

export interface OptimizeOptions extends SearchOptions {
  data: DataSpec;
  strategy: string;
}

export interface StitchedSummary {
  totalReturnPct: number;
  maxDrawdownPct: number;
  sharpe: number | null;
  sortino: number | null;
  trades: number;
  feesPaid: number;
  feesOfGrossPct: number | null;
}

export interface WindowSummary {
  inSample: { from: string; to: string };
  outOfSample: { from: string; to: string };
  chosen: Record<string, unknown>;
  /** the winner's score in sample; null for -Infinity */
  score: number | null;
  inSampleResult: TrialMetrics;
  outOfSampleResult: TrialMetrics;
  defaultsOutOfSampleResult: TrialMetrics;
  /** trials run, and those that were not a valid config */
  trials: number;
  invalid: number;
  deflatedSharpe: { sharpe: number; expectedMax: number; dsr: number | null };
  /** the plateau test: the in-sample score of the valid trials nearest the winner (null without any) */
  neighbours: { count: number; meanDistance: number; meanScore: number | null } | null;
  pbo: { pbo: number; splits: number; meanLogit: number } | null;
  /** the winner's out-of-sample Sharpe ranked among every valid trial's on the same window (rankLogit; ≤ 0: lower half) */
  outOfSampleRank: { logit: number; trials: number } | null;
}

export interface OptimizeResult {
  strategy: string;
  symbols: string[];
  timeframe: string;
  from: string | null;
  to: string | null;
  walkForward: { trainDays: number; testDays: number; windows: number };
  objective: Objective;
  minTrades: number;
  trialsPerWindow: number;
  batch: number;
  seed: number;
  space: Space;
  outOfSample: StitchedSummary;
  /** the defaults (config/bot as is) over the same out-of-sample windows */
  defaultsOutOfSample: StitchedSummary;
  trust: {
    deflatedSharpeMedian: number | null;
    deflatedSharpeMin: number | null;
    pboMean: number | null;
    pboMax: number | null;
    /** one figure each for the whole walk-forward (trust.ts pooledDeflatedSharpe, walkForwardPbo) */
    pooled: {
      deflatedSharpe: { sharpe: number; expectedMax: number; trials: number; variance: number; dsr: number | null };
      pbo: { pbo: number; windows: number; meanLogit: number } | null;
    };
  };
  windows: WindowSummary[];
  /** out-of-sample equity of the chosen points, compounding from 1 */
  stitched: [number, number][];
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
const iso = (t: number) => new Date(t).toISOString();
const finite = (x: number) => (Number.isFinite(x) ? r4(x) : null);

function metricsOf(r: TrialResult): TrialMetrics {
  if (!r.metrics) throw new Error(`window ${r.window} trial ${r.trial}: ${r.error ?? 'no metrics'}`);
  return r.metrics;
}

const asRun = (m: TrialMetrics, equity: readonly [number, number][] = []): WindowRun => ({
  totalReturnPct: m.totalReturnPct,
  sharpe: m.sharpe,
  maxDrawdownPct: m.maxDrawdownPct,
  trades: m.trades,
  feesPaid: m.feesPaid,
  netPnl: m.netPnl,
  equity,
});

function stitch(outcomes: readonly WindowOutcome[], windows: readonly WindowBounds[], pick: (o: WindowOutcome) => TrialResult) {
  const wf = stitchWindows(
    outcomes.map((o) => ({
      bounds: windows[o.window]!,
      chosen: pick(o).params,
      inSample: asRun(metricsOf(o.trials[o.winner]!)),
      outOfSample: asRun(metricsOf(pick(o)), pick(o).equity ?? []),
    })),
  );
  const c = curveStats(
    wf.stitched.map(([time, v]) => ({ time, equity: toAmount(v) })),
    ONE,
  );
  const summary: StitchedSummary = {
    totalReturnPct: wf.outOfSample.totalReturnPct,
    maxDrawdownPct: wf.outOfSample.maxDrawdownPct,
    sharpe: c.sharpe === null ? null : r4(c.sharpe),
    sortino: c.sortino === null ? null : r4(c.sortino),
    trades: wf.outOfSample.trades,
    feesPaid: wf.outOfSample.feesPaid,
    feesOfGrossPct: wf.outOfSample.feesOfGrossPct,
  };
  return { summary, stitched: wf.stitched.map(([t, v]) => [t, r6(v)] as [number, number]) };
}

const validTrials = (o: WindowOutcome) => o.trials.filter((t) => t.metrics && t.blocks.length > 0);

/** The valid trials' out-of-sample Sharpes and the winner's place among them (null: the winner is not among them). */
function outOfSampleSharpes(o: WindowOutcome): { outOfSample: number[]; winner: number } | null {
  const ran = o.outOfSampleAll.flatMap((st, trial) => (st ? [{ trial, sharpe: stepSharpe(st) }] : []));
  const winner = ran.findIndex((r) => r.trial === o.winner);
  return winner < 0 ? null : { outOfSample: ran.map((r) => r.sharpe), winner };
}

function windowSummary(o: WindowOutcome, bounds: WindowBounds, opts: OptimizeOptions): WindowSummary {
  const valid = validTrials(o);
  const winner = o.trials[o.winner]!;
  const d = deflatedSharpe(
    mergeStats(winner.blocks),
    valid.map((t) => stepSharpe(mergeStats(t.blocks))),
  );
  const oos = outOfSampleSharpes(o);
  const pbo = pboCscv(valid.map((t) => t.blocks));
  const near = nearest(opts.space, winner, valid, NEIGHBOURS);
  const scores = near.map((t) => trialScore(t.trial, opts));
  return {
    inSample: { from: iso(bounds.start), to: iso(bounds.split) },
    outOfSample: { from: iso(bounds.split), to: iso(bounds.stop) },
    chosen: winner.params,
    score: finite(trialScore(winner, opts)),
    inSampleResult: metricsOf(winner),
    outOfSampleResult: metricsOf(o.outOfSample),
    defaultsOutOfSampleResult: metricsOf(o.defaults),
    trials: o.trials.length,
    invalid: o.trials.length - valid.length,
    deflatedSharpe: { sharpe: r6(d.sharpe), expectedMax: r6(d.expectedMax), dsr: d.dsr === null ? null : r4(d.dsr) },
    pbo: pbo && { pbo: r4(pbo.pbo), splits: pbo.splits, meanLogit: r4(pbo.meanLogit) },
    outOfSampleRank:
      oos && oos.outOfSample.length >= 2 ? { logit: r4(rankLogit(oos.outOfSample, oos.winner)), trials: oos.outOfSample.length } : null,
    neighbours: near.length
      ? {
          count: near.length,
          meanDistance: r4(near.reduce((x, t) => x + t.distance, 0) / near.length),
          meanScore: finite(scores.reduce((x, y) => x + y, 0) / scores.length),
        }
      : null,
  };
}

/** Trials compared with the winner for the plateau test. */
export const NEIGHBOURS = 5;

/**
 * The `k` valid trials nearest the winner: each numeric key scaled to its range, a different choice
 * counting as a full range, the root mean square over the keys (0: the same point, 1: opposite corners).
 */
function nearest(space: Space, winner: TrialResult, trials: readonly TrialResult[], k: number) {
  const keys = Object.keys(space);
  const distance = (a: Record<string, unknown>, b: Record<string, unknown>) => {
    let sum = 0;
    for (const key of keys) {
      const d = space[key]!;
      const diff = d.kind === 'choice' ? Number(a[key] !== b[key]) : ((a[key] as number) - (b[key] as number)) / (d.max - d.min || 1);
      sum += diff * diff;
    }
    return Math.sqrt(sum / Math.max(1, keys.length));
  };
  return trials
    .filter((t) => t.trial !== winner.trial)
    .map((trial) => ({ trial, distance: distance(winner.params, trial.params) }))
    .sort((a, b) => a.distance - b.distance || a.trial.trial - b.trial.trial)
    .slice(0, k);
}

const median = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return r4(s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2);
};

/** One result from every window's outcome (in any order): the same bytes whichever process ran which window. */
export function summarize(outcomes: readonly WindowOutcome[], opts: OptimizeOptions): OptimizeResult {
  const all = [...outcomes].sort((a, b) => a.window - b.window);
  if (all.some((o, i) => o.window !== i) || all.length !== opts.windows.length)
    throw new Error(`summarize: need one outcome per window 0..${opts.windows.length - 1} (got ${all.map((o) => o.window).join(', ')})`);
  const windows = all.map((o) => windowSummary(o, opts.windows[o.window]!, opts));
  const chosen = stitch(all, opts.windows, (o) => o.outOfSample);
  const defaults = stitch(all, opts.windows, (o) => o.defaults);
  const dsrs = windows.flatMap((w) => (w.deflatedSharpe.dsr === null ? [] : [w.deflatedSharpe.dsr]));
  const pbos = windows.flatMap((w) => (w.pbo ? [w.pbo.pbo] : []));
  const pooledDsr = pooledDeflatedSharpe(
    all.flatMap((o) => o.outOfSample.blocks),
    all.map((o) => validTrials(o).map((t) => stepSharpe(mergeStats(t.blocks)))),
  );
  const pooledPbo = walkForwardPbo(all.flatMap((o) => outOfSampleSharpes(o) ?? []));
  return {
    strategy: opts.strategy,
    symbols: opts.data.data ?? opts.data.symbols,
    timeframe: opts.data.timeframe,
    from: opts.data.from === undefined ? null : iso(opts.data.from),
    to: opts.data.to === undefined ? null : iso(opts.data.to),
    walkForward: { trainDays: opts.data.trainDays, testDays: opts.data.testDays, windows: windows.length },
    objective: opts.objective,
    minTrades: opts.minTrades,
    trialsPerWindow: opts.trials,
    batch: opts.batch,
    seed: opts.seed,
    space: opts.space,
    outOfSample: chosen.summary,
    defaultsOutOfSample: defaults.summary,
    trust: {
      deflatedSharpeMedian: median(dsrs),
      deflatedSharpeMin: dsrs.length ? Math.min(...dsrs) : null,
      pboMean: pbos.length ? r4(pbos.reduce((s, x) => s + x, 0) / pbos.length) : null,
      pboMax: pbos.length ? Math.max(...pbos) : null,
      pooled: {
        deflatedSharpe: {
          sharpe: r6(pooledDsr.sharpe),
          expectedMax: r6(pooledDsr.expectedMax),
          trials: r4(pooledDsr.trials),
          variance: Number(pooledDsr.variance.toPrecision(6)),
          dsr: pooledDsr.dsr === null ? null : r4(pooledDsr.dsr),
        },
        pbo: pooledPbo && { pbo: r4(pooledPbo.pbo), windows: pooledPbo.windows, meanLogit: r4(pooledPbo.meanLogit) },
      },
    },
    windows,
    stitched: chosen.stitched,
  };
}
