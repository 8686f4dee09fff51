/**
 * The one representation of money and quantities in Eagle Eye.
 *
 * In memory an `Amount` is a bigint counting 1e-8 units (like satoshis), so sums are exact and a
 * wallet can be replayed from its ledger to the last unit. At rest (Firestore, Pub/Sub, CSV) it is a
 * fixed 8-decimal string such as "10000.00000000" (see `toDecimalString` / `AmountString`).
 * Every rounding is explicit: callers say which way (e.g. fees round up, proceeds round down), so
 * rounding can never manufacture money for the bot.
 */
import { DECIMALS } from '../lib/fixedPoint.ts';

export { AMOUNT_STRING_RE, toDecimalString } from '../lib/fixedPoint.ts';

export type Amount = bigint;

export const ONE: Amount = 10n ** BigInt(DECIMALS);
export const ZERO: Amount = 0n;

export type Rounding = 'down' | 'up' | 'half-even';

const DECIMAL_RE = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** Parse a decimal string or a finite number (via its shortest round-trip text) into an Amount. */
export function toAmount(value: string | number, rounding: Rounding = 'half-even'): Amount {
  if (typeof value === 'number') {
    const fast = numberToUnits(value, rounding);
    if (fast !== null) return fast;
  }
  const text = typeof value === 'number' ? numberToPlainString(value) : value.trim();
  const m = DECIMAL_RE.exec(text);
  if (!m) throw new RangeError(`not a decimal amount: ${JSON.stringify(value)}`);
  const [, sign, intPart, frac = ''] = m;
  const scaled = BigInt(intPart! + frac.padEnd(DECIMALS, '0').slice(0, DECIMALS));
  const rest = frac.slice(DECIMALS);
  let units = scaled;
  if (rest.length > 0 && /[1-9]/.test(rest)) {
    // Round the magnitude; the sign is applied afterwards.
    const restNum = BigInt(rest);
    const half = 5n * 10n ** BigInt(rest.length - 1);
    const up = rounding === 'up' || (rounding === 'half-even' && (restNum > half || (restNum === half && scaled % 2n === 1n)));
    const neg = sign === '-';
    // 'down'/'up' mean toward −∞/+∞, so flip for negatives.
    if (rounding === 'half-even' ? up : up !== neg) units += 1n;
  }
  return sign === '-' ? -units : units;
}

/** 2^53 / 1e8: below it every integer count of units is exact in a double. */
const FAST_LIMIT = 2 ** 53 / 1e8;
/** Four ulps of the scaled value: more than the scaling's error plus the distance to the shortest decimal. */
const TOLERANCE = 4 * 2 ** -52;

/**
 * The exact result of the string path, without strings, whenever it can be proven: the scaled
 * value x = n·1e8 is within a few ulps of n's shortest decimal ×1e8, so when x is not that close to
 * an integer (or, for half-even, to a half) the rounding is decided by x alone; an x within that
 * distance of an integer whose division back gives n exactly is that integer. Anything closer to a
 * boundary returns null and takes the string path. Property-tested against it.
 */
function numberToUnits(n: number, rounding: Rounding): Amount | null {
  if (!(Math.abs(n) < FAST_LIMIT)) return null;
  const x = n * 1e8;
  const nearest = Math.round(x);
  if (nearest / 1e8 === n) return BigInt(nearest);
  const tol = Math.abs(x) * TOLERANCE + 1e-9;
  const floor = Math.floor(x);
  const frac = x - floor;
  if (frac < tol || 1 - frac < tol) return null;
  if (rounding === 'down') return BigInt(floor);
  if (rounding === 'up') return BigInt(floor + 1);
  if (Math.abs(frac - 0.5) < tol) return null;
  return BigInt(frac < 0.5 ? floor : floor + 1);
}

function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite amount: ${n}`);
  const s = String(n);
  if (!/e/i.test(s)) return s;
  // Exponent notation (e.g. 1e-7): toFixed(20) is exact enough beyond 8 decimals for rounding.
  return n.toFixed(20);
}

/** For display, charts and metrics only — never feed the result back into balances. */
export function toNumber(a: Amount): number {
  return Number(a) / 1e8;
}

function divRound(num: bigint, den: bigint, rounding: Rounding): bigint {
  if (den === 0n) throw new RangeError('division by zero');
  if (den < 0n) return divRound(-num, -den, rounding);
  const q = num / den; // truncates toward zero
  const r = num % den;
  if (r === 0n) return q;
  const floor = num < 0n ? q - 1n : q;
  if (rounding === 'down') return floor;
  if (rounding === 'up') return floor + 1n;
  const twice = 2n * (num - floor * den);
  if (twice > den) return floor + 1n;
  if (twice < den) return floor;
  return floor % 2n === 0n ? floor : floor + 1n;
}

export function mul(a: Amount, b: Amount, rounding: Rounding): Amount {
  return divRound(a * b, ONE, rounding);
}

export function div(a: Amount, b: Amount, rounding: Rounding): Amount {
  return divRound(a * ONE, b, rounding);
}

/** `a` × bps / 10 000, e.g. a fee of 10 bps. */
export function applyBps(a: Amount, bps: number, rounding: Rounding): Amount {
  // Sums of 2-decimal bps carry double noise (0.1 + 0.2 = 0.30000000000000004): tolerate it, refuse real extra decimals.
  const hundredths = Math.round(bps * 100);
  if (!Number.isFinite(bps) || Math.abs(bps * 100 - hundredths) > 1e-6) throw new RangeError(`bps must have at most 2 decimals: ${bps}`);
  return divRound(a * BigInt(hundredths), 1_000_000n, rounding);
}

/** Largest multiple of `step` that is ≤ a (a ≥ 0): exchange amount precision. */
export function floorToStep(a: Amount, step: Amount): Amount {
  if (step <= 0n) throw new RangeError('step must be positive');
  return (a / step) * step;
}

export const minAmount = (a: Amount, b: Amount): Amount => (a < b ? a : b);
export const maxAmount = (a: Amount, b: Amount): Amount => (a > b ? a : b);
