/**
 * The inbound webhook's store: a key is claimed and admitted once, however concurrently; the rate
 * limit takes a token per new key and none for a duplicate; refusals are counted. Run against the
 * in-memory fake (unit) and Firestore (emulator, test/integration/inboundSignal.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { createSignal } from '../../domain/signal.ts';
import { toAmount } from '../../domain/money.ts';
import type { InboundRecord, InboundStore } from '../inbound.ts';

const T = Date.UTC(2026, 11, 1, 12);
const limit = { perMinute: 60, burst: 2 };
const record = (key: string, source = 'tv'): InboundRecord => ({
  source,
  key,
  receivedAt: T,
  publishedAt: null,
  signal: createSignal(
    {
      strategyVersion: `inbound@1/${source}/${key}`,
      symbol: 'BTC/USDT',
      timeframe: '1m',
      candleTime: T - 60_000,
      side: 'buy',
      reason: 'inbound_entry',
      refPrice: toAmount('27000'),
      atr: toAmount('30'),
      qty: toAmount('0.01'),
    },
    T,
  ),
});

export function describeInboundStoreContract(
  name: string,
  make: () => Promise<InboundStore>,
  rejectionCount: (store: InboundStore, at: number, source: string, reason: string) => Promise<number>,
): void {
  describe(`inbound store contract: ${name}`, () => {
    it('admits a key once, even concurrently; the record reads back whole; a duplicate takes no token', async () => {
      const store = await make();
      expect(await store.claim('tv', 'a1', T, limit)).toEqual({ kind: 'ok' });
      const race = await Promise.all([store.admit(record('a1')), store.admit(record('a1')), store.admit(record('a1'))]);
      expect(race.filter((r) => r === null)).toHaveLength(1);
      const dup = await store.claim('tv', 'a1', T, limit);
      expect(dup).toEqual({ kind: 'duplicate', record: record('a1') });
      await store.markPublished('tv', 'a1', T + 5);
      expect(await store.claim('tv', 'a1', T, limit)).toEqual({ kind: 'duplicate', record: { ...record('a1'), publishedAt: T + 5 } });
      // burst 2: one token went to a1, duplicates took none, so one more new key passes now and the next waits a second
      expect(await store.claim('tv', 'a2', T, limit)).toEqual({ kind: 'ok' });
      expect(await store.claim('tv', 'a3', T, limit)).toEqual({ kind: 'rate_limited', retryAfterMs: 1000 });
      expect(await store.claim('tv', 'a3', T + 1000, limit)).toEqual({ kind: 'ok' });
      // buckets are per source
      expect(await store.claim('other', 'a3', T, limit)).toEqual({ kind: 'ok' });
    });

    it('counts refusals per minute, source and reason', async () => {
      const store = await make();
      const r = { source: '_', reason: 'forged', status: 401, detail: 'signature does not verify', at: T };
      await Promise.all([
        store.recordRejection(r),
        store.recordRejection({ ...r, at: T + 30_000 }),
        store.recordRejection({ ...r, reason: 'expired' }),
      ]);
      expect(await rejectionCount(store, T, '_', 'forged')).toBe(2);
      expect(await rejectionCount(store, T, '_', 'expired')).toBe(1);
      expect(await rejectionCount(store, T + 60_000, '_', 'forged')).toBe(0);
    });
  });
}
