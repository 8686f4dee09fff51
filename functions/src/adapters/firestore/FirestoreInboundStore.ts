import { FieldValue, type Firestore } from '@google-cloud/firestore';
import { runTransaction } from './transaction.ts';
import { takeToken, type RateLimit } from '../../domain/inbound/index.ts';
import {
  InboundBucketDoc,
  InboundRecordDoc,
  inboundKeyPath,
  inboundRatePath,
  inboundRecordToDoc,
  inboundRejectionPath,
  inboundRejectionToDoc,
  parseDoc,
} from '../../shared/store/index.ts';
import type { Claim, InboundRecord, InboundRejection, InboundStore } from '../../ports/inbound.ts';

const fromDoc = (path: string, data: unknown): InboundRecord => parseDoc(InboundRecordDoc, path, data);

/**
 * inbound/ on Firestore. A claim is one transaction over the key's record and the source's bucket
 * (two reads, at most one write); admit is a create, so of two concurrent requests with one key only
 * one records a signal. A refusal is one merge write with an increment (no read).
 */
export class FirestoreInboundStore implements InboundStore {
  constructor(private readonly db: Firestore) {}

  claim(source: string, key: string, now: number, limit: RateLimit): Promise<Claim> {
    const keyRef = this.db.doc(inboundKeyPath(source, key));
    const rateRef = this.db.doc(inboundRatePath(source));
    return runTransaction(this.db, async (tx) => {
      const [k, rate] = await tx.getAll(keyRef, rateRef);
      if (k!.exists) return { kind: 'duplicate', record: fromDoc(keyRef.path, k!.data()) } as const;
      const take = takeToken(rate!.exists ? parseDoc(InboundBucketDoc, rateRef.path, rate!.data()) : null, now, limit);
      tx.set(rateRef, take.bucket);
      return take.ok ? ({ kind: 'ok' } as const) : ({ kind: 'rate_limited', retryAfterMs: take.retryAfterMs } as const);
    });
  }

  async admit(record: InboundRecord): Promise<InboundRecord | null> {
    const ref = this.db.doc(inboundKeyPath(record.source, record.key));
    try {
      await ref.create(inboundRecordToDoc(record));
      return null;
    } catch (err) {
      // gRPC ALREADY_EXISTS: a concurrent request with the same key recorded it first.
      if ((err as { code?: number }).code !== 6) throw err;
      const snap = await ref.get();
      return fromDoc(ref.path, snap.data());
    }
  }

  async markPublished(source: string, key: string, at: number): Promise<void> {
    await this.db.doc(inboundKeyPath(source, key)).update({ publishedAt: at });
  }

  async recordRejection(r: InboundRejection): Promise<void> {
    await this.db
      .doc(inboundRejectionPath(r.at, r.source, r.reason))
      .set({ ...inboundRejectionToDoc(r), count: FieldValue.increment(1) }, { merge: true });
  }
}
