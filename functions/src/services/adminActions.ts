/** The admin function's request bodies: one zod schema per action, so a bad field is named (400). */
import { z } from 'zod';
import { TIMEFRAMES } from '../domain/candle.ts';

export { ADMIN_ACTIONS, READ_ONLY_ACTIONS, isReadOnly, type AdminAction } from '../shared/commandSet.ts';

const symbol = z.string().regex(/^[A-Z0-9]{2,15}\/[A-Z0-9]{2,15}$/, 'symbols look like BTC/USDT');
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/, 'a UTC date like 2023-03-20 or an ISO time ending in Z')
  .refine((s) => !Number.isNaN(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s)), 'not a real date')
  .transform((s) => Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s));
const reason = z.string().min(1).max(200).optional();
const duration = z
  .string()
  .regex(/^\d{1,4}[hd]$/, 'a duration such as 72h or 3d')
  .transform((s) => Number(s.slice(0, -1)) * (s.endsWith('d') ? 24 : 1) * 3_600_000);

export const PROFIT_PERIODS = ['1d', '7d', '30d', 'all'] as const;
const count = (max: number, dflt: number) => z.number().int().min(1).max(max).default(dflt);

export const AdminRequestSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('status') }).strict(),
  z.object({ action: z.literal('positions') }).strict(),
  z.object({ action: z.literal('profit'), period: z.enum(PROFIT_PERIODS).default('all') }).strict(),
  z.object({ action: z.literal('daily'), n: count(366, 7) }).strict(),
  z.object({ action: z.literal('weekly'), n: count(104, 4) }).strict(),
  z.object({ action: z.literal('monthly'), n: count(60, 6) }).strict(),
  z.object({ action: z.literal('performance') }).strict(),
  z.object({ action: z.literal('trades'), n: count(500, 10) }).strict(),
  z.object({ action: z.literal('locks') }).strict(),
  // a symbol (its protection locks), 'all' (every one, the all-symbols ones included) or one lock's id
  z
    .object({
      action: z.literal('unlock'),
      target: z.union([
        symbol,
        z.literal('all'),
        z.string().regex(/^[a-z_]+_[A-Za-z0-9-*]+_\d+$/, 'a symbol, all, or a lock id from eagle locks'),
      ]),
      reason,
    })
    .strict(),
  z.object({ action: z.literal('stop-entries'), reason }).strict(),
  z.object({ action: z.literal('show-config') }).strict(),
  z.object({ action: z.literal('reload-config') }).strict(),
  z
    .object({
      action: z.literal('tick'),
      asOf: z.iso
        .datetime({ offset: true })
        .transform((s) => Date.parse(s))
        .optional(),
    })
    .strict(),
  z.object({ action: z.literal('backfill'), symbol, timeframe: z.enum(TIMEFRAMES), since: day, until: day.optional() }).strict(),
  z
    .object({
      action: z.literal('check-gaps'),
      timeframe: z.enum([...TIMEFRAMES, 'all']).default('all'),
      days: z.number().int().min(1).max(366).default(7),
    })
    .strict(),
  z
    .object({ action: z.literal('regenerate-signal'), signalId: z.string().regex(/^[0-9a-f]{32}$/, 'expected 32 lowercase hex chars') })
    .strict(),
  z.object({ action: z.literal('pause'), reason }).strict(),
  z.object({ action: z.literal('resume'), reason }).strict(),
  z.object({ action: z.literal('kill'), reason }).strict(),
  z.object({ action: z.literal('reset'), reason }).strict(),
  // The only way to stop the Scheduler (nothing automatic may): with it stopped no tick runs, so no stop is checked.
  z
    .object({
      action: z.literal('scheduler-pause'),
      confirm: z.literal(true, {
        error: 'must be true: a stopped Scheduler runs no tick, so no stop-loss, trailing stop, take-profit or kill switch is checked',
      }),
      reason,
    })
    .strict(),
  z.object({ action: z.literal('force-exit'), symbol: z.union([symbol, z.literal('all')]) }).strict(),
  z.object({ action: z.literal('health'), since: duration.default(72 * 3_600_000) }).strict(),
  z.object({ action: z.literal('audit'), full: z.boolean().optional(), rollups: z.boolean().optional() }).strict(),
  z.object({ action: z.literal('access-sync') }).strict(),
  z.object({ action: z.literal('config'), set: z.record(z.string(), z.unknown()).optional() }).strict(),
  // Without confirm it only compares; with it, it books the drift as adjustments, so it says why.
  z
    .object({ action: z.literal('reconcile'), confirm: z.literal(true).optional(), reason })
    .strict()
    .refine((r) => !r.confirm || r.reason !== undefined, {
      path: ['reason'],
      message: 'required with confirm: a confirmed reconciliation books adjustments in the ledger, say why',
    }),
]);
export type AdminRequest = z.output<typeof AdminRequestSchema>;

/** A refusal the caller can act on: HTTP status, message, and the field at fault when there is one. */
export class ActionError extends Error {
  override readonly name = 'ActionError';
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
