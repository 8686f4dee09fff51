/**
 * `eagle lookahead STRATEGY` and `eagle recursive STRATEGY`: the engine's checks
 * (domain/backtest/lookahead.ts, recursive.ts) over bundled candles, with the product's defaults
 * (config/bot's schema) and the strategy's params. Exit 0 when clean, 1 naming what failed.
 */
import { recordedExchangeRules } from '../../functions/src/adapters/paper/recordedRules.ts';
import { loadBundledSeries } from '../../functions/src/adapters/replay/ReplayMarketData.ts';
import { executionParams } from '../../functions/src/config/botConfig.ts';
import { parseBotConfig, parseEnv } from '../../functions/src/config/load.ts';
import { lookahead, type AnalysisInput } from '../../functions/src/domain/backtest/lookahead.ts';
import { recursive } from '../../functions/src/domain/backtest/recursive.ts';
import { timeframeMs, type Timeframe } from '../../functions/src/domain/candle.ts';
import { toAmount } from '../../functions/src/domain/money.ts';
import { resolveRegimeParams } from '../../functions/src/domain/regime/index.ts';
import { getStrategy } from '../../functions/src/strategies/registry.ts';
import type { Strategy } from '../../functions/src/domain/strategy/strategy.types.ts';
import type { Io } from '../lib/cli.ts';

export interface AnalysisOptions {
  readonly strategy: string;
  readonly params?: unknown;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** the newest N bundled candles */
  readonly candles: number;
  /** a strategy to check instead of the registry's (tests: deliberately leaky ones) */
  readonly build?: () => Strategy;
}

/** The engine inputs of a default deployment, over the newest `candles` bundled candles of one symbol. */
export function analysisInput(o: AnalysisOptions): AnalysisInput & { liveHistory: number } {
  const config = parseBotConfig({ strategy: { name: o.strategy, params: o.params ?? {} } });
  const build = o.build ?? (() => getStrategy(config.strategy.name, config.strategy.params));
  build(); // an unknown name or param fails here, naming the field
  const series = loadBundledSeries(o.symbol, o.timeframe).slice(-o.candles);
  const liveHistory = parseEnv({}).HISTORY_CANDLES;
  // the first step walks a live tick's history at once, as a cold tick does
  const warmupUntil = series[Math.min(series.length, liveHistory) - 1]!.t + timeframeMs(o.timeframe) - 1;
  return {
    build,
    candles: { [o.symbol]: series },
    liveHistory,
    base: {
      timeframe: o.timeframe,
      regime: resolveRegimeParams(config.regime, o.timeframe),
      ...executionParams(config, recordedExchangeRules()),
      initialCash: toAmount(config.paper.initialCash),
      warmupUntil,
    },
  };
}

const iso = (t: number | null) => (t === null ? '-' : new Date(t).toISOString().replace(':00.000Z', 'Z'));

export function runLookahead(o: AnalysisOptions & { maxCuts: number }, io: Io): number {
  const input = analysisInput(o);
  const r = lookahead(input, o.maxCuts);
  io.out(`lookahead ${o.strategy} ${o.symbol} ${o.timeframe}: ${r.signals} signals, ${r.cuts} cuts re-run, ${r.findings.length} moved`);
  for (const f of r.findings.slice(0, 20)) io.out(`  ${iso(f.candleTime)} ${f.symbol} ${f.what}: full ${f.full}, cut ${f.cut}`);
  if (r.findings.length > 20) io.out(`  … and ${r.findings.length - 20} more`);
  if (r.signals === 0) io.out('  (no signals in this data: nothing was cut; choose other data or params)');
  return r.findings.length === 0 ? 0 : 1;
}

export function runRecursive(o: AnalysisOptions & { tolerance: number; every: number }, io: Io): number {
  const input = analysisInput(o);
  const rows = recursive({
    strategy: input.build(),
    candles: input.candles[o.symbol]!,
    liveHistory: input.liveHistory,
    tolerance: o.tolerance,
    every: o.every,
  });
  io.out(`recursive ${o.strategy} ${o.symbol} ${o.timeframe}: tolerance ${o.tolerance} relative`);
  for (const r of rows)
    io.out(
      `  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(22)} history ${String(r.history).padStart(4)}  max rel diff ${r.maxRelDiff.toExponential(2)} at ${iso(r.at)}`,
    );
  return rows.every((r) => r.ok) ? 0 : 1;
}
