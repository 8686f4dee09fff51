import type { Firestore } from '@google-cloud/firestore';
import type { Candle, Timeframe } from '../../domain/candle.ts';
import { CandleBucketDoc, bucketCandles, bucketSpanMs, bucketStart, candleBucketPath, candleBucketToDoc, candleBucketsPath, parseDoc } from '../../shared/store/index.ts';
import type { CandleStore } from '../../ports/index.ts';

export { CANDLES_PER_BUCKET, bucketId, bucketStart } from '../../shared/store/index.ts';

export class FirestoreCandleStore implements CandleStore {
  constructor(private readonly db: Firestore) {}

  private bucketRef(symbol: string, tf: Timeframe, start: number) {
    return this.db.doc(candleBucketPath(symbol, tf, start));
  }

  async upsert(symbol: string, timeframe: Timeframe, candles: readonly Candle[]): Promise<number> {
    const byBucket = new Map<number, Candle[]>();
    for (const c of candles) {
      const b = bucketStart(c.t, timeframe);
      const entries = byBucket.get(b);
      if (entries) entries.push(c);
      else byBucket.set(b, [c]);
    }
    // merge:true writes each candle under its own key: re-ingesting the same candle changes nothing.
    const batch = this.db.batch();
    for (const [start, entries] of byBucket) {
      batch.set(this.bucketRef(symbol, timeframe, start), candleBucketToDoc(symbol, timeframe, start, entries), { merge: true });
    }
    if (byBucket.size > 0) await batch.commit();
    return byBucket.size;
  }

  /** Open time of the newest stored candle (one read: the latest bucket document), or null. */
  async newest(symbol: string, timeframe: Timeframe): Promise<number | null> {
    const snap = await this.db.collection(candleBucketsPath(symbol, timeframe)).orderBy('bucketStart', 'desc').limit(1).get();
    const doc = snap.docs[0];
    if (!doc) return null;
    const keys = Object.keys(parseDoc(CandleBucketDoc, doc.ref.path, doc.data()).candles).map(Number);
    return keys.length ? Math.max(...keys) : null;
  }

  async read(symbol: string, timeframe: Timeframe, fromMs: number, toMs: number): Promise<Candle[]> {
    if (toMs <= fromMs) return [];
    const span = bucketSpanMs(timeframe);
    const refs = [];
    for (let b = bucketStart(fromMs, timeframe); b < toMs; b += span) refs.push(this.bucketRef(symbol, timeframe, b));
    const snaps = await this.db.getAll(...refs);
    const out: Candle[] = [];
    for (const snap of snaps) {
      if (!snap.exists) continue;
      for (const c of bucketCandles(parseDoc(CandleBucketDoc, snap.ref.path, snap.data()))) if (c.t >= fromMs && c.t < toMs) out.push(c);
    }
    return out.sort((a, b) => a.t - b.t);
  }
}
