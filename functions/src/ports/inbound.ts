/**
 * The inbound-signal webhook's store: idempotency keys, the per-source rate limit and the record of
 * refused requests (inbound/ in Firestore; adapters/memory for unit tests; one contract suite).
 */
import type { RateLimit } from '../domain/inbound/index.ts';
import type { Signal } from '../domain/trading.types.ts';

/** inbound/{source}_{key}: the signal an idempotency key became, and whether it was published. */
export interface InboundRecord {
  readonly source: string;
  readonly key: string;
  readonly signal: Signal;
  /** wall clock */
  readonly receivedAt: number;
  /** null until the signal is on the bus: a retry of the key publishes the same signal again */
  readonly publishedAt: number | null;
}

export type Claim =
  | { readonly kind: 'ok' }
  | { readonly kind: 'duplicate'; readonly record: InboundRecord }
  | { readonly kind: 'rate_limited'; readonly retryAfterMs: number };

/** One refused request; the store counts them per minute, source and reason (bounded writes, whatever the flood). */
export interface InboundRejection {
  /** an authenticated source, or '_' when the request did not prove one */
  readonly source: string;
  readonly reason: string;
  readonly status: number;
  readonly detail: string;
  readonly at: number;
}

export interface InboundStore {
  /**
   * One transaction: a key already recorded ⇒ `duplicate` (no token taken); else one token from the
   * source's bucket ⇒ `ok`, or `rate_limited` when it is empty.
   */
  claim(source: string, key: string, now: number, limit: RateLimit): Promise<Claim>;
  /** Creates the key's record; when it exists already (a concurrent request won) returns that one instead. */
  admit(record: InboundRecord): Promise<InboundRecord | null>;
  markPublished(source: string, key: string, at: number): Promise<void>;
  recordRejection(rejection: InboundRejection): Promise<void>;
}
