/**
 * `npm run indicators -- <candles.csv | candles.csv.gz>` — the bot's indicators and regime for every
 * row of a candle CSV (header `timestamp_ms,open,high,low,close,volume`), as CSV on stdout:
 *
 *   timestamp_ms,adx,pdi,mdi,atr,atr_pct,ema50,ema200,regime
 *
 * One output row per input row; indicator cells are empty during the warm-up. The regime uses the
 * default regime parameters for the timeframe detected from the most common timestamp step.
 * Gaps are reported on stderr and NOT filled (the bot does not fill them either).
 * Exit codes: 0 ok, 1 bad data (the message names the CSV line), 2 usage / unreadable file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { RegimeParamsSchema } from '../functions/src/config/schema.ts';
import { TIMEFRAMES, findGaps, timeframeMs, type Candle, type Timeframe } from '../functions/src/domain/candle.ts';
import { CandleCsvError, parseCandleCsv } from '../functions/src/domain/candleCsv.ts';
import { INDICATOR_WARMUP, computeIndicators } from '../functions/src/domain/indicators/index.ts';
import { classifyRegimeSeries, resolveRegimeParams } from '../functions/src/domain/regime/index.ts';
import type { Regime } from '../functions/src/domain/regime.types.ts';

export const OUTPUT_HEADER = 'timestamp_ms,adx,pdi,mdi,atr,atr_pct,ema50,ema200,regime';
export const USAGE = 'usage: npm run indicators -- <candles.csv | candles.csv.gz>';

/** Data that parses but cannot be analysed (e.g. no recognisable timeframe). Exit code 1 like a bad row. */
export class CandleDataError extends Error {
  override readonly name = 'CandleDataError';
}

export interface IndicatorsCsvResult {
  readonly csv: string;
  /** One line each, for stderr: gaps, irregular spacing, too few rows. */
  readonly warnings: string[];
  readonly timeframe: Timeframe | null;
  readonly rows: number;
}

/** The most common step between consecutive candles, as a timeframe; null with fewer than 2 candles. */
export function detectTimeframe(candles: readonly Candle[]): Timeframe | null {
  const counts = new Map<number, number>();
  for (let i = 1; i < candles.length; i++) {
    const step = candles[i]!.t - candles[i - 1]!.t;
    counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  let best: number | null = null;
  for (const [step, n] of counts) if (best === null || n > counts.get(best)!) best = step;
  if (best === null) return null;
  const tf = TIMEFRAMES.find((x) => timeframeMs(x) === best);
  if (!tf) throw new CandleDataError(`cannot detect the timeframe: the most common step, ${best} ms, is none of ${TIMEFRAMES.join(', ')}`);
  return tf;
}

/** 10 significant digits, trailing zeros trimmed: ≤ 5e-11 relative rounding, well inside 1e-6. */
export function formatNumber(v: number | null): string {
  return v === null ? '' : String(Number(v.toPrecision(10)));
}

const iso = (t: number): string => new Date(t).toISOString().replace(':00.000Z', 'Z');

/** Pure core of the CLI: CSV text in, CSV text plus stderr warnings out. Throws CandleCsvError / CandleDataError. */
export function indicatorsCsv(text: string): IndicatorsCsvResult {
  const candles = parseCandleCsv(text);
  const timeframe = detectTimeframe(candles);
  const warnings: string[] = [];
  if (timeframe) {
    const step = timeframeMs(timeframe);
    for (const g of findGaps(candles, timeframe)) {
      warnings.push(`gap: no candles between ${iso(g.after)} and ${iso(g.next)} (${g.missing} missing, not filled)`);
    }
    const irregular = candles.filter((c, i) => i > 0 && (c.t - candles[i - 1]!.t) % step !== 0).length;
    if (irregular > 0) warnings.push(`irregular spacing: ${irregular} step(s) are not whole ${timeframe} candles`);
  }
  if (candles.length < INDICATOR_WARMUP) {
    warnings.push(`only ${candles.length} rows: indicators need ${INDICATOR_WARMUP}, so every indicator cell is empty`);
  }

  const snaps = computeIndicators(candles);
  const regimes: Regime[] = timeframe
    ? classifyRegimeSeries(snaps, resolveRegimeParams(RegimeParamsSchema.parse({}), timeframe)).map((s) => s.regime)
    : snaps.map(() => 'unknown');

  const lines = [OUTPUT_HEADER];
  snaps.forEach((s, i) => {
    const cells = [s.adx, s.pdi, s.mdi, s.atr, s.atrPct, s.ema50, s.ema200].map(formatNumber);
    lines.push(`${s.t},${cells.join(',')},${regimes[i]}`);
  });
  return { csv: `${lines.join('\n')}\n`, warnings, timeframe, rows: candles.length };
}

interface Io {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

export function main(argv: readonly string[], io: Io): number {
  if (argv.length !== 1 || argv[0] === '--help' || argv[0] === '-h') {
    io.err(`${USAGE}\n`);
    return 2;
  }
  const file = argv[0]!;
  if (!existsSync(file)) {
    io.err(`no such file: ${file}\n${USAGE}\n`);
    return 2;
  }
  let text: string;
  try {
    const bytes = readFileSync(file);
    text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (e) {
    io.err(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}\n${USAGE}\n`);
    return 2;
  }
  try {
    const r = indicatorsCsv(text);
    for (const w of r.warnings) io.err(`${file}: ${w}\n`);
    io.out(r.csv);
    return 0;
  } catch (e) {
    if (e instanceof CandleCsvError || e instanceof CandleDataError) {
      io.err(`${file}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  // `… | head` closes the pipe early; that is not an error worth a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  process.exitCode = main(process.argv.slice(2), { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
}
