/**
 * Look-ahead analysis (`eagle lookahead STRATEGY`): a backtest lies when a decision at candle T
 * depends on anything after T. The engine is run over the whole series, then again with the data
 * cut at each signal's candle; every signal up to the cut, and every indicator, the regime and the
 * engine's own indicators at the cut candle, must come out the same. Whatever moved is named.
 * A fresh strategy is built for every run, so state a module keeps between runs shows up too.
 */
import type { Candle } from '../candle.ts';
import { backtestLoop, type BacktestInput } from '../engine/index.ts';
import type { Strategy } from '../strategy/strategy.types.ts';

export interface AnalysisInput {
  /** the engine inputs, as a backtest takes them, without the strategy and candles */
  readonly base: Omit<BacktestInput, 'strategy' | 'candles' | 'onStep'>;
  readonly candles: Readonly<Record<string, readonly Candle[]>>;
  readonly build: () => Strategy;
}

export interface Finding {
  readonly symbol: string;
  readonly candleTime: number;
  /** `signal buy strategy_entry`, `indicator rsi`, `market ema200`, `regime` */
  readonly what: string;
  readonly full: string;
  readonly cut: string;
}

export interface LookaheadReport {
  readonly signals: number;
  /** cuts re-run (at most `maxCuts`, spread over the signals) */
  readonly cuts: number;
  readonly findings: readonly Finding[];
}

type Seen = Map<string, Record<string, string>>;

const MARKET_FIELDS = ['adx', 'pdi', 'mdi', 'atr', 'atrPct', 'atrPctAvg', 'ema50', 'ema200'] as const;
const show = (v: number | null | undefined): string => (v === null || v === undefined ? 'null' : String(v));

/** Run once and record, per symbol and candle, every value the strategy could have decided on. */
function run(input: AnalysisInput, candles: Readonly<Record<string, readonly Candle[]>>) {
  const seen: Seen = new Map();
  const result = backtestLoop({
    ...input.base,
    candles,
    strategy: input.build(),
    onStep: (_t, states) => {
      for (const [symbol, s] of Object.entries(states)) {
        if (s.lastCandleAt === null || !s.snapshot) continue;
        const row: Record<string, string> = { regime: s.regime.regime };
        for (const f of MARKET_FIELDS) row[`market ${f}`] = show(s.snapshot[f]);
        for (const [k, v] of Object.entries(s.strategy.values)) row[`indicator ${k}`] = show(v);
        seen.set(`${symbol}@${s.lastCandleAt}`, row);
      }
    },
  });
  return { signals: result.signals, seen };
}

export function lookahead(input: AnalysisInput, maxCuts = 25): LookaheadReport {
  const full = run(input, input.candles);
  const sigKey = (s: (typeof full.signals)[number]) => `signal ${s.side} ${s.reason} ${s.id}`;
  const times = [...new Set(full.signals.map((s) => s.candleTime))].sort((a, b) => a - b);
  const cuts =
    times.length <= maxCuts ? times : Array.from({ length: maxCuts }, (_, i) => times[Math.floor((i * times.length) / maxCuts)]!);
  const findings: Finding[] = [];
  for (const T of cuts) {
    const cutCandles = Object.fromEntries(Object.entries(input.candles).map(([s, cs]) => [s, cs.filter((c) => c.t <= T)]));
    const cut = run(input, cutCandles);
    const before = (list: typeof full.signals) => new Map(list.filter((s) => s.candleTime <= T).map((s) => [sigKey(s), s]));
    const a = before(full.signals);
    const b = before(cut.signals);
    for (const [k, s] of a)
      if (!b.has(k))
        findings.push({
          symbol: s.symbol,
          candleTime: s.candleTime,
          what: k.split(' ').slice(0, 3).join(' '),
          full: 'emitted',
          cut: 'absent',
        });
    for (const [k, s] of b)
      if (!a.has(k))
        findings.push({
          symbol: s.symbol,
          candleTime: s.candleTime,
          what: k.split(' ').slice(0, 3).join(' '),
          full: 'absent',
          cut: 'emitted',
        });
    for (const symbol of Object.keys(input.candles)) {
      const f = full.seen.get(`${symbol}@${T}`);
      const c = cut.seen.get(`${symbol}@${T}`);
      if (!f || !c) continue;
      for (const what of new Set([...Object.keys(f), ...Object.keys(c)])) {
        if (f[what] !== c[what]) findings.push({ symbol, candleTime: T, what, full: f[what] ?? 'absent', cut: c[what] ?? 'absent' });
      }
    }
  }
  return { signals: full.signals.length, cuts: cuts.length, findings };
}
