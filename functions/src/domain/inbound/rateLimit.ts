/**
 * A token bucket per source: `burst` requests at once, refilled at `perMinute`. Pure: the store
 * reads the bucket and writes the result in one transaction.
 */
export interface RateLimit {
  readonly perMinute: number;
  readonly burst: number;
}

export interface Bucket {
  readonly tokens: number;
  /** when `tokens` was counted (wall clock, ms) */
  readonly at: number;
}

export type Take =
  { readonly ok: true; readonly bucket: Bucket } | { readonly ok: false; readonly bucket: Bucket; readonly retryAfterMs: number };

export function takeToken(bucket: Bucket | null, now: number, limit: RateLimit): Take {
  const perMs = limit.perMinute / 60_000;
  // A clock that stepped back refills nothing (never trust time to only move forward).
  const elapsed = bucket === null ? 0 : Math.max(0, now - bucket.at);
  const tokens = bucket === null ? limit.burst : Math.min(limit.burst, bucket.tokens + elapsed * perMs);
  if (tokens >= 1) return { ok: true, bucket: { tokens: tokens - 1, at: now } };
  return { ok: false, bucket: { tokens, at: now }, retryAfterMs: Math.ceil((1 - tokens) / perMs) };
}

/** A bucket that also counts its refusals and remembers whether the current streak of them was answered (a chat's limit). */
export interface CountedBucket extends Bucket {
  readonly refused: number;
  readonly noticed: boolean;
}

export type CountedTake =
  | { readonly ok: true; readonly bucket: CountedBucket }
  | { readonly ok: false; readonly bucket: CountedBucket; readonly retryAfterMs: number; readonly notice: boolean };

/** takeToken, counting refusals: only the first refusal after an accepted take asks for a notice. */
export function takeCounted(bucket: CountedBucket | null, now: number, limit: RateLimit): CountedTake {
  const take = takeToken(bucket, now, limit);
  const refused = bucket?.refused ?? 0;
  if (take.ok) return { ok: true, bucket: { ...take.bucket, refused, noticed: false } };
  const notice = !(bucket?.noticed ?? false);
  return { ok: false, retryAfterMs: take.retryAfterMs, notice, bucket: { ...take.bucket, refused: refused + 1, noticed: true } };
}
