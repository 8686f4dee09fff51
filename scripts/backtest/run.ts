/**
 * One backtest: the engine's backtestLoop over the candles, with the bot's config (config/bot's
 * schema and defaults; --params overrides) and paper trading's exchange rules (the recorded
 * snapshot, as the live path on replay), plus what the report needs sampled on the way.
 * No trading logic here: every decision is the engine's.
 */
import { executionParams } from '../../functions/src/config/botConfig.ts';
import { recordedExchangeRules } from '../../functions/src/adapters/paper/recordedRules.ts';
import { parseBotConfig } from '../../functions/src/config/load.ts';
import type { BotConfig } from '../../functions/src/config/schema.ts';
import { timeframeMs, type Candle, type Timeframe } from '../../functions/src/domain/candle.ts';
import { backtestLoop, type BacktestResult } from '../../functions/src/domain/engine/index.ts';
import { toAmount } from '../../functions/src/domain/money.ts';
import { resolveRegimeParams } from '../../functions/src/domain/regime/index.ts';
import { REGIMES, type Regime } from '../../functions/src/domain/regime.types.ts';
import { getStrategy } from '../../functions/src/strategies/registry.ts';

export interface ChartSeries {
  /** candle open times (ms), OHLC, EMAs (NaN during warm-up) and regime index into REGIMES */
  t: number[];
  o: number[];
  h: number[];
  l: number[];
  c: number[];
  ema50: number[];
  ema200: number[];
  regime: number[];
}

export interface RunOutput {
  config: BotConfig;
  result: BacktestResult;
  charts: Record<string, ChartSeries>;
}

/** At most this many bars per symbol in the report: longer series are bucketed (OHLC kept exact). */
export const MAX_BARS = 2000;

export function buildConfig(doc: unknown, over: { feeBps?: number; slippageBps?: number; initial?: string; strategy?: string }): BotConfig {
  const base = (doc ?? {}) as Record<string, unknown>;
  const paper = {
    ...((base.paper as object) ?? {}),
    ...(over.feeBps !== undefined ? { feeBps: over.feeBps } : {}),
    ...(over.slippageBps !== undefined ? { slippageBps: over.slippageBps } : {}),
    ...(over.initial !== undefined ? { initialCash: over.initial } : {}),
  };
  const strategy = over.strategy
    ? { name: over.strategy, params: (base.strategy as { params?: object } | undefined)?.params ?? {} }
    : base.strategy;
  return parseBotConfig({ ...base, paper, ...(strategy ? { strategy } : {}) });
}

/**
 * The Scheduler's ticks where guard candles exist: one at every guard candle's close (each minute), as
 * a deployment ticks, so positions are stopped on the minute they would be live.
 */
export function guardTickTimes(guard: GuardSeries): number[] {
  const step = timeframeMs(guard.timeframe);
  const times = new Set<number>();
  for (const cs of Object.values(guard.candles)) for (const c of cs) times.add(c.t + step);
  return [...times].sort((a, b) => a - b);
}

export interface GuardSeries {
  readonly timeframe: Timeframe;
  readonly candles: Readonly<Record<string, readonly Candle[]>>;
}

export function runBacktest(
  candles: Record<string, Candle[]>,
  timeframe: Timeframe,
  config: BotConfig,
  opts: { charts?: boolean; onProgress?: (done: number, total: number) => void; warmupUntil?: number; guard?: GuardSeries } = {},
): RunOutput {
  const charts: Record<string, ChartSeries> = {};
  const counts = Object.fromEntries(Object.entries(candles).map(([s, cs]) => [s, cs.length]));
  const total = Math.max(...Object.values(counts));
  const every: Record<string, number> = Object.fromEntries(
    Object.entries(counts).map(([s, n]) => [s, Math.max(1, Math.ceil(n / MAX_BARS))]),
  );
  const seen: Record<string, number> = {};
  const first: Record<string, number> = {};
  if (opts.charts)
    for (const s of Object.keys(candles)) charts[s] = { t: [], o: [], h: [], l: [], c: [], ema50: [], ema200: [], regime: [] };
  let step = 0;
  const result = backtestLoop({
    timeframe,
    candles,
    strategy: getStrategy(config.strategy.name, config.strategy.params),
    regime: resolveRegimeParams(config.regime, timeframe),
    ...executionParams(config, recordedExchangeRules()),
    initialCash: toAmount(config.paper.initialCash),
    warmupUntil: opts.warmupUntil,
    guard: opts.guard,
    tickTimes: opts.guard ? guardTickTimes(opts.guard) : undefined,
    protections: config.protections,
    onStep:
      opts.charts || opts.onProgress
        ? (_now, states) => {
            step++;
            if (opts.onProgress && step % 20_000 === 0) opts.onProgress(step, total);
            if (!opts.charts) return;
            for (const [symbol, st] of Object.entries(states)) {
              let n = seen[symbol] ?? 0;
              const cs = candles[symbol]!;
              // the candle this step walked, if any (a warm-up batch is walked in one step: only its last candle is drawn)
              while (st.lastCandleAt !== null && n < cs.length && cs[n]!.t < st.lastCandleAt) n++;
              if (n >= cs.length || st.lastCandleAt !== cs[n]!.t) continue;
              seen[symbol] = n + 1;
              const k = every[symbol]!;
              const ch = charts[symbol]!;
              const bar = cs[n]!;
              first[symbol] ??= n;
              if ((n - first[symbol]) % k === 0) {
                ch.t.push(bar.t);
                ch.o.push(bar.o);
                ch.h.push(bar.h);
                ch.l.push(bar.l);
                ch.c.push(bar.c);
                ch.ema50.push(NaN);
                ch.ema200.push(NaN);
                ch.regime.push(0);
              }
              const i = ch.t.length - 1;
              ch.h[i] = Math.max(ch.h[i]!, bar.h);
              ch.l[i] = Math.min(ch.l[i]!, bar.l);
              ch.c[i] = bar.c;
              ch.ema50[i] = st.snapshot?.ema50 ?? NaN;
              ch.ema200[i] = st.snapshot?.ema200 ?? NaN;
              ch.regime[i] = REGIMES.indexOf(st.regime.regime as Regime);
            }
          }
        : undefined,
  });
  opts.onProgress?.(total, total);
  return { config, result, charts };
}
