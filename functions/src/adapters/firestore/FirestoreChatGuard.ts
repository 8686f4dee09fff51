import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { runTransaction } from './transaction.ts';
import { takeCounted, type RateLimit } from '../../domain/inbound/index.ts';
import { TelegramRateDoc, parseDoc, telegramConfirmPath, telegramRatePath } from '../../shared/store/index.ts';
import type { ChatGuard, ChatTake, Confirmation } from '../../ports/chatGuard.ts';

/**
 * telegram/ on Firestore. A take is one transaction over the chat's bucket (one read, one write); a
 * claim is one transaction that reads the button's document and creates it when absent, so of two
 * presses, concurrent or not, exactly one is `claimed` (the loser's transaction is retried and reads it).
 */
/**
 * A used button's document is kept an hour past its expiry, then Firestore's TTL policy on
 * `telegram.expireAt` (firestore.indexes.json) deletes it: a press after that finds no document and
 * is refused as expired, as it was before.
 */
const deleteAfter = (c: Confirmation) => Timestamp.fromMillis(c.expiresAt + 3_600_000);

export class FirestoreChatGuard implements ChatGuard {
  constructor(private readonly db: Firestore) {}

  take(chatId: string, now: number, limit: RateLimit): Promise<ChatTake> {
    const ref = this.db.doc(telegramRatePath(chatId));
    return runTransaction(this.db, async (tx) => {
      const snap = await tx.get(ref);
      const t = takeCounted(snap.exists ? parseDoc(TelegramRateDoc, ref.path, snap.data()) : null, now, limit);
      tx.set(ref, t.bucket);
      return t.ok ? { kind: 'ok' } : { kind: 'limited', notice: t.notice, refused: t.bucket.refused, retryAfterMs: t.retryAfterMs };
    });
  }

  claim(c: Confirmation, now: number): Promise<'claimed' | 'used' | 'expired'> {
    const ref = this.db.doc(telegramConfirmPath(c.id));
    return runTransaction(this.db, async (tx) => {
      if ((await tx.get(ref)).exists) return 'used';
      if (now > c.expiresAt) return 'expired';
      tx.create(ref, { chatId: c.chatId, command: c.command, expiresAt: c.expiresAt, usedAt: now, expireAt: deleteAfter(c) });
      return 'claimed';
    });
  }
}
