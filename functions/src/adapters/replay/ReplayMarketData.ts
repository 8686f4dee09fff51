import { readFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { parseCandleCsv } from '../../domain/candleCsv.ts';
import { timeframeMs, type Candle, type Timeframe } from '../../domain/candle.ts';
import { rollUp } from '../../domain/rollup.ts';
import { MarketDataError } from '../../domain/errors.ts';
import type { MarketData } from '../../ports/index.ts';
import { BUNDLED_SPAN } from './bundledSpan.ts';

/** functions/data/candles, found by walking up: the same code runs from src/ (tsx) and from the lib/ bundle. */
function findDataDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'data', 'candles');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return join(process.cwd(), 'data', 'candles');
}
export const BUNDLED_CANDLES_DIR = process.env.EAGLE_EYE_CANDLES_DIR ?? findDataDir();

/** Parsed files are immutable, so a warm instance keeps them across invocations. */
const fileCache = new Map<string, Candle[]>();

export function loadBundledCandles(symbol: string, timeframe: Timeframe, dir = BUNDLED_CANDLES_DIR): Candle[] {
  const file = bundledFile(symbol, timeframe, dir);
  const cached = fileCache.get(file);
  if (cached) return cached;
  if (!existsSync(file)) throw new MarketDataError('permanent', `replay: no bundled candles for ${symbol} ${timeframe} (${file})`);
  const candles = parseCandleCsv(gunzipSync(readFileSync(file)).toString('utf8'));
  fileCache.set(file, candles);
  return candles;
}

const bundledFile = (symbol: string, timeframe: Timeframe, dir: string) => join(dir, `${symbol.replace('/', '_')}-${timeframe}.csv.gz`);
const seriesCache = new Map<string, Candle[]>();

/**
 * The bundled candles of any timeframe: the file itself when one exists; otherwise rolled up from
 * the 1h file (hourly and coarser, back to 2017) or the 1m file (finer), partial buckets dropped.
 * The replay source and the backtester both read through here, so they see the same candles.
 */
export function loadBundledSeries(symbol: string, timeframe: Timeframe, dir = BUNDLED_CANDLES_DIR): Candle[] {
  if (existsSync(bundledFile(symbol, timeframe, dir))) return loadBundledCandles(symbol, timeframe, dir);
  const key = `${dir}|${symbol}|${timeframe}`;
  const cached = seriesCache.get(key);
  if (cached) return cached;
  const hourly = timeframeMs(timeframe) >= 3_600_000 && existsSync(bundledFile(symbol, '1h', dir));
  const source: Timeframe = hourly ? '1h' : '1m';
  if (!existsSync(bundledFile(symbol, source, dir)))
    throw new MarketDataError('permanent', `replay: no bundled candles for ${symbol} ${timeframe} (no ${timeframe}, 1h or 1m file)`);
  if (timeframeMs(timeframe) < timeframeMs(source))
    throw new MarketDataError('permanent', `replay: bundled ${symbol} candles are ${source}, coarser than ${timeframe}`);
  const series = rollUp(loadBundledCandles(symbol, source, dir), source, timeframe);
  seriesCache.set(key, series);
  return series;
}

/** First index whose open time is ≥ t (candles ascending). */
export function lowerBound(candles: readonly Candle[], t: number): number {
  let lo = 0;
  let hi = candles.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (candles[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Serves bundled real candles as if they were arriving live: at market time `nowMs` only candles
 * that have closed by then exist. Real gaps in the data stay gaps, exactly as the exchange had them.
 * `exclude` hides candles (tests use it to simulate a feed that missed an hour, then recovers).
 */
export class ReplayMarketData implements MarketData {
  readonly name = 'replay';
  readonly span = BUNDLED_SPAN;
  constructor(private readonly opts: { dir?: string; hide?: (symbol: string, t: number) => boolean } = {}) {}

  async fetchClosedCandles(req: {
    symbol: string;
    timeframe: Timeframe;
    sinceMs: number;
    untilMs: number;
    nowMs: number;
  }): Promise<Candle[]> {
    const all = loadBundledSeries(req.symbol, req.timeframe, this.opts.dir);
    const step = timeframeMs(req.timeframe);
    const end = Math.min(req.untilMs, req.nowMs - step + 1);
    const out: Candle[] = [];
    for (let i = lowerBound(all, req.sinceMs); i < all.length && all[i]!.t < end; i++) {
      const c = all[i]!;
      if (!this.opts.hide?.(req.symbol, c.t)) out.push(c);
    }
    return out;
  }
}
