/**
 * An inbound alert (a TradingView-style webhook body, signed by a relay): what it may say, and the
 * signal it becomes. The alert names only a symbol and a side; every number of the signal (price,
 * ATR, quantity) comes from the bot's own stored data, never from the request.
 */
import { z } from 'zod';

/** A source id names a per-source secret: lowercase, short, safe in a document id. */
export const SOURCE_ID = /^[a-z0-9][a-z0-9-]{0,23}$/;
/** The idempotency key: safe in a document id and, with the source, inside strategyVersion (≤ 100 chars). */
export const ALERT_KEY = /^[\w.:-]{1,64}$/;
/** No signal larger than this is an alert; the handler refuses bigger bodies before reading the signature. */
export const MAX_ALERT_BYTES = 4096;

const label = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w .:/@#+-]+$/, 'letters, digits, spaces and _ . : / @ # + - only');

/** The body, strictly: an unknown key is refused by name (a typo like "sdie" never passes silently). */
export const InboundAlertSchema = z.strictObject({
  id: z.string().regex(ALERT_KEY, 'an idempotency key: 1–64 letters, digits, _ . : - (e.g. {{strategy.order.id}}-{{timenow}})'),
  symbol: z
    .string()
    .max(31)
    .regex(/^[A-Z0-9]{2,15}\/?[A-Z0-9]{2,15}$/, "a symbol like BTC/USDT (or TradingView's BTCUSDT)"),
  side: z.enum(['buy', 'sell']),
  strategy: label.optional(),
  tag: label.optional(),
});
export type InboundAlert = z.infer<typeof InboundAlertSchema>;

/** The configured symbol an alert names: `BTC/USDT` as written, or TradingView's `BTCUSDT` without the slash. */
export function resolveSymbol(named: string, configured: readonly string[]): string | null {
  if (configured.includes(named)) return named;
  if (named.includes('/')) return null;
  return configured.find((s) => s.replace('/', '') === named) ?? null;
}

/**
 * The signal's strategyVersion: it carries the source and the idempotency key, so the signal id
 * (a hash of strategyVersion, symbol, timeframe, candle time and side) is a deterministic function
 * of the key at its candle. The store's record of the key makes it one id per key, whatever the candle.
 */
export const inboundStrategyVersion = (source: string, key: string): string => `inbound@1/${source}/${key}`;
