import { takeCounted, type CountedBucket, type RateLimit } from '../../domain/inbound/index.ts';
import { telegramConfirmPath, telegramRatePath } from '../../shared/store/index.ts';
import type { ChatGuard, ChatTake, Confirmation } from '../../ports/chatGuard.ts';

/** In-memory telegram/ (the Firestore adapter's twin; same contract suite), keyed by the same paths. */
export class MemoryChatGuard implements ChatGuard {
  readonly buckets = new Map<string, CountedBucket>();
  readonly used = new Map<string, Confirmation & { usedAt: number }>();

  async take(chatId: string, now: number, limit: RateLimit): Promise<ChatTake> {
    const t = takeCounted(this.buckets.get(telegramRatePath(chatId)) ?? null, now, limit);
    this.buckets.set(telegramRatePath(chatId), t.bucket);
    return t.ok ? { kind: 'ok' } : { kind: 'limited', notice: t.notice, refused: t.bucket.refused, retryAfterMs: t.retryAfterMs };
  }

  async claim(c: Confirmation, now: number): Promise<'claimed' | 'used' | 'expired'> {
    const path = telegramConfirmPath(c.id);
    if (this.used.has(path)) return 'used';
    if (now > c.expiresAt) return 'expired';
    this.used.set(path, { ...c, usedAt: now });
    return 'claimed';
  }
}
