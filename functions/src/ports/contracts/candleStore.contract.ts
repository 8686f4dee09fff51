import { describe, expect, it } from 'vitest';
import type { Candle } from '../../domain/candle.ts';
import type { CandleReading } from '../../domain/engine/index.ts';
import type { CandleStore } from '../index.ts';

const DAY = 86_400_000;
const T = Date.parse('2023-03-20T23:58:00Z');
const c = (t: number, p: number): Candle => ({ t, o: p, h: p + 1, l: p - 1, c: p + 0.5, v: 3.25 });

/** One contract for every CandleStore: the in-memory fake and the Firestore adapter. */
export function describeCandleStoreContract(name: string, make: () => Promise<CandleStore>): void {
  describe(`CandleStore contract: ${name}`, () => {
    it('reads back exactly what was upserted, ascending, in [from, to), across day buckets', async () => {
      const store = await make();
      const candles = [c(T + 3 * 60_000, 4), c(T, 1), c(T + 60_000, 2), c(T + 2 * 60_000, 3)];
      expect(await store.upsert('BTC/USDT', '1m', candles)).toBeGreaterThan(0);
      expect(await store.read('BTC/USDT', '1m', T, T + DAY)).toEqual([...candles].sort((a, b) => a.t - b.t));
      expect((await store.read('BTC/USDT', '1m', T + 60_000, T + 3 * 60_000)).map((x) => x.t)).toEqual([T + 60_000, T + 2 * 60_000]);
      expect(await store.read('ETH/USDT', '1m', T, T + DAY)).toEqual([]);
      expect(await store.read('BTC/USDT', '1h', T, T + DAY)).toEqual([]);
    });

    it('upserts are idempotent and a later write of the same candle wins', async () => {
      const store = await make();
      await store.upsert('BTC/USDT', '1m', [c(T, 1)]);
      await store.upsert('BTC/USDT', '1m', [c(T, 1), c(T, 9)]);
      expect(await store.read('BTC/USDT', '1m', T, T + 60_000)).toEqual([c(T, 9)]);
      expect(await store.upsert('BTC/USDT', '1m', [])).toBe(0);
    });

    it('keeps the readings beside the candles: readings-only upserts leave the candles as they are, and the reverse', async () => {
      const store = await make();
      const r = (t: number, ema50: number | null): CandleReading => ({
        t,
        ema50,
        ema200: null,
        regime: ema50 === null ? 'unknown' : 'bull_trend',
      });
      await store.upsert('BTC/USDT', '1m', [c(T, 1), c(T + 2 * 60_000, 3)]);
      await store.upsert('BTC/USDT', '1m', [], [r(T + 2 * 60_000, 2.5), r(T, null)]);
      await store.upsert('BTC/USDT', '1m', [c(T + 60_000, 2)], [r(T + 60_000, 1.5)]);
      await store.upsert('BTC/USDT', '1m', [c(T + 2 * 60_000, 4)]);
      expect(await store.read('BTC/USDT', '1m', T, T + DAY)).toEqual([c(T, 1), c(T + 60_000, 2), c(T + 2 * 60_000, 4)]);
      expect(await store.readings('BTC/USDT', '1m', T, T + DAY)).toEqual([r(T, null), r(T + 60_000, 1.5), r(T + 2 * 60_000, 2.5)]);
      expect(await store.readings('BTC/USDT', '1m', T + 60_000, T + 2 * 60_000)).toEqual([r(T + 60_000, 1.5)]);
      expect(await store.readings('BTC/USDT', '1h', T, T + DAY)).toEqual([]);
    });

    it('newest is the open time of the newest stored candle of that symbol and timeframe, across day buckets', async () => {
      const store = await make();
      expect(await store.newest('BTC/USDT', '1m')).toBeNull();
      await store.upsert('BTC/USDT', '1m', [c(T + 3 * 60_000, 4), c(T, 1)]);
      await store.upsert('BTC/USDT', '1h', [c(T + DAY, 1)]);
      expect(await store.newest('BTC/USDT', '1m')).toBe(T + 3 * 60_000);
      expect(await store.newest('ETH/USDT', '1m')).toBeNull();
    });
  });
}
