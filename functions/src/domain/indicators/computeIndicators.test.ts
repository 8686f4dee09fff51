import { describe, expect, it } from 'vitest';
import type { Candle } from '../candle.ts';
import type { IndicatorSnapshot } from '../regime.types.ts';
import { HALT_START_1M, bundledCandles, indexAt, relErr, type BundledFile } from './bundledCandles.testkit.ts';
import { ATR_PCT_AVG_PERIOD, INDICATOR_WARMUP, computeIndicators, indicatorStreamInit } from './computeIndicators.ts';
import { taAtr, taDmi, taEma } from './talibReference.ts';

const FIELDS = ['adx', 'pdi', 'mdi', 'atr', 'atrPct', 'atrPctAvg', 'ema50', 'ema200'] as const;

function reference(candles: readonly Candle[]): Record<(typeof FIELDS)[number], number[]> {
  const closes = candles.map((c) => c.c);
  const dmi = taDmi(candles, 14);
  const atr = taAtr(candles, 14);
  const atrPct = atr.map((a, i) => (100 * a) / closes[i]!);
  // TA-Lib's EMA(200) over ATR% from its first value on (the stream feeds it from the first ATR)
  const first = atrPct.findIndex((v) => !Number.isNaN(v));
  const atrPctAvg = [...new Array<number>(first).fill(NaN), ...taEma(atrPct.slice(first), ATR_PCT_AVG_PERIOD)];
  return {
    adx: dmi.adx,
    pdi: dmi.pdi,
    mdi: dmi.mdi,
    atr,
    atrPct,
    atrPctAvg,
    ema50: taEma(closes, 50),
    ema200: taEma(closes, 200),
  };
}

const isEmpty = (s: IndicatorSnapshot): boolean => FIELDS.every((f) => s[f] === null);

const WINDOWS: readonly [BundledFile, string][] = [
  ['BTC_USDT-1h', '2019-12-01T00:00:00Z'],
  ['ETH_USDT-1h', '2021-01-01T00:00:00Z'],
  ['BTC_USDT-1m', '2023-03-23T22:00:00Z'], // contains the 2023-03-24 halt
  ['ETH_USDT-1m', HALT_START_1M], // starts with the 72 flat zero-volume halt rows
  ['SOL_USDT-1m', '2023-03-24T10:00:00Z'],
  ['XRP_USDT-1m', '2023-04-20T00:00:00Z'],
];

describe('computeIndicators', () => {
  it.each(WINDOWS)('matches TA-Lib to ≤ 1e-6 relative after the warm-up on %s from %s (3000 rows)', (file, from) => {
    const all = bundledCandles(file);
    const start = indexAt(all, from);
    const candles = all.slice(start, start + 3000);
    const snaps = computeIndicators(candles);
    const ref = reference(candles);
    expect(snaps).toHaveLength(candles.length);
    let worst = 0;
    snaps.forEach((s, i) => {
      expect(s.t).toBe(candles[i]!.t);
      expect(s.close).toBe(candles[i]!.c);
      if (i < INDICATOR_WARMUP - 1) {
        expect(isEmpty(s)).toBe(true);
        return;
      }
      for (const f of FIELDS) {
        const v = s[f];
        expect(v !== null && Number.isFinite(v)).toBe(true);
        worst = Math.max(worst, relErr(v!, ref[f][i]!));
      }
    });
    expect(worst).toBeLessThanOrEqual(1e-6);
  });

  it('reports from the INDICATOR_WARMUP-th candle on, never before', () => {
    const candles = bundledCandles('BTC_USDT-1h').slice(5000, 5000 + INDICATOR_WARMUP);
    const snaps = computeIndicators(candles);
    expect(snaps.slice(0, -1).every(isEmpty)).toBe(true);
    expect(FIELDS.every((f) => snaps.at(-1)![f] !== null)).toBe(true);
  });

  it('gives all nulls, one per candle, for input shorter than the warm-up', () => {
    const candles = bundledCandles('ETH_USDT-1m').slice(0, INDICATOR_WARMUP - 1);
    const snaps = computeIndicators(candles);
    expect(snaps).toHaveLength(candles.length);
    expect(snaps.every(isEmpty)).toBe(true);
    expect(computeIndicators([])).toEqual([]);
  });

  it('never yields NaN or Infinity on a series starting with 30 flat candles', () => {
    const real = bundledCandles('SOL_USDT-1m').slice(20_000, 20_400);
    const flat = Array.from({ length: 30 }, (_, i): Candle => {
      const p = real[0]!.o;
      return { t: real[0]!.t - (30 - i) * 60_000, o: p, h: p, l: p, c: p, v: 0 };
    });
    const snaps = computeIndicators([...flat, ...real]);
    expect(snaps).toHaveLength(430);
    for (const s of snaps.slice(INDICATOR_WARMUP - 1)) for (const f of FIELDS) expect(Number.isFinite(s[f])).toBe(true);
  });

  it('counts rows, not time: a window spanning the 80-minute gap after the halt reports from its 250th row', () => {
    const all = bundledCandles('BTC_USDT-1m');
    const start = indexAt(all, HALT_START_1M) - 100;
    const snaps = computeIndicators(all.slice(start, start + INDICATOR_WARMUP));
    expect(snaps.at(-2)!.adx).toBeNull();
    expect(snaps.at(-1)!.adx).not.toBeNull();
    // The same rows as fresh objects give bit-identical results: nothing but the rows is an input.
    expect(computeIndicators(all.slice(start, start + INDICATOR_WARMUP).map((c) => ({ ...c })))).toEqual(snaps);
  });
});

describe('the indicator stream', () => {
  it('resumes exactly where it stopped, through a JSON round trip (as a tick stores it)', () => {
    const candles = bundledCandles('BTC_USDT-1m').slice(0, 2000);
    const once = computeIndicators(candles);
    let stream = indicatorStreamInit();
    const resumed: ReturnType<typeof computeIndicators> = [];
    for (const [a, b] of [
      [0, 7],
      [7, 260],
      [260, 261],
      [261, 1500],
      [1500, 2000],
    ] as const) {
      resumed.push(...computeIndicators(candles.slice(a, b), stream));
      stream = JSON.parse(JSON.stringify(stream)) as typeof stream;
    }
    expect(resumed).toEqual(once);
  });
});
