/**
 * The incremental audit on the in-memory fakes, over fills booked by the real executor: it reads
 * only the trades after its checkpoint, finds drift and gaps there, and `full` replays everything.
 */
import { describe, expect, it } from 'vitest';
import { loadBundledCandles } from '../adapters/replay/ReplayMarketData.ts';
import { toAmount as A } from '../domain/money.ts';
import { createSignal } from '../domain/signal.ts';
import { runAudit } from './auditLedger.ts';
import { executeSignalMessage } from './executeSignal.ts';
import { asMessage, memoryDeps } from '../wiring/memory.ts';

const T = Date.parse('2023-03-20T12:00:00Z');
const candles = loadBundledCandles('BTC/USDT', '1m')
  .filter((c) => c.t >= T)
  .slice(0, 40);

async function setup() {
  const d = memoryDeps({ SYMBOLS: 'BTC/USDT' });
  await d.execute.candles.upsert('BTC/USDT', '1m', candles);
  let k = 0;
  /** one round trip: a buy on the next candle, a sell of what it booked on the one after */
  const roundTrip = async () => {
    for (const side of ['buy', 'sell'] as const) {
      const c = candles[k++]!;
      const qty = side === 'buy' ? A('0.05') : d.db.ledger!.positions['BTC/USDT']!.qty;
      d.clock.t = c.t + 90_000; // delivered while its candle is current
      const s = createSignal(
        {
          strategyVersion: 't@1',
          symbol: 'BTC/USDT',
          timeframe: '1m',
          candleTime: c.t,
          side,
          reason: side === 'buy' ? 'regime_entry' : 'regime_exit',
          refPrice: A(String(c.c)),
          atr: A('30'),
          qty,
        },
        c.t + 60_000,
      );
      expect(await executeSignalMessage(d.execute, asMessage(s))).toMatchObject({ status: 'filled' });
    }
  };
  return { ...d, roundTrip };
}

describe('runAudit: incremental from the last clean audit', () => {
  it('replays everything once, then only the trades booked since; the checkpoint follows the ledger', async () => {
    const w = await setup();
    for (let i = 0; i < 5; i++) await w.roundTrip();
    expect(await runAudit(w.store, 0)).toMatchObject({ clean: true, mode: 'full', fromSeq: 0, throughSeq: 10, trades: 10 });
    expect(w.db.auditCheckpoint).toMatchObject({ seq: 10, cash: w.db.ledger!.cash, positions: {} });
    expect(await runAudit(w.store, 0)).toMatchObject({ clean: true, mode: 'incremental', fromSeq: 10, throughSeq: 10, trades: 0 });
    await w.roundTrip();
    expect(await runAudit(w.store, 0)).toMatchObject({ clean: true, mode: 'incremental', fromSeq: 10, throughSeq: 12, trades: 2 });
    expect(w.db.auditCheckpoint?.seq).toBe(12);
    expect(await runAudit(w.store, 0, { full: true })).toMatchObject({ clean: true, mode: 'full', trades: 12 });
  });

  it('finds drift and a lost trade after the checkpoint, and keeps the checkpoint where it was', async () => {
    const w = await setup();
    await w.roundTrip();
    await runAudit(w.store, 0);
    await w.roundTrip();
    w.db.ledger = { ...w.db.ledger!, cash: w.db.ledger!.cash + 1n };
    const drift = await runAudit(w.store, 0);
    expect(drift).toMatchObject({ clean: false, mode: 'incremental', trades: 2 });
    expect(drift.discrepancies).toEqual([expect.stringMatching(/^cash_mismatch/)]);
    w.db.ledger = { ...w.db.ledger!, cash: w.db.ledger!.cash - 1n };
    const lost = [...w.db.trades.values()].find((t) => t.seq === 3)!;
    w.db.trades.delete(lost.id);
    expect((await runAudit(w.store, 0)).discrepancies).toEqual(
      expect.arrayContaining(['sequence_gap: trades 3…4 expected; missing [3], unexpected []']),
    );
    expect(w.db.auditCheckpoint?.seq).toBe(2);
  });

  it('a checkpoint ahead of the ledger (a restored backup) or from another initial cash is not continued', async () => {
    const w = await setup();
    await w.roundTrip();
    await runAudit(w.store, 0);
    w.db.auditCheckpoint = { ...w.db.auditCheckpoint!, seq: 99 };
    expect(await runAudit(w.store, 0)).toMatchObject({ clean: true, mode: 'full', trades: 2 });
    w.db.auditCheckpoint = { ...w.db.auditCheckpoint!, initialCash: A('5') };
    expect(await runAudit(w.store, 0)).toMatchObject({ clean: true, mode: 'full', trades: 2 });
  });
});

describe('runAudit with rollups: the rebuild after a restore', () => {
  it('rebuilds the rollups the fills wrote, from the ledger alone; never on an incremental audit', async () => {
    const w = await setup();
    for (let i = 0; i < 3; i++) await w.roundTrip();
    const written = structuredClone([...w.db.rollups.values()]);
    expect(written.map((r) => r.trades)).toEqual([6]);
    w.db.rollups.clear();
    await runAudit(w.store, 0); // a checkpoint: the next audit is incremental
    expect(await runAudit(w.store, 0, { rollups: true })).not.toHaveProperty('rollupDays');
    expect(w.db.rollups.size).toBe(0);
    expect(await runAudit(w.store, 0, { full: true, rollups: true })).toMatchObject({ clean: true, rollupDays: 1 });
    expect([...w.db.rollups.values()]).toEqual(written);
  });
});
