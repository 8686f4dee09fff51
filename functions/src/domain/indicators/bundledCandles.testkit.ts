/**
 * TEST-ONLY: the real Binance candles bundled in functions/data/candles, parsed once per test worker.
 * Production domain code never reads files; tests need real data (halts, gaps, crashes) that
 * synthetic series would not have.
 */
// eslint-disable-next-line no-restricted-imports -- test fixture loader, not domain logic
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Candle } from '../candle.ts';
import { parseCandleCsv } from '../candleCsv.ts';

export const BUNDLED_FILES = [
  'BTC_USDT-1m',
  'ETH_USDT-1m',
  'SOL_USDT-1m',
  'XRP_USDT-1m',
  'BTC_USDT-1h',
  'ETH_USDT-1h',
  'BNB_USDT-1h',
  'XRP_USDT-1h',
] as const;
export type BundledFile = (typeof BUNDLED_FILES)[number];

const cache = new Map<BundledFile, Candle[]>();

export function bundledCandles(file: BundledFile): Candle[] {
  let candles = cache.get(file);
  if (!candles) {
    const gz = readFileSync(new URL(`../../../data/candles/${file}.csv.gz`, import.meta.url));
    candles = parseCandleCsv(gunzipSync(gz).toString('utf8'));
    cache.set(file, candles);
  }
  return candles;
}

/** Index of the candle opening at `iso` (UTC); throws if absent so a fixture typo fails loudly. */
export function indexAt(candles: readonly Candle[], iso: string): number {
  const t = Date.parse(iso);
  const i = candles.findIndex((c) => c.t === t);
  if (i < 0) throw new Error(`no candle opens at ${iso}`);
  return i;
}

/** Open time of the first zero-volume candle of the 2023-03-24 Binance halt in the 1m files (72 flat rows follow). */
export const HALT_START_1M = '2023-03-24T11:28:00Z';

/** |a − b| relative to the larger magnitude; 0 when both are 0. */
export function relErr(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}
