/**
 * The daily audit's Firestore reads, counted on the wire against the emulator (scripts/lib/
 * firestoreOps.ts wraps the client). A full audit reads every trade; the incremental one reads
 * config, its checkpoint, status + wallet, the open positions and only the trades booked since
 * the last clean audit — so its cost follows the day's trades, not the ledger's age.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../functions/src/services/auditLedger.ts';
import { executeSignalMessage } from '../../functions/src/services/executeSignal.ts';
import { asMessage } from '../../functions/src/wiring/memory.ts';
import { countFirestoreOps } from '../../scripts/lib/firestoreOps.ts';
import { resetFirestore, steppedClock, testRuntime } from './harness.ts';
import { storeCandleFor, testSignal } from './fixtures.ts';
import { PATHS } from '../../functions/src/shared/store/index.ts';

const T = Date.parse('2023-03-20T12:00:00Z');
const M = 60_000;

describe('audit read budget on the emulator', () => {
  const clock = steppedClock();
  const runtime = testRuntime({ SYMBOLS: 'BTC/USDT' }, { clock });
  const ops = countFirestoreOps(runtime.db);
  let minute = 0;
  /** a buy and the sell of what it booked, through the real executor */
  const roundTrip = async () => {
    const deps = await runtime.executeDeps();
    for (const side of ['buy', 'sell'] as const) {
      const held = side === 'sell' ? ((await runtime.db.doc(PATHS.wallet).get()).get('positions.BTC-USDT.qty') as string) : undefined;
      const signal = testSignal({ side, candleTime: T + minute++ * M, ...(held ? { qty: held } : {}) });
      await storeCandleFor(runtime.db, signal);
      clock.t = signal.candleTime + 90_000; // delivered while its candle is current
      expect(await executeSignalMessage(deps, asMessage(signal))).toMatchObject({ status: 'filled' });
    }
  };
  beforeAll(() => resetFirestore());
  afterAll(() => runtime.db.terminate());

  it('a full audit reads every trade; an incremental one only those booked since, plus 5 documents', async () => {
    for (let i = 0; i < 15; i++) await roundTrip();
    const store = (await runtime.executeDeps()).store;
    ops.reset();
    expect(await runAudit(store, T, { full: true })).toMatchObject({ clean: true, mode: 'full', trades: 30 });
    const full = ops.counts();
    // config, status + wallet, positions/ (empty query: billed 1), 30 trades
    expect(full.reads).toBe(1 + 2 + 1 + 30);

    await roundTrip();
    ops.reset();
    expect(await runAudit(store, T)).toMatchObject({ clean: true, mode: 'incremental', fromSeq: 30, throughSeq: 32, trades: 2 });
    const incremental = ops.counts();
    // config, the checkpoint, status + wallet, positions/ (1), the 2 new trades
    expect(incremental.reads).toBe(1 + 1 + 2 + 1 + 2);
    expect(incremental.writes).toBe(1); // the checkpoint moves to 32

    ops.reset();
    expect(await runAudit(store, T)).toMatchObject({ clean: true, trades: 0 });
    expect(ops.counts()).toMatchObject({ reads: 1 + 1 + 2 + 1 + 1, writes: 0 });
  });
});
