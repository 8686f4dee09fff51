/**
 * What the Telegram command bot keeps between updates (telegram/ in Firestore; adapters/memory for
 * unit tests; one contract suite): each chat's rate limit, and which confirm buttons were used.
 */
import type { RateLimit } from '../domain/inbound/index.ts';

/** A confirm button, known by its id (its MAC): used at most once, and never after `expiresAt`. */
export interface Confirmation {
  readonly id: string;
  readonly chatId: string;
  /** the command line it runs, kept for the record */
  readonly command: string;
  /** wall clock, ms */
  readonly expiresAt: number;
}

export type ChatTake =
  | { readonly kind: 'ok' }
  /** `notice`: the first refusal since the chat's last accepted update (answered once); `refused`: the chat's refusals so far */
  | { readonly kind: 'limited'; readonly notice: boolean; readonly refused: number; readonly retryAfterMs: number };

export interface ChatGuard {
  /** One transaction: a token from the chat's bucket, or a counted refusal. */
  take(chatId: string, now: number, limit: RateLimit): Promise<ChatTake>;
  /** One transaction: `claimed` the first time before it expires (the caller then runs it); `used` ever after; `expired` once late. */
  claim(confirmation: Confirmation, now: number): Promise<'claimed' | 'used' | 'expired'>;
}
