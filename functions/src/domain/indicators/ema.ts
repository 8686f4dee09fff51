/**
 * EMA as a streaming step over a serializable state: seeded with the SMA of the first `period`
 * values, then (x − prev)·k + prev with k = 2/(period+1), as TA-Lib's TA_EMA does.
 */
export interface EmaState {
  n: number;
  sum: number;
  value: number | null;
}

export const emaInit = (): EmaState => ({ n: 0, sum: 0, value: null });

/** Advance by one value (mutates `s`); returns the EMA after it, or null during the seed. */
export function emaNext(s: EmaState, x: number, period: number): number | null {
  if (s.value === null) {
    s.n++;
    s.sum += x;
    if (s.n === period) s.value = s.sum / period;
    return s.value;
  }
  s.value = (x - s.value) * (2 / (period + 1)) + s.value;
  return s.value;
}

/** EMA aligned with its input: `out[i]` is the EMA after values[0..i], null for the first period−1. */
export function emaSeries(values: readonly number[], period: number): (number | null)[] {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`EMA period must be a positive integer, got ${period}`);
  const s = emaInit();
  return values.map((v) => emaNext(s, v, period));
}
