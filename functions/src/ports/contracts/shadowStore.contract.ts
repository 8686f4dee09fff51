import { describe, expect, it } from 'vitest';
import { initialSymbolState } from '../../domain/engine/index.ts';
import { A, T0, testBook, testPosition, testWallet } from '../../domain/testing/builders.ts';
import type { ShadowStore } from '../shadow.ts';
import type { StateStore } from '../state.ts';
import type { AuditEntry, OpsStore } from '../ops.ts';

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
export function describeShadowStoreContract(
  name: string,
  make: () => Promise<{ store: StateStore; shadow: ShadowStore; audit: Pick<OpsStore, 'recordAudit'> }>,
): void {
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

    it('admin calls read back by their market time (marketAt, else at) in [from, to), ascending, at most the limit', async () => {
      const { shadow, audit } = await make();
      const call = (action: string, at: number, marketAt?: number): AuditEntry => ({
        at,
        ...(marketAt === undefined ? {} : { marketAt }),
        who: 'ops@example.com',
        via: 'user',
        action,
        params: {},
        ok: true,
        status: 200,
        summary: action,
      });
      // a replay stack's call: recorded years later by the wall clock, in the day by the market's
      const wall = Date.parse('2026-12-05T12:00:00Z');
      for (const c of [
        call('resume', T0 + 5),
        call('pause', wall, T0 + 2),
        call('kill', T0 - 1),
        call('later', wall + 1, T0 + 20),
        call('reset', wall + 2),
      ])
        await audit.recordAudit(c);
      expect(await shadow.adminCalls(T0, T0 + 10, 10)).toEqual([call('pause', wall, T0 + 2), call('resume', T0 + 5)]);
      expect((await shadow.adminCalls(T0, T0 + 10, 1)).map((c) => c.action)).toEqual(['pause']);
      expect((await shadow.adminCalls(wall, wall + 10, 10)).map((c) => c.action)).toEqual(['reset']);
    });

    it('dead letters read back by receivedAt in [from, to), ascending, at most the limit', async () => {
      const { store, shadow } = await make();
      const letter = (id: string, receivedAt: number) => ({
        id,
        source: 'executeOrder',
        reason: `stale ${id}`,
        payload: '{}',
        attributes: { origin: 'test' },
        receivedAt,
      });
      for (const [id, at] of [
        ['c', T0 + 3],
        ['a', T0 + 1],
        ['before', T0 - 1],
        ['b', T0 + 2],
        ['at-end', T0 + 10],
      ] as const)
        await store.recordDeadLetter(letter(id, at));
      expect(await shadow.deadLetters(T0, T0 + 10, 10)).toEqual([letter('a', T0 + 1), letter('b', T0 + 2), letter('c', T0 + 3)]);
      expect((await shadow.deadLetters(T0, T0 + 10, 2)).map((l) => l.id)).toEqual(['a', 'b']);
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
