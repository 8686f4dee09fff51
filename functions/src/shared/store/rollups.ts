/**
 * The stored shapes of the performance rollups, both directions, for the functions and the
 * dashboard: `rollups/{yyyymmdd}` (a DayRollup, domain/performance/daily.ts) and
 * `costs/{yyyymm}` (the latest budget notification's spend for that cost interval).
 * Amounts are fixed 8-decimal strings like every other document.
 */
import { z } from 'zod';
import { AMOUNT_STRING_RE, toAmount, toDecimalString } from '../../domain/money.ts';
import { EXIT_REASONS } from '../../domain/trading.types.ts';
import type { DayRollup, ReasonTally } from '../../domain/performance/daily.ts';
import { PATHS } from './paths.ts';
import { parseDoc } from './codec.ts';
import type { CostRecord } from '../../ports/ops.ts';

const DAY_RE = /^\d{8}$/;
export const rollupPath = (day: string): string => {
  if (!DAY_RE.test(day)) throw new RangeError(`rollup day must be yyyymmdd, got ${day}`);
  return `${PATHS.rollups}/${day}`;
};
/** yyyymm of a cost interval's start (ISO date-time) */
export const costMonth = (intervalStart: number): string => new Date(intervalStart).toISOString().slice(0, 7).replace('-', '');
export const costPath = (month: string): string => `${PATHS.costs}/${month}`;

const amt = z
  .string()
  .regex(AMOUNT_STRING_RE)
  .transform((s) => toAmount(s));
const count = z.number().int().nonnegative();
const Tally = z.strictObject({ wins: count, losses: count, pnl: amt });

export const RollupDoc = z.strictObject({
  day: z.string().regex(DAY_RE),
  trades: count,
  closed: count,
  wins: count,
  losses: count,
  realizedPnl: amt,
  grossProfit: amt,
  grossLoss: amt,
  fees: amt,
  byReason: z.partialRecord(z.enum(EXIT_REASONS), Tally),
  lastSeq: count,
  equityOpen: amt.nullable(),
  equityClose: amt.nullable(),
  peakEquity: amt.nullable(),
  updatedAt: z.number().int().nonnegative(),
});

const str = toDecimalString;
const opt = (a: bigint | null) => (a === null ? null : str(a));

export function rollupToDoc(r: DayRollup, now: number) {
  return {
    day: r.day,
    trades: r.trades,
    closed: r.closed,
    wins: r.wins,
    losses: r.losses,
    realizedPnl: str(r.realizedPnl),
    grossProfit: str(r.grossProfit),
    grossLoss: str(r.grossLoss),
    fees: str(r.fees),
    byReason: Object.fromEntries(
      Object.entries(r.byReason).map(([k, v]: [string, ReasonTally]) => [k, { wins: v.wins, losses: v.losses, pnl: str(v.pnl) }]),
    ),
    lastSeq: r.lastSeq,
    equityOpen: opt(r.equityOpen),
    equityClose: opt(r.equityClose),
    peakEquity: opt(r.peakEquity),
    updatedAt: now,
  };
}

/** The fields the tick writes when it closes a day (a merge: the trade fields stay executeOrder's). */
export const dayCloseToDoc = (day: string, m: { open: bigint; close: bigint; peak: bigint }, now: number) => ({
  day,
  equityOpen: str(m.open),
  equityClose: str(m.close),
  peakEquity: str(m.peak),
  updatedAt: now,
});

/**
 * A stored rollup. The tick's day close may land before any trade: the trade fields are then absent
 * and read as an empty day.
 */
export function rollupFromDoc(path: string, data: unknown): DayRollup {
  const { updatedAt: _, ...day } = parseDoc(RollupDoc, path, { ...EMPTY_FIELDS, ...(data as object) });
  return day;
}
const EMPTY_FIELDS = {
  trades: 0,
  closed: 0,
  wins: 0,
  losses: 0,
  realizedPnl: '0.00000000',
  grossProfit: '0.00000000',
  grossLoss: '0.00000000',
  fees: '0.00000000',
  byReason: {},
  lastSeq: 0,
  equityOpen: null,
  equityClose: null,
  peakEquity: null,
};

export const CostDoc = z.strictObject({
  month: z.string().regex(/^\d{6}$/),
  costAmount: z.number().nonnegative(),
  budgetAmount: z.number().positive(),
  currencyCode: z.string().regex(/^[A-Z]{3}$/),
  costIntervalStart: z.number().int().nonnegative(),
  receivedAt: z.number().int().nonnegative(),
});
export type { CostRecord };
/** Validated on the way in too: a bad record is refused before it is stored. */
export const costToDoc = (c: CostRecord) => CostDoc.parse(c);
export function costFromDoc(path: string, data: unknown): CostRecord {
  return parseDoc(CostDoc, path, data);
}
