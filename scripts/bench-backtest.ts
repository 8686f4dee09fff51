/**
 * `bench backtest`: candles per second of the backtester (median of 5 runs) on the production
 * bundle in a fresh process, and the ratio to recomputing indicators over the window every candle,
 * measured in the same process.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
// Bundled beside functions/ so the replay adapter finds functions/data/candles by walking up.
const out = join(root, 'functions', 'lib', `bench-backtest-${process.pid}.mjs`);
await build({
  entryPoints: [join(root, 'scripts/backtest/benchCore.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: out,
  logLevel: 'error',
});
try {
  type Run = { trades: number; perSecond: number; best: number; perCpuSecond: number };
  const r = JSON.parse(execFileSync(process.execPath, [out], { encoding: 'utf8' })) as Run & {
    candles: number;
    busy: Run;
    naivePerSecond: number;
  };
  console.log(
    `bench backtest: ${Math.round(r.perSecond)} candles/s (median of 5 wall-clock runs after a warm-up; best ${Math.round(r.best)}; ${Math.round(r.perCpuSecond)} per CPU-second; ${r.candles} 1m candles, 1 symbol, the default config, ${r.trades} fills)`,
  );
  console.log(
    `bench backtest busy: ${Math.round(r.busy.perSecond)} candles/s (same candles, 2-ATR stops and no cost floor: ${r.busy.trades} fills; best ${Math.round(r.busy.best)}; ${Math.round(r.busy.perCpuSecond)} per CPU-second)`,
  );
  console.log(
    `ratio backtest vs naive: ${(r.perSecond / r.naivePerSecond).toFixed(0)} (naive: indicators recomputed over 600 candles every candle, ${Math.round(r.naivePerSecond)} candles/s)`,
  );
} finally {
  rmSync(out, { force: true });
}
