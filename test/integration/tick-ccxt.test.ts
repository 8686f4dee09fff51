import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createExchange } from '../../functions/src/adapters/ccxt/loadExchange.ts';
import { CcxtMarketData } from '../../functions/src/adapters/ccxt/CcxtMarketData.ts';
import { btcKlines, exchangeInfo, installPlayer, klinesServer, networkFault } from '../../functions/src/adapters/ccxt/fixtures/player.ts';
import { CandleWindowCache } from '../../functions/src/services/candleWindow.ts';
import { runTick } from '../../functions/src/services/runTick.ts';
import { FirestoreCandleStore } from '../../functions/src/adapters/firestore/FirestoreCandleStore.ts';
import { resetFirestore, testRuntime } from './harness.ts';
import { PATHS } from '../../functions/src/shared/store/index.ts';

const KLINES = 'GET /api/v3/klines';
/** Market time inside the recorded Binance day (2023-03-24, real BTCUSDT 1m klines). */
const NOW = Date.UTC(2023, 2, 24, 20, 0, 30);

describe('tick with the live ccxt adapter on recorded Binance responses', () => {
  beforeEach(resetFirestore);
  const runtimes: ReturnType<typeof testRuntime>[] = [];
  afterAll(() => Promise.all(runtimes.map((r) => r.db.terminate())));

  it('still ingests when the exchange throws NetworkError twice, then answers', async () => {
    // The exchange is the only mock: real ccxt parsing and error mapping, real Firestore emulator.
    const exchange = await createExchange('binance', { enableRateLimit: false });
    const player = installPlayer(exchange, {
      'GET /api/v3/exchangeInfo': exchangeInfo,
      [KLINES]: [networkFault, networkFault, klinesServer(btcKlines)],
    });
    const waits: number[] = [];
    const source = new CcxtMarketData({ exchange, sleep: async (ms) => void waits.push(ms), random: () => 0.5 });
    const runtime = testRuntime(
      { MARKET_SOURCE: 'ccxt', SYMBOLS: 'BTC/USDT' },
      { source, cache: new CandleWindowCache(), clock: { now: () => NOW } },
    );
    runtimes.push(runtime);

    const report = await runTick(await runtime.tickDeps(), { tickId: 'ccxt-retry' });
    const btc = report.symbols[0]!;
    expect(btc.error).toBeNull();
    expect(waits).toHaveLength(2); // two backoffs, then success
    expect(player.count(KLINES)).toBeGreaterThanOrEqual(3);
    expect(btc.ingested).toBeGreaterThan(500);
    expect(btc.stale).toBe(false);
    const stored = await new FirestoreCandleStore(runtime.db).read('BTC/USDT', '1m', NOW - 3_600_000, NOW);
    expect(stored.at(-1)!.t).toBe(Date.UTC(2023, 2, 24, 19, 59)); // newest closed candle; the forming one dropped
    expect((await runtime.db.doc(PATHS.status).get()).get('markets.BTC-USDT.stale')).toBe(false);
  });
});
