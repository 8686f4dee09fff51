/**
 * The daily rollups on the emulator, through the real writers: executeOrder's fill transaction adds
 * each fill to rollups/{day} (once, however often a message is delivered, and exactly under
 * concurrent fills), the tick closes a day's equity when it crosses UTC midnight, and a full audit
 * with --rollups rebuilds the same documents from the ledger. Each rollup equals the domain's
 * rollupLedger over the stored trades of its day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayMarketData } from '../../functions/src/adapters/replay/ReplayMarketData.ts';
import { rollupLedger } from '../../functions/src/domain/performance/daily.ts';
import { runAudit } from '../../functions/src/services/auditLedger.ts';
import { CandleWindowCache } from '../../functions/src/services/candleWindow.ts';
import { executeSignalMessage } from '../../functions/src/services/executeSignal.ts';
import { runTick } from '../../functions/src/services/runTick.ts';
import { asMessage } from '../../functions/src/wiring/memory.ts';
import { PATHS, TradeDoc, parseDoc, rollupFromDoc, rollupPath } from '../../functions/src/shared/store/index.ts';
import { resetFirestore, steppedClock, testRuntime } from './harness.ts';
import { storeCandleFor, testSignal } from './fixtures.ts';

const M = 60_000;
/** ten minutes before midnight: the fills fall on two UTC days */
const T = Date.parse('2023-03-20T23:50:00Z');

describe('daily rollups on the emulator', () => {
  const clock = steppedClock();
  const runtime = testRuntime({ SYMBOLS: 'BTC/USDT,ETH/USDT' }, { clock, source: new ReplayMarketData(), cache: new CandleWindowCache() });
  const db = runtime.db;
  const trades = async () => (await db.collection(PATHS.trades).get()).docs.map((d) => parseDoc(TradeDoc, d.ref.path, d.data()));
  const rollup = async (day: string) => {
    const snap = await db.doc(rollupPath(day)).get();
    return snap.exists ? rollupFromDoc(snap.ref.path, snap.data()) : null;
  };
  const fill = async (symbol: string, side: 'buy' | 'sell', minute: number) => {
    const held =
      side === 'sell' ? ((await db.doc(PATHS.wallet).get()).get(`positions.${symbol.replace('/', '-')}.qty`) as string) : undefined;
    const signal = testSignal({
      symbol,
      side,
      candleTime: T + minute * M,
      ...(held ? { qty: held } : { qty: symbol === 'BTC/USDT' ? '0.01' : '0.1' }),
    });
    await storeCandleFor(db, signal);
    return signal;
  };
  beforeAll(() => resetFirestore());
  afterAll(() => db.terminate());

  it('adds every fill to its day once, under redelivery and concurrent fills, equal to the ledger rolled up', async () => {
    const deps = await runtime.executeDeps();
    // two concurrent buys (one transaction retries on wallet/paper and on the day's rollup)
    const buys = await Promise.all([fill('BTC/USDT', 'buy', 0), fill('ETH/USDT', 'buy', 0)]);
    clock.t = T + 90_000;
    const results = await Promise.all(buys.map((s) => executeSignalMessage(deps, asMessage(s))));
    expect(results.map((r) => r.status)).toEqual(['filled', 'filled']);
    for (const [symbol, minute] of [
      ['BTC/USDT', 3],
      ['ETH/USDT', 12],
    ] as const) {
      const sell = await fill(symbol, 'sell', minute);
      clock.t = sell.candleTime + 90_000;
      expect(await executeSignalMessage(deps, asMessage(sell))).toMatchObject({ status: 'filled' });
      // a redelivery is a duplicate: the rollup is not counted twice
      expect(await executeSignalMessage(deps, asMessage(sell))).toMatchObject({ status: 'duplicate' });
    }
    const ledger = await trades();
    expect(ledger).toHaveLength(4);
    const expected = rollupLedger(ledger);
    expect(expected.map((r) => r.day)).toEqual(['20230320', '20230321']);
    for (const r of expected) expect(await rollup(r.day), r.day).toEqual(r);
    expect((await rollup('20230320'))!.trades).toBe(3);
    expect(Object.keys((await rollup('20230321'))!.byReason)).toEqual(['regime_exit']);
  });

  it("the tick closes a day's equity at its last marks when it crosses UTC midnight; trades stay executeOrder's", async () => {
    const deps = await runtime.tickDeps();
    const before = await rollup('20230320');
    await runTick(deps, { tickId: 'a', now: Date.parse('2023-03-20T23:58:30Z') });
    await runTick(deps, { tickId: 'b', now: Date.parse('2023-03-20T23:59:30Z') });
    const last = (await db.doc(PATHS.status).get()).get('account') as { equity: string; peakEquity: string; dayStartEquity: string };
    expect((await rollup('20230320'))!.equityClose).toBeNull();
    await runTick(deps, { tickId: 'c', now: Date.parse('2023-03-21T00:00:30Z') });
    const closed = (await rollup('20230320'))!;
    expect(closed).toEqual({
      ...before,
      equityOpen: BigInt(last.dayStartEquity.replace('.', '')),
      equityClose: BigInt(last.equity.replace('.', '')),
      peakEquity: BigInt(last.peakEquity.replace('.', '')),
    });
  });

  it('a full audit with rollups rebuilds the same trade numbers from the ledger (the backfill after a restore)', async () => {
    const stored = await Promise.all(['20230320', '20230321'].map(rollup));
    await Promise.all((await db.collection(PATHS.rollups).get()).docs.map((d) => d.ref.delete()));
    const report = await runAudit((await runtime.executeDeps()).store, Date.parse('2023-03-21T01:00:00Z'), { full: true, rollups: true });
    expect(report).toMatchObject({ clean: true, rollupDays: 2 });
    const rebuilt = await Promise.all(['20230320', '20230321'].map(rollup));
    const tradeFields = (r: (typeof stored)[number]) => r && { ...r, equityOpen: null, equityClose: null, peakEquity: null };
    expect(rebuilt.map(tradeFields)).toEqual(stored.map(tradeFields));
    // equity from the tick's marks: the day's first and last point
    const points = Object.entries((await db.doc(`${PATHS.equity}/20230320`).get()).get('points') as Record<string, string>).sort(
      ([a], [b]) => Number(a) - Number(b),
    );
    expect(rebuilt[0]).toMatchObject({
      equityOpen: BigInt(points[0]![1].replace('.', '')),
      equityClose: BigInt(points.at(-1)![1].replace('.', '')),
    });
  });
});
