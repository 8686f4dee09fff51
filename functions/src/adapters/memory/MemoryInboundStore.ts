import { takeToken, type Bucket, type RateLimit } from '../../domain/inbound/index.ts';
import { inboundKeyPath, inboundRatePath, inboundRejectionPath } from '../../shared/store/index.ts';
import type { Claim, InboundRecord, InboundRejection, InboundStore } from '../../ports/inbound.ts';

/** In-memory inbound/ (the Firestore adapter's twin; same contract suite), keyed by the same paths. */
export class MemoryInboundStore implements InboundStore {
  readonly records = new Map<string, InboundRecord>();
  readonly buckets = new Map<string, Bucket>();
  readonly rejections = new Map<string, InboundRejection & { count: number }>();

  async claim(source: string, key: string, now: number, limit: RateLimit): Promise<Claim> {
    const record = this.records.get(inboundKeyPath(source, key));
    if (record) return { kind: 'duplicate', record };
    const take = takeToken(this.buckets.get(inboundRatePath(source)) ?? null, now, limit);
    this.buckets.set(inboundRatePath(source), take.bucket);
    return take.ok ? { kind: 'ok' } : { kind: 'rate_limited', retryAfterMs: take.retryAfterMs };
  }

  async admit(record: InboundRecord): Promise<InboundRecord | null> {
    const path = inboundKeyPath(record.source, record.key);
    const existing = this.records.get(path);
    if (existing) return existing;
    this.records.set(path, record);
    return null;
  }

  async markPublished(source: string, key: string, at: number): Promise<void> {
    const path = inboundKeyPath(source, key);
    const r = this.records.get(path);
    if (r) this.records.set(path, { ...r, publishedAt: at });
  }

  async recordRejection(r: InboundRejection): Promise<void> {
    const path = inboundRejectionPath(r.at, r.source, r.reason);
    this.rejections.set(path, { ...r, count: (this.rejections.get(path)?.count ?? 0) + 1 });
  }
}
