/**
 * The measured part of `bench backtest`, bundled by esbuild and run in a fresh process (the
 * production build, no tsx): the full default strategy with risk and accounting over one symbol's
 * ≥ 500k 1m candles (and a busier configuration), then the naive way (indicators recomputed over the 600-candle window every
 * candle) on a slice of the same candles. Prints one JSON line.
 */
import { loadBundledCandles } from '../../functions/src/adapters/replay/ReplayMarketData.ts';
import type { Candle } from '../../functions/src/domain/candle.ts';
import { computeIndicators } from '../../functions/src/domain/indicators/index.ts';
import { buildConfig, runBacktest } from './run.ts';

const base = loadBundledCandles('BTC/USDT', '1m');
const span = base.at(-1)!.t - base[0]!.t + 60_000;
// The bundled 66k real candles, repeated end to end (shifted in time) to reach half a million.
const candles: Candle[] = [];
for (let k = 0; candles.length < 500_000; k++) for (const c of base) candles.push({ ...c, t: c.t + k * span });
/**
 * Median of 5 timed runs after one untimed warm-up run (steady state: the JIT has compiled the hot
 * path): candles per wall-clock second and per CPU-second, the best run, and the fills.
 */
function measure(config: ReturnType<typeof buildConfig>) {
  runBacktest({ 'BTC/USDT': candles }, '1m', config);
  const runs: number[] = [];
  const cpuRuns: number[] = [];
  let trades = 0;
  for (let i = 0; i < 5; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = runBacktest({ 'BTC/USDT': candles }, '1m', config);
    runs.push(candles.length / ((performance.now() - t0) / 1000));
    const cpu = process.cpuUsage(c0);
    cpuRuns.push(candles.length / ((cpu.user + cpu.system) / 1e6));
    trades = r.result.trades.length;
  }
  runs.sort((a, b) => a - b);
  cpuRuns.sort((a, b) => a - b);
  return { perSecond: runs[2]!, best: runs[4]!, perCpuSecond: cpuRuns[2]!, trades };
}

// The defaults, as shipped (their cost floor refuses most 1m entries), and a busy configuration
// (the pre-study 2-ATR stops, no cost floor) that trades all the time: fills and accounting on the hot path.
const defaults = measure(buildConfig({}, {}));
const busy = measure(buildConfig({ risk: { stopAtrMult: 2, takeProfitAtrMult: 4, trailingAtrMult: 2, minStopCostMultiple: 0 } }, {}));

const NAIVE = 20_000;
const t1 = performance.now();
let sink = 0;
for (let i = 600; i < 600 + NAIVE; i++) sink += computeIndicators(candles.slice(i - 599, i + 1)).at(-1)!.close;
const naive = NAIVE / ((performance.now() - t1) / 1000);
console.log(JSON.stringify({ candles: candles.length, ...defaults, busy, naivePerSecond: naive, sink: sink > 0 }));
