/**
 * The same simulated exchange outage (fixtures/faults.ts, ccxt's real error mapping, the adapter's
 * retries and breaker) driven through the whole tick (runTick on the in-memory fakes): the feed goes
 * stale with ONE alert per outage, no entry is decided on stale data, and the first tick after the
 * outage backfills the missed candles and trades again.
 */
import { describe, expect, it } from 'vitest';
import { findGaps } from '../domain/candle.ts';
import type { FaultKind } from '../adapters/ccxt/fixtures/faults.ts';
import { OUTAGE_T0, outageRun } from '../wiring/outageRun.ts';

const MIN = 60_000;
const T0 = OUTAGE_T0;

describe('an exchange outage through the tick', () => {
  it.each(['unavailable', 'timeout', 'rate_limit', 'maintenance'] as FaultKind[])(
    '%s from the start: stale, one alert, zero entries; entry after recovery',
    async (kind) => {
      const outage = { fromMs: T0 - 5 * MIN, untilMs: T0 + 10 * MIN };
      const { reports, staleAlerts, bus } = await outageRun(kind, outage, 20);
      const during = reports.filter((r) => r.at < outage.untilMs);
      for (const r of during) {
        expect(r.symbols[0]!.stale).toBe(true);
        expect(r.symbols[0]!.error).toMatch(/.+/);
        expect(r.published).toEqual([]);
      }
      expect(during.slice(2).every((r) => r.requests <= 1)).toBe(true); // the breaker is open
      expect(staleAlerts).toHaveLength(1);
      expect(bus.published.filter((s) => s.createdAt < outage.untilMs)).toEqual([]);
      const after = reports.filter((r) => r.at >= outage.untilMs);
      expect(after.at(-1)!.symbols[0]!.stale).toBe(false);
      expect(bus.published.filter((s) => s.side === 'buy')).toHaveLength(1); // it does trade once the feed is back
    },
  );

  it('healthy, then 10 minutes down, then back: one alert kept with its start, the missed candles backfilled', async () => {
    const outage = { fromMs: T0 + 5 * MIN, untilMs: T0 + 15 * MIN };
    const { reports, staleAlerts, cache } = await outageRun('overloaded', outage, 25);
    expect(reports[0]!.symbols[0]!.stale).toBe(false);
    expect(reports.some((r) => r.symbols[0]!.stale)).toBe(true);
    expect(staleAlerts).toHaveLength(1);
    expect(staleAlerts[0]!.createdAt).toBeGreaterThanOrEqual(outage.fromMs);
    expect(staleAlerts[0]!.createdAt).toBeLessThan(outage.untilMs);
    const recovered = reports.find((r) => r.at >= outage.untilMs && !r.symbols[0]!.error)!;
    expect(recovered.symbols[0]!.ingested).toBeGreaterThanOrEqual(10);
    const last = reports.at(-1)!;
    expect(last.symbols[0]!.stale).toBe(false);
    // no hole left since the test began (the window still shows the REAL 2023-03-24 12:40 halt, which no one can fill)
    expect(findGaps(cache.get('BTC/USDT|1m')!, '1m').filter((g) => g.next > T0 - 60 * MIN)).toEqual([]);
  });
});
