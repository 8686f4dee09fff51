/**
 * Authentication of an inbound alert: HMAC-SHA256 with the source's secret over
 * `${timestamp}.${rawBody}` (Stripe's and Slack's construction), the timestamp in unix seconds and
 * bounded against the clock (the replay window). The body is authenticated byte for byte as
 * received, before it is parsed. Two secrets per source let a rotation overlap.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_PREFIX = 'sha256=';
const SIGNATURE_RE = /^sha256=[0-9a-f]{64}$/;
const TIMESTAMP_RE = /^\d{1,12}$/;

export interface SignedRequest {
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly rawBody: Buffer;
}

export type AuthFailure =
  | { readonly reason: 'unsigned'; readonly detail: string }
  | { readonly reason: 'expired'; readonly detail: string }
  | { readonly reason: 'forged'; readonly detail: string };

/** What a relay puts in the signature header. */
export function signAlert(secret: string, timestamp: number, rawBody: Buffer | string): string {
  return SIGNATURE_PREFIX + createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/**
 * null when the request is signed by one of `secrets` within `windowMs` of `now` (either way: a
 * relay's clock may run a little ahead). An unknown source has no secrets and fails as forged, so
 * the answer does not say which sources exist.
 */
export function verifyAlert(req: SignedRequest, secrets: readonly string[], now: number, windowMs: number): AuthFailure | null {
  if (!req.timestamp || !TIMESTAMP_RE.test(req.timestamp))
    return { reason: 'unsigned', detail: 'x-eagle-timestamp must be the unix time in seconds' };
  if (!req.signature || !SIGNATURE_RE.test(req.signature))
    return { reason: 'unsigned', detail: 'x-eagle-signature must be sha256=<64 lowercase hex>' };
  const ts = Number(req.timestamp);
  const skewMs = Math.abs(now - ts * 1000);
  if (skewMs > windowMs)
    return {
      reason: 'expired',
      detail: `timestamp is ${Math.round(skewMs / 1000)} s from the server's clock; the window is ${windowMs / 1000} s`,
    };
  const given = Buffer.from(req.signature, 'utf8');
  // Every secret is tried (no early exit), each comparison in constant time.
  let ok = false;
  for (const secret of secrets) ok = timingSafeEqual(given, Buffer.from(signAlert(secret, ts, req.rawBody), 'utf8')) || ok;
  return ok ? null : { reason: 'forged', detail: 'signature does not verify for this source' };
}
