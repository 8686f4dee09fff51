/**
 * Protections (config/bot.protections), after freqtrade's CooldownPeriod, StoplossGuard,
 * LowProfitPairs and MaxDrawdown. Each is off until configured; every duration is bounded (a week
 * of lock at most, a month of look-back), so no accepted value can lock the bot for good.
 */
import { z } from 'zod';

const minutes = z.number().int().min(1).max(10_080);
const hours = z.number().int().min(1).max(720);
const trades = z.number().int().min(1).max(100);

export const ProtectionParamsSchema = z.strictObject({
  /** After a stop-out (a stop-loss, or a trailing stop that lost), no entry on that symbol for `minutes`. */
  cooldown: z.strictObject({ minutes }).optional(),
  /** `stops` stop-outs within `lookbackHours` → no entries for `lockMinutes`, on the symbol that hit them or on all. */
  stoplossGuard: z
    .strictObject({ stops: trades, lookbackHours: hours, lockMinutes: minutes, scope: z.enum(['symbol', 'all']).default('all') })
    .optional(),
  /** A symbol's exits within `lookbackHours` (at least `minTrades`) returned less than `requiredProfitPct` of their cost → that symbol locked. */
  lowProfit: z
    .strictObject({ minTrades: trades, lookbackHours: hours, requiredProfitPct: z.number().min(-100).max(100), lockMinutes: minutes })
    .optional(),
  /** The exits within `lookbackHours` (at least `minTrades`) drew the account down more than `maxDrawdownPct` → all entries locked. */
  maxDrawdown: z
    .strictObject({ minTrades: trades, lookbackHours: hours, maxDrawdownPct: z.number().min(0.01).max(100), lockMinutes: minutes })
    .optional(),
});
export type ProtectionParams = z.infer<typeof ProtectionParamsSchema>;

export const NO_PROTECTIONS: ProtectionParams = Object.freeze({});
