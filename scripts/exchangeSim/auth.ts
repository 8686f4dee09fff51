/**
 * Signed requests (Binance SIGNED endpoints): X-MBX-APIKEY names the key; `signature` is the hex
 * HMAC-SHA256, with the key's secret, of totalParams = the query string followed by the request body,
 * without the signature itself; `timestamp` must be within `recvWindow` (default 5000, at most 60000)
 * before the server's time and at most 1 s ahead of it. Keys carry Binance's permission flags
 * (GET /sapi/v1/account/apiRestrictions); trading without enableSpotAndMarginTrading, or anything
 * without enableReading, is -2015.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { SimError } from './errors.ts';

export const KeyPermissionsSchema = z.strictObject({
  enableReading: z.boolean().default(true),
  enableSpotAndMarginTrading: z.boolean().default(true),
  enableWithdrawals: z.boolean().default(false),
  enableInternalTransfer: z.boolean().default(false),
  enableMargin: z.boolean().default(false),
  enableFutures: z.boolean().default(false),
  permitsUniversalTransfer: z.boolean().default(false),
  enableVanillaOptions: z.boolean().default(false),
  ipRestrict: z.boolean().default(false),
  /** ms; present only when the trading permission has an expiry (Binance omits it otherwise) */
  tradingAuthorityExpirationTime: z.number().int().positive().optional(),
});
export type KeyPermissions = z.infer<typeof KeyPermissionsSchema>;

export const ApiKeySchema = z.strictObject({
  apiKey: z.string().regex(/^[A-Za-z0-9]{8,128}$/, '8–128 letters and digits'),
  secret: z.string().regex(/^[A-Za-z0-9]{8,128}$/, '8–128 letters and digits'),
  permissions: KeyPermissionsSchema.default(KeyPermissionsSchema.parse({})),
});
export type ApiKeyInput = z.input<typeof ApiKeySchema>;
export type ApiKey = z.infer<typeof ApiKeySchema> & { readonly createTime: number };

const invalidKey = () => new SimError(401, -2015, 'Invalid API-key, IP, or permissions for action.');

/** totalParams without its signature, and the signature sent. */
function splitSignature(query: string, body: string): { payload: string; signature: string | undefined } {
  let signature: string | undefined;
  const strip = (s: string) =>
    s
      .split('&')
      .filter((p) => {
        if (!p.startsWith('signature=')) return p !== '';
        signature = decodeURIComponent(p.slice('signature='.length));
        return false;
      })
      .join('&');
  return { payload: strip(query) + strip(body), signature };
}

export function verifySigned(a: {
  keys: ReadonlyMap<string, ApiKey>;
  apiKey: string | undefined;
  query: string;
  body: string;
  params: URLSearchParams;
  serverTime: number;
}): ApiKey {
  if (!a.apiKey) throw new SimError(401, -2014, 'API-key format invalid.');
  const key = a.keys.get(a.apiKey);
  if (!key) throw invalidKey();
  const { payload, signature } = splitSignature(a.query, a.body);
  if (!signature) throw new SimError(400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
  const expected = createHmac('sha256', key.secret).update(payload).digest();
  const given = /^[0-9a-fA-F]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new SimError(400, -1022, 'Signature for this request is not valid.');
  const timestamp = Number(a.params.get('timestamp'));
  if (!a.params.get('timestamp') || !Number.isSafeInteger(timestamp))
    throw new SimError(400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
  const recvWindow = a.params.has('recvWindow') ? Number(a.params.get('recvWindow')) : 5000;
  if (!Number.isFinite(recvWindow) || recvWindow <= 0 || recvWindow > 60_000)
    throw new SimError(400, -1131, 'recvWindow must be less than 60000');
  if (timestamp >= a.serverTime + 1000 || a.serverTime - timestamp > recvWindow)
    throw new SimError(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
  if (!key.permissions.enableReading) throw invalidKey();
  return key;
}

export function requireTrading(key: ApiKey, wallNow: number): void {
  const p = key.permissions;
  if (!p.enableSpotAndMarginTrading || (p.tradingAuthorityExpirationTime !== undefined && p.tradingAuthorityExpirationTime <= wallNow))
    throw invalidKey();
}
