/**
 * The tick's Firestore budget, counted on the wire against the emulator (scripts/lib/firestoreOps.ts
 * wraps the client; the tick keeps no counters of its own). A steady-state tick — warm instance, one
 * new candle per symbol, nothing to trade — reads status/system and wallet/paper and writes
 * status/system, the day's equity point and one candle document per symbol:
 * 2 reads and N + 2 writes, within ≤ 1 read and ≤ 2 writes per symbol.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayMarketData } from '../../functions/src/adapters/replay/ReplayMarketData.ts';
import { CandleWindowCache } from '../../functions/src/services/candleWindow.ts';
import { runTick } from '../../functions/src/services/runTick.ts';
import { countFirestoreOps } from '../../scripts/lib/firestoreOps.ts';
import { resetFirestore, testRuntime } from './harness.ts';
import { PATHS } from '../../functions/src/shared/store/index.ts';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT'];
const T = Date.parse('2023-04-10T12:00:30Z');
const M = 60_000;

describe('tick I/O budget on the emulator', () => {
  const runtime = testRuntime({ SYMBOLS: SYMBOLS.join(',') }, { source: new ReplayMarketData(), cache: new CandleWindowCache() });
  const ops = countFirestoreOps(runtime.db);
  beforeAll(async () => {
    await resetFirestore();
    // Nothing to trade: PAUSED with a flat book, so every tick is a plain steady-state tick.
    await runtime.db.doc(PATHS.status).set({ mode: 'PAUSED', modeReason: 'budget test' });
  });
  afterAll(() => runtime.db.terminate());

  it('reads 2 documents and writes N + 2 per steady-state tick; a cold tick reads one candle document per symbol more', async () => {
    const deps = await runtime.tickDeps();
    ops.reset();
    await runTick(deps, { tickId: 'cold', now: T });
    const cold = ops.counts();
    expect(cold.reads).toBe(1 + 2 + SYMBOLS.length); // config/bot, status + wallet, one candle day per symbol
    for (let i = 1; i <= 5; i++) {
      ops.reset();
      await runTick(deps, { tickId: `warm-${i}`, now: T + i * M });
      const warm = ops.counts();
      expect(warm.queries).toBe(0);
      expect(warm).toMatchObject({ reads: 2, writes: SYMBOLS.length + 2 });
      expect(warm.reads).toBeLessThanOrEqual(SYMBOLS.length);
      expect(warm.writes).toBeLessThanOrEqual(2 * SYMBOLS.length);
    }
  });
});
