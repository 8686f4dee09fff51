import type { Firestore } from '@google-cloud/firestore';
import type { Candle, Timeframe } from '../../domain/candle.ts';
import type { CandleReading } from '../../domain/engine/index.ts';
import {
  CandleBucketDoc,
  bucketCandles,
  bucketReadings,
  bucketSpanMs,
  bucketStart,
  candleBucketPath,
  candleBucketToDoc,
  candleBucketsPath,
  parseDoc,
} from '../../shared/store/index.ts';
import type { CandleStore } from '../../ports/index.ts';

export { CANDLES_PER_BUCKET, bucketId, bucketStart } from '../../shared/store/index.ts';

export class FirestoreCandleStore implements CandleStore {
  constructor(private readonly db: Firestore) {}

  private bucketRef(symbol: string, tf: Timeframe, start: number) {
    return this.db.doc(candleBucketPath(symbol, tf, start));
  }

  async upsert(symbol: string, timeframe: Timeframe, candles: readonly Candle[], readings: readonly CandleReading[] = []): Promise<number> {
    const byBucket = new Map<number, { candles: Candle[]; readings: CandleReading[] }>();
    const bucketOf = (t: number) => {
      const b = bucketStart(t, timeframe);
      let entries = byBucket.get(b);
      if (!entries) byBucket.set(b, (entries = { candles: [], readings: [] }));
      return entries;
    };
    for (const c of candles) bucketOf(c.t).candles.push(c);
    for (const r of readings) bucketOf(r.t).readings.push(r);
    // merge:true writes each candle and reading under its own key: re-ingesting the same candle changes nothing.
    const batch = this.db.batch();
    for (const [start, entries] of byBucket) {
      batch.set(this.bucketRef(symbol, timeframe, start), candleBucketToDoc(symbol, timeframe, start, entries.candles, entries.readings), {
        merge: true,
      });
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
    return this.readBuckets(symbol, timeframe, fromMs, toMs, bucketCandles);
  }

  async readings(symbol: string, timeframe: Timeframe, fromMs: number, toMs: number): Promise<CandleReading[]> {
    return this.readBuckets(symbol, timeframe, fromMs, toMs, bucketReadings);
  }

  private async readBuckets<T extends { t: number }>(
    symbol: string,
    timeframe: Timeframe,
    fromMs: number,
    toMs: number,
    pick: (doc: CandleBucket) => T[],
  ): Promise<T[]> {
    if (toMs <= fromMs) return [];
    const span = bucketSpanMs(timeframe);
    const refs = [];
    for (let b = bucketStart(fromMs, timeframe); b < toMs; b += span) refs.push(this.bucketRef(symbol, timeframe, b));
    const snaps = await this.db.getAll(...refs);
    const out: T[] = [];
    for (const snap of snaps) {
      if (!snap.exists) continue;
      for (const x of pick(parseDoc(CandleBucketDoc, snap.ref.path, snap.data()))) if (x.t >= fromMs && x.t < toMs) out.push(x);
    }
    return out.sort((a, b) => a.t - b.t);
  }
}

type CandleBucket = ReturnType<typeof CandleBucketDoc.parse>;
