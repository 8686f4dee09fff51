import { div, mul, ONE, toAmount, type Amount, type Rounding } from '../money.ts';

/**
 * Config percentages and ATR multiples are plain numbers; they enter money math only through
 * these two helpers, converted exactly to 8 decimals, with the rounding direction stated.
 */
export function percentOf(a: Amount, pct: number, rounding: Rounding): Amount {
  // floor(floor(x)/100) = floor(x/100) (same for ceil), so the two roundings do not compound.
  return div(mul(a, toAmount(pct), rounding), 100n * ONE, rounding);
}

export function times(a: Amount, multiple: number, rounding: Rounding): Amount {
  return mul(a, toAmount(multiple), rounding);
}
