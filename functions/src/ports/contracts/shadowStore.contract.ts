import { describe, expect, it } from 'vitest';
import { initialSymbolState } from '../../domain/engine/index.ts';
import { A, T0, testBook, testPosition, testWallet } from '../../domain/testing/builders.ts';
import type { ShadowStore } from '../shadow.ts';
import type { StateStore } from '../state.ts';

const DAY = '20230320';
const start = {
  day: DAY,
  at: T0,
  book: testBook({
    wallet: testWallet({ tradeSeq: 3 }),
    positions: { 'BTC/USDT': testPosition({ symbol: 'BTC/USDT', openTradeId: 'b1' }) },
  }),
  symbols: { 'BTC/USDT': { state: { ...initialSymbolState('4h'), lastCandleAt: T0 - 4 * 3_600_000 }, guard: null } },
};
const result = { day: DAY, status: 'verified' as const, liveTrades: 0, replayTrades: 0, events: [], differences: [], checkedAt: T0 + 1 };

/** One contract for every ShadowStore (with the StateStore that writes the day's start): the in-memory fake and Firestore. */
export function describeShadowStoreContract(name: string, make: () => Promise<{ store: StateStore; shadow: ShadowStore }>): void {
  describe(`ShadowStore contract: ${name}`, () => {
    it("the tick's day start reads back exactly; the verdict is stored beside it without touching it", async () => {
      const { store, shadow } = await make();
      expect(await shadow.loadDayStart(DAY)).toBeNull();
      expect(await shadow.loadResult(DAY)).toBeNull();
      await store.saveDayStart({ start, config: { symbols: ['BTC/USDT'] } });
      await shadow.saveResult(result);
      expect(await shadow.loadDayStart(DAY)).toEqual({ start, config: { symbols: ['BTC/USDT'] } });
      expect(await shadow.loadResult(DAY)).toEqual(result);
    });

    it("the day's tick times are the equity marks of that UTC day only, ascending", async () => {
      const { store, shadow } = await make();
      const day = Date.UTC(2023, 2, 20);
      for (const t of [day + 90_000, day - 30_000, day + 30_000, day + 86_400_000]) await store.recordEquity(t, A('10000'));
      expect(await shadow.tickTimes(DAY)).toEqual([day + 30_000, day + 90_000]);
      expect(await shadow.tickTimes('20230322')).toEqual([]);
    });
  });
}
