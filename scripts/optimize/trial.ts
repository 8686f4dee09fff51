/**
 * One trial of the optimiser: a backtest of one point (dotted keys onto the config document) over one
 * walk-forward window, in sample or out of sample. Pure and deterministic given the DataSpec, and
 * JSON in, JSON out: a worker thread, another process or a Cloud Run task loads the candles itself
 * (loadTrialContext) and runs any trial of any window. The evaluator is how the search runs a batch.
 */
import type { Candle, Timeframe } from '../../functions/src/domain/candle.ts';
import { scoreBacktest } from '../../functions/src/domain/backtest/summary.ts';
import {
  applyPoint,
  oosWarmupUntil,
  sliceCandles,
  windowBounds,
  type WindowBounds,
} from '../../functions/src/domain/backtest/walkForward.ts';
import type { ScoredMetrics } from '../../functions/src/domain/optimize/objective.ts';
import { blockStats, type BlockStats } from '../../functions/src/domain/optimize/trust.ts';
import { toAmount, toNumber } from '../../functions/src/domain/money.ts';
import type { BotConfig } from '../../functions/src/config/schema.ts';
import { getStrategy } from '../../functions/src/strategies/registry.ts';
import { loadCandles } from '../backtest/data.ts';
import { buildConfig, runBacktest } from '../backtest/run.ts';

/** Everything a worker needs to load the candles and build configs itself (JSON-serialisable). */
export interface DataSpec {
  /** CSV files (--data), or bundled symbols when absent */
  data?: string[];
  symbols: string[];
  timeframe: Timeframe;
  /** ms since the epoch: the candles in [from, to) */
  from?: number;
  to?: number;
  trainDays: number;
  testDays: number;
  /** time blocks each in-sample run's returns are cut into, for PBO (CSCV) */
  blocks: number;
  /** the config/bot document the points are applied onto, and the backtester's overrides */
  doc: Record<string, unknown>;
  strategy?: string;
  feeBps?: number;
  slippageBps?: number;
  initial?: string;
}

/** `sample` "in": the window's in-sample span; "out": the out-of-sample span, warmed up on the in-sample candles. */
export interface TrialSpec {
  window: number;
  trial: number;
  sample: 'in' | 'out';
  /** dotted keys onto the config document, e.g. {"risk.stopAtrMult": 3} */
  params: Record<string, unknown>;
}

/** What the objectives read (round trips as `trades`), plus fees and realized PnL net of fees. */
export interface TrialMetrics extends ScoredMetrics {
  feesPaid: number;
  netPnl: number;
}

export interface TrialResult {
  window: number;
  trial: number;
  sample: 'in' | 'out';
  params: Record<string, unknown>;
  /** null when the point is not a valid config (the message says why) */
  metrics: TrialMetrics | null;
  error?: string;
  /** per step returns of the traded span: count, sum and sum of squares per time block, then the moments */
  blocks: BlockStats[];
  /** out of sample only: the equity after each step, [time, equity], warm-up included (for stitching) */
  equity?: [number, number][];
}

export interface TrialContext {
  readonly data: DataSpec;
  readonly candles: Readonly<Record<string, readonly Candle[]>>;
  readonly windows: readonly WindowBounds[];
  /** the candles of each window's span ("window:in" / "window:out"), sliced on first use: every trial of a span shares them */
  readonly spans: Map<string, Record<string, Candle[]>>;
}

export function loadTrialContext(data: DataSpec): TrialContext {
  const { candles } = loadCandles({ ...data, warmup: 0 });
  return { data, candles, windows: windowBounds(candles, data), spans: new Map() };
}

/** The candles a trial walks: the in-sample span, or the out-of-sample one with the in-sample candles as its warm-up. */
function spanCandles(ctx: TrialContext, window: number, bounds: WindowBounds, inSample: boolean): Record<string, Candle[]> {
  const key = `${window}:${inSample ? 'in' : 'out'}`;
  let cs = ctx.spans.get(key);
  if (!cs) {
    cs = sliceCandles(ctx.candles, bounds.start, inSample ? bounds.split : bounds.stop);
    ctx.spans.set(key, cs);
  }
  return cs;
}

/** The config a point makes; throws ConfigError (named field) when the point is invalid. */
export function trialConfig(data: DataSpec, params: Record<string, unknown>): BotConfig {
  const config = buildConfig(applyPoint(data.doc, params), data);
  getStrategy(config.strategy.name, config.strategy.params);
  return config;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

export function runTrial(ctx: TrialContext, spec: TrialSpec): TrialResult {
  const bounds = ctx.windows[spec.window];
  if (!bounds) throw new RangeError(`window ${spec.window} does not exist (${ctx.windows.length} windows)`);
  const head = { window: spec.window, trial: spec.trial, sample: spec.sample, params: spec.params };
  let config: BotConfig;
  try {
    config = trialConfig(ctx.data, spec.params);
  } catch (err) {
    return { ...head, metrics: null, error: (err as Error).message, blocks: [] };
  }
  const inSample = spec.sample === 'in';
  const warmupUntil = inSample ? undefined : oosWarmupUntil(bounds);
  const run = runBacktest(spanCandles(ctx, spec.window, bounds, inSample), ctx.data.timeframe, config, { warmupUntil });
  const s = scoreBacktest(run.result, toAmount(config.paper.initialCash));
  const e = run.result.equity;
  const values = Array.from(e.equity, toNumber);
  const metrics: TrialMetrics = {
    totalReturnPct: s.totalReturnPct,
    maxDrawdownPct: s.maxDrawdownPct,
    sharpe: s.sharpe,
    sortino: s.sortino,
    calmar: s.calmar,
    trades: s.trades,
    feesPaid: r4(Number(s.feesPaid)),
    netPnl: r4(run.result.trades.reduce((x, t) => x + toNumber(t.realizedPnl), 0)),
  };
  return {
    ...head,
    metrics,
    blocks: blockStats(inSample ? values : values.filter((_, i) => e.t[i]! >= bounds.split), ctx.data.blocks),
    ...(inSample ? {} : { equity: values.map((v, i) => [e.t[i]!, v] as [number, number]) }),
  };
}

/** Runs batches of trials; results in the order of the batch. */
export interface Evaluator {
  evaluate(batch: readonly TrialSpec[]): Promise<TrialResult[]>;
  close(): Promise<void>;
}

/** Runs the trials on this thread; `loaded` saves loading the candles again when the caller has them. */
export function inProcessEvaluator(data: DataSpec, loaded?: TrialContext): Evaluator {
  let ctx: TrialContext | null = loaded ?? null;
  return {
    evaluate: async (batch) => {
      ctx ??= loadTrialContext(data);
      return batch.map((spec) => runTrial(ctx!, spec));
    },
    close: async () => {
      ctx = null;
    },
  };
}
