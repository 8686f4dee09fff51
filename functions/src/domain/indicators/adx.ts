import { TrueRange, WEMA } from 'technicalindicators';
import type { Candle } from '../candle.ts';

export interface AdxPoint {
  readonly adx: number;
  /** +DI */
  readonly pdi: number;
  /** −DI */
  readonly mdi: number;
}

// Identity format: the package otherwise rounds through a process-global `setConfig('precision')`.
const raw = (v: number): number => v;

/**
 * Wilder's ADX with +DI/−DI, aligned with its input: `null` for the first 2·period−1 candles
 * (TA-Lib's TA_ADX lookback), then a value for every candle.
 *
 * Built from the package's TrueRange and WEMA (Wilder's moving average) rather than its ADX class,
 * because that class cannot be made TA-Lib-consistent from the outside:
 * - it computes DX = |+DI − −DI| / (+DI + −DI) with no zero guard, so candles without movement at
 *   the start of its input (a halt: flat, identical candles) give 0/0 and NaN for ever after;
 *   TA-Lib reads a 0/0 DI as 0 and a 0/0 DX as "no information" (0 while seeding ADX, no update after);
 * - it seeds the DM/TR sums with `period` moves where TA-Lib sums period−1 and then smooths once.
 *   Even with leading motionless candles skipped, that left the class's ADX up to 1e-4 relative off
 *   TA-Lib 250 candles in on the bundled data (windows starting inside the 2023-03-24 halt needed
 *   ~300 candles to get within 1e-6; ordinary windows up to ~260).
 * TA-Lib's seed is a WEMA whose first input is 0 (the first candle has no move, so the first
 * "period" sum only holds period−1 moves); feeding that 0 reproduces TA-Lib to float rounding.
 *
 * One deliberate difference: TA-Lib treats |smoothed TR| < 1e-8 (in price units) as zero, which
 * would zero the DIs of sub-cent coins; here only an exact 0 is zero.
 */
export function adxSeries(candles: readonly Candle[], period: number): (AdxPoint | null)[] {
  if (!Number.isInteger(period) || period < 2) throw new RangeError(`ADX period must be an integer ≥ 2, got ${period}`);
  const wilder = (): WEMA => new WEMA({ period, values: [], format: raw });
  const trueRange = new TrueRange({ high: [], low: [], close: [], format: raw });
  const smoothTr = wilder();
  const smoothPdm = wilder();
  const smoothMdm = wilder();
  const smoothDx = wilder();
  for (const s of [smoothTr, smoothPdm, smoothMdm]) s.nextValue(0);

  let dxCount = 0;
  let adx: number | undefined;
  const out: (AdxPoint | null)[] = [];
  for (let i = 0; i < candles.length; i++) {
    const cur = candles[i]!;
    const tr = trueRange.nextValue({ high: cur.h, low: cur.l, close: cur.c });
    const prev = candles[i - 1];
    if (prev === undefined || tr === undefined) {
      out.push(null);
      continue;
    }
    const up = cur.h - prev.h;
    const down = prev.l - cur.l;
    const atr = smoothTr.nextValue(tr);
    const apdm = smoothPdm.nextValue(up > down && up > 0 ? up : 0);
    const amdm = smoothMdm.nextValue(down > up && down > 0 ? down : 0);
    // TA-Lib reports DI from the candle after the period−1 seed moves, i.e. index `period`.
    if (i < period || atr === undefined || apdm === undefined || amdm === undefined) {
      out.push(null);
      continue;
    }
    const pdi = atr > 0 ? (100 * apdm) / atr : 0;
    const mdi = atr > 0 ? (100 * amdm) / atr : 0;
    const diSum = pdi + mdi;
    const dx = diSum > 0 ? (100 * Math.abs(pdi - mdi)) / diSum : null;
    if (dxCount < period) {
      dxCount++;
      adx = smoothDx.nextValue(dx ?? 0);
    } else if (dx !== null) {
      adx = smoothDx.nextValue(dx);
    }
    out.push(adx === undefined ? null : { adx, pdi, mdi });
  }
  return out;
}
