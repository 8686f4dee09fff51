import { EMA } from 'technicalindicators';

// Identity format: the package otherwise rounds through a process-global `setConfig('precision')`.
const raw = (v: number): number => v;

/**
 * EMA aligned with its input: `out[i]` is the EMA after values[0..i], `null` for the first
 * period−1 values. Seeded with the SMA of the first `period` values, as TA-Lib's TA_EMA does.
 * Meant for prices: the package mishandles a seed SMA of exactly 0, which non-negative input only
 * produces when all seed values are 0 (and then harmlessly).
 */
export function emaSeries(values: readonly number[], period: number): (number | null)[] {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`EMA period must be a positive integer, got ${period}`);
  const ema = new EMA({ period, values: [], format: raw });
  // nextValue keeps the output aligned by construction; calculate() drops the warm-up rows.
  return values.map((v) => ema.nextValue(v) ?? null);
}
