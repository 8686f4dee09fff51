/**
 * The text form of an Amount (domain/money.ts): a bigint counting 1e-8 units, written with exactly
 * 8 decimals ("12.50000000"). It lives below the domain so that logs (lib/log.ts) and the stored
 * shapes can write it too; money.ts re-exports it as part of the one money API.
 */
export const DECIMALS = 8;
const ONE = 10n ** BigInt(DECIMALS);

/** Fixed 8-decimal text, the storage form: 12.5 → "12.50000000". */
export function toDecimalString(a: bigint): string {
  const neg = a < 0n;
  const abs = neg ? -a : a;
  const int = abs / ONE;
  const frac = (abs % ONE).toString().padStart(DECIMALS, '0');
  return `${neg ? '-' : ''}${int}.${frac}`;
}

/** Regex of the storage form; zod schemas in adapters use it to validate documents read back. */
export const AMOUNT_STRING_RE = /^-?\d+\.\d{8}$/;
