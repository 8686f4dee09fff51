/**
 * Candles for a backtest: CSV files given with --data (symbol and timeframe from the file name
 * `<BASE>_<QUOTE>-<tf>[-anything].csv[.gz]`) or the bundled candles; rolled up to the requested
 * timeframe (complete buckets only) and cut to [from, to), plus, with `from`, the `warmup` candles
 * before it from the same data: walked for the indicators only, as a live tick's first run walks its
 * history window, so the run can trade on its first candle.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadBundledSeries, lowerBound } from '../../functions/src/adapters/replay/ReplayMarketData.ts';
import { INDICATOR_WARMUP } from '../../functions/src/domain/indicators/index.ts';
import { MarketDataError } from '../../functions/src/domain/errors.ts';
import { TIMEFRAMES, timeframeMs, type Candle, type Timeframe } from '../../functions/src/domain/candle.ts';
import { CandleCsvError, parseCandleCsv } from '../../functions/src/domain/candleCsv.ts';
import { rollUp } from '../../functions/src/domain/rollup.ts';
import { UsageError } from '../lib/cli.ts';

const NAME_RE = /^([A-Z0-9]{2,15})_([A-Z0-9]{2,15})-(1m|5m|15m|1h|4h|1d)(?:-[^/]*)?\.csv(?:\.gz)?$/;

export function parseDataName(file: string): { symbol: string; timeframe: Timeframe } {
  const m = NAME_RE.exec(basename(file));
  if (!m) throw new UsageError(`--data: ${basename(file)} is not named <BASE>_<QUOTE>-<tf>[-anything].csv[.gz] (e.g. BTC_USDT-1m.csv.gz)`);
  return { symbol: `${m[1]}/${m[2]}`, timeframe: m[3] as Timeframe };
}

/** A bad CSV row: names the file and the line. */
export class DataFileError extends Error {
  override readonly name = 'DataFileError';
}

export function readCandleFile(file: string): Candle[] {
  if (!existsSync(file)) throw new UsageError(`--data: ${file} does not exist`);
  const raw = readFileSync(file);
  const text = file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  try {
    return parseCandleCsv(text);
  } catch (err) {
    if (err instanceof CandleCsvError) throw new DataFileError(`${file}: ${err.message}`);
    throw err;
  }
}

function fit(candles: Candle[], from: Timeframe, to: Timeframe, source: string): Candle[] {
  if (timeframeMs(to) < timeframeMs(from))
    throw new UsageError(`--timeframe ${to} is finer than ${source} (${from}): candles can only be rolled up`);
  return rollUp(candles, from, to);
}

export interface LoadedCandles {
  /** per symbol: the warm-up candles, then [from, to) */
  candles: Record<string, Candle[]>;
  /** open time of the first candle that may trade (the first at or after `from`); undefined without warm-up */
  warmupUntil?: number;
  /** open time of the first warm-up candle */
  warmupFrom?: number;
  /** symbols whose data starts after `from` (listed later): no warm-up, their indicators start cold, as a new market's would */
  cold: string[];
}

export function loadCandles(opts: {
  data?: string[];
  symbols: string[];
  timeframe: Timeframe;
  from?: number;
  to?: number;
  warmup: number;
}): LoadedCandles {
  const all: Record<string, Candle[]> = {};
  if (opts.data) {
    for (const file of opts.data) {
      const { symbol, timeframe } = parseDataName(file);
      if (all[symbol]) throw new UsageError(`--data: two files for ${symbol}`);
      all[symbol] = fit(readCandleFile(file), timeframe, opts.timeframe, file);
    }
  } else {
    for (const symbol of opts.symbols) {
      try {
        all[symbol] = loadBundledSeries(symbol, opts.timeframe);
      } catch (err) {
        if (!(err instanceof MarketDataError)) throw err;
        throw new UsageError(`--symbols: ${err.message} (bundled: BTC, ETH, SOL, XRP /USDT 1m; BTC, ETH, BNB, XRP /USDT 1h)`);
      }
    }
  }
  const candles: Record<string, Candle[]> = {};
  const firsts: number[] = [];
  const warmups: number[] = [];
  const cold: string[] = [];
  for (const [symbol, cs] of Object.entries(all)) {
    const start = opts.from === undefined ? 0 : lowerBound(cs, opts.from);
    const end = opts.to === undefined ? cs.length : lowerBound(cs, opts.to);
    if (end <= start) throw new UsageError(`no ${opts.timeframe} candles for ${symbol} in the chosen range`);
    const later = opts.from !== undefined && start === 0 && cs[0]!.t > opts.from;
    if (later && opts.warmup > 0) cold.push(symbol);
    const warm = opts.from === undefined || later ? 0 : opts.warmup;
    if (start < warm) {
      const at = new Date(cs[start]!.t).toISOString();
      const earliest = cs[warm]
        ? `The earliest --from with this warm-up is ${new Date(cs[warm]!.t).toISOString()}`
        : 'the data is shorter than the warm-up';
      throw new UsageError(
        `--from: the ${opts.timeframe} data of ${symbol} holds ${start} candles before ${at}; the indicators' warm-up needs ${warm}: ${warm - start} missing ` +
          `(data from ${new Date(cs[0]!.t).toISOString()}). ${earliest}${start >= INDICATOR_WARMUP ? `, or pass --warmup ${start}` : ''}.`,
      );
    }
    candles[symbol] = cs.slice(start - warm, end);
    if (warm > 0) {
      firsts.push(cs[start]!.t);
      warmups.push(cs[start - warm]!.t);
    }
  }
  return warmups.length === 0 ? { candles, cold } : { candles, cold, warmupUntil: Math.min(...firsts), warmupFrom: Math.min(...warmups) };
}

/** The candles from `t` on (the part of a warmed-up series that trades). */
export const tradedPart = (candles: Record<string, Candle[]>, t: number | undefined): Record<string, Candle[]> =>
  t === undefined ? candles : Object.fromEntries(Object.entries(candles).map(([s, cs]) => [s, cs.slice(lowerBound(cs, t))]));

/**
 * The guard series the live tick would check stops on: the bundled 1m candles of each symbol that has
 * them, within the range (with --data there is none: stops run on the decision candles).
 */
export function loadGuard(opts: {
  data?: string[];
  symbols: string[];
  timeframe: Timeframe;
  guard: Timeframe | 'none';
  from?: number;
  to?: number;
}): { timeframe: Timeframe; candles: Record<string, Candle[]> } | null {
  if (opts.guard === 'none' || opts.data || timeframeMs(opts.guard) >= timeframeMs(opts.timeframe)) return null;
  const candles: Record<string, Candle[]> = {};
  for (const symbol of opts.symbols) {
    let series: Candle[];
    try {
      series = loadBundledSeries(symbol, opts.guard);
    } catch (err) {
      if (!(err instanceof MarketDataError)) throw err;
      continue; // no finer data for this symbol: its stops run on the decision candles
    }
    const cut = series.filter((c) => (opts.from === undefined || c.t >= opts.from) && (opts.to === undefined || c.t < opts.to));
    if (cut.length > 0) candles[symbol] = cut;
  }
  return Object.keys(candles).length > 0 ? { timeframe: opts.guard, candles } : null;
}

export { TIMEFRAMES };
