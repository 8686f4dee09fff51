import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTickHandler } from '../../functions/src/handlers/tick.ts';
import { ReplayMarketData, loadBundledCandles } from '../../functions/src/adapters/replay/ReplayMarketData.ts';
import { computeIndicators } from '../../functions/src/domain/indicators/index.ts';
import { classifyRegimeSeries, resolveRegimeParams } from '../../functions/src/domain/regime/index.ts';
import { parseBotConfig } from '../../functions/src/config/load.ts';
import { FirestoreCandleStore } from '../../functions/src/adapters/firestore/FirestoreCandleStore.ts';
import { CandleWindowCache } from '../../functions/src/services/candleWindow.ts';
import type { TickReport } from '../../functions/src/services/runTick.ts';
import { resetFirestore, serveHttp, testRuntime } from './harness.ts';
import { PATHS } from '../../functions/src/shared/store/index.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2023-03-21T14:00:30Z');

/** The tick function served by functions-framework, called over HTTP like Cloud Scheduler does. */
async function tickOver(runtime: ReturnType<typeof testRuntime>, asOf: number): Promise<TickReport> {
  const server = await serveHttp('tick', makeTickHandler(runtime.tickDeps));
  try {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ asOf }),
    });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    return body as TickReport;
  } finally {
    await server.close();
  }
}

describe('tick on the emulators with the replay source', () => {
  beforeEach(resetFirestore);
  const runtimes: ReturnType<typeof testRuntime>[] = [];
  afterAll(async () => Promise.all(runtimes.map((r) => r.db.terminate())));
  const make = (vars: Record<string, string>, hide?: (s: string, t: number) => boolean) => {
    const r = testRuntime(vars, { source: new ReplayMarketData({ hide }), cache: new CandleWindowCache() });
    runtimes.push(r);
    return r;
  };

  it('ingests closed candles for 4 symbols, classifies regimes and records feed health', async () => {
    const runtime = make({ SYMBOLS: 'BTC/USDT,ETH/USDT,SOL/USDT,XRP/USDT' });
    const report = await tickOver(runtime, T0);
    expect(report.symbols.map((s) => s.symbol)).toEqual(['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT']);
    const bySymbol = Object.fromEntries(report.symbols.map((s) => [s.symbol, s]));
    for (const s of ['BTC/USDT', 'ETH/USDT', 'SOL/USDT']) {
      expect(bySymbol[s]!.error).toBeNull();
      expect(bySymbol[s]!.ingested).toBe(600); // HISTORY_CANDLES of 1m candles
      expect(bySymbol[s]!.stale).toBe(false);
      expect(bySymbol[s]!.regime).not.toBe('unknown');
    }
    const market = (await runtime.db.doc(PATHS.status).get()).get('markets.BTC-USDT');
    // the newest CLOSED candle at 14:00:30 opened at 13:59; the forming 14:00 candle is not used
    expect(market.lastCandleAt).toBe(Date.parse('2023-03-21T13:59:00Z'));
    expect(typeof market.adx).toBe('number');
    expect(market.stale).toBe(false);
    const status = (await runtime.db.doc(PATHS.status).get()).data()!;
    expect(status.marketTime).toBe(T0);
    expect(Object.keys(status.feeds)).toHaveLength(4);
    // XRP's bundled 1m data only starts on 2023-04-01: it has nothing yet and is stale with an alert
    expect(bySymbol['XRP/USDT']!.stale).toBe(true);
    expect((await runtime.db.collection(PATHS.alerts).where('symbol', '==', 'XRP/USDT').get()).size).toBe(1);

    expect(bySymbol['BTC/USDT']!.candleReads).toBe(1); // cold instance: one read of the stored window

    // Idempotent: the same tick again ingests nothing new, emits nothing, and the warm window
    // cache serves every candle: no candle document is read.
    const again = await tickOver(runtime, T0);
    expect(
      again.symbols.filter((s) => s.symbol !== 'XRP/USDT').map((s) => [s.ingested, s.backfilled, s.candleReads, s.signals.length]),
    ).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    // Next minute, steady state: exactly one new candle per symbol, still no candle read.
    const next = await tickOver(runtime, T0 + 60_000);
    expect(next.symbols.filter((s) => s.symbol !== 'XRP/USDT').map((s) => [s.ingested, s.candleReads])).toEqual([
      [1, 0],
      [1, 0],
      [1, 0],
    ]);
  });

  it('detects a missing hour and backfills it on the next tick', async () => {
    let hidden = true;
    const holeStart = Date.parse('2023-03-21T10:00:00Z');
    const runtime = make(
      { SYMBOLS: 'BTC/USDT,ETH/USDT,SOL/USDT' },
      (s, t) => hidden && s === 'ETH/USDT' && t >= holeStart && t < holeStart + HOUR,
    );
    const first = await tickOver(runtime, T0);
    const eth = first.symbols.find((s) => s.symbol === 'ETH/USDT')!;
    expect(eth.gaps).toBe(1);
    expect(eth.ingested).toBe(540);
    hidden = false; // the feed recovers
    const second = await tickOver(runtime, T0 + 60_000);
    const eth2 = second.symbols.find((s) => s.symbol === 'ETH/USDT')!;
    expect(eth2.backfilled).toBe(60);
    expect(eth2.gaps).toBe(0);
    const stored = await new FirestoreCandleStore(runtime.db).read('ETH/USDT', '1m', holeStart, holeStart + HOUR);
    expect(stored).toHaveLength(60);
    expect(stored[0]!.t).toBe(holeStart);
  });

  it('marks a permanently failing symbol stale with an alert while the others proceed', async () => {
    const runtime = make({ SYMBOLS: 'BTC/USDT,DOGE/USDT,SOL/USDT' });
    const report = await tickOver(runtime, T0);
    const doge = report.symbols.find((s) => s.symbol === 'DOGE/USDT')!;
    expect(doge.error).toMatch(/no bundled candles/);
    expect(doge.stale).toBe(true);
    for (const s of report.symbols.filter((x) => x.symbol !== 'DOGE/USDT')) {
      expect(s.error).toBeNull();
      expect(s.ingested).toBe(600);
    }
    const market = (await runtime.db.doc(PATHS.status).get()).get('markets.DOGE-USDT');
    expect(market).toMatchObject({ stale: true, regime: 'unknown', staleSince: T0 });
    const alerts = (await runtime.db.collection(PATHS.alerts).get()).docs.map((d) => d.data());
    expect(alerts).toEqual([expect.objectContaining({ kind: 'stale_feed', symbol: 'DOGE/USDT' })]);
    const status = (await runtime.db.doc(PATHS.status).get()).data()!;
    expect(status.feeds['DOGE/USDT']).toMatchObject({ stale: true, error: expect.stringMatching(/no bundled/) });
    expect(status.healthScore).toBe(67);
  });

  it('survives a corrupt engine state: alerts, starts that symbol afresh, heals the entry', async () => {
    const runtime = make({ SYMBOLS: 'BTC/USDT,ETH/USDT' });
    await runtime.db
      .doc(PATHS.status)
      .set({ mode: 'NORMAL', engine: { 'ETH-USDT': { timeframe: '1m', regime: 'to_the_moon', price: 'lots' } } });
    const report = await tickOver(runtime, T0);
    expect(report.symbols.map((s) => s.error)).toEqual([null, null]);
    expect(report.symbols[1]!.regime).not.toBe('unknown');
    const alerts = (await runtime.db.collection(PATHS.alerts).where('kind', '==', 'error').get()).docs.map((d) => d.data());
    expect(alerts).toEqual([
      expect.objectContaining({
        symbol: 'ETH/USDT',
        message: expect.stringMatching(/corrupt document status\/system#engine.ETH-USDT: [\s\S]*regime/),
      }),
    ]);
    const status = await runtime.db.doc(PATHS.status).get();
    expect(status.get('engine.ETH-USDT')).toMatchObject({ timeframe: '1m', regime: { regime: expect.any(String) } });
    expect(status.get('markets.ETH-USDT')).toMatchObject({ symbol: 'ETH/USDT', stale: false, timeframe: '1m', price: expect.any(Number) });
  });

  it('starts regime memory afresh when config/bot switches the timeframe', async () => {
    const runtime = make({ SYMBOLS: 'BTC/USDT', CONFIG_CACHE_MS: '0' });
    // A moment when the 1m regime (bear) and the 1h regime (bull) disagree.
    const t0 = Date.parse('2023-03-23T02:00:30Z');
    const minute = await tickOver(runtime, t0); // 1m history and regime state, last candle 01:59
    await runtime.db.doc(PATHS.config).set({ timeframe: '1h' });
    // Half an hour later the newest closed 1h candle (01:00) is older than the last 1m candle:
    // carried-over 1m memory would skip every hourly candle and keep the 1m regime.
    const at = t0 + 30 * 60_000;
    const report = await tickOver(runtime, at);
    expect(report.symbols[0]!.error).toBeNull();
    // Independent expectation: the regime the 1h candles alone produce over the same 600-candle window.
    const closedUntil = Math.floor(at / HOUR) * HOUR;
    const hourly = loadBundledCandles('BTC/USDT', '1h')
      .filter((c) => c.t < closedUntil)
      .slice(-600);
    const expected = classifyRegimeSeries(computeIndicators(hourly), resolveRegimeParams(parseBotConfig({}).regime, '1h')).at(-1)!;
    const engine = (await runtime.db.doc(PATHS.status).get()).get('engine.BTC-USDT');
    expect(engine.timeframe).toBe('1h');
    expect(engine.lastCandleAt).toBe(closedUntil - HOUR);
    expect(engine.regime).toEqual(expected);
    expect(expected.regime).not.toBe(minute.symbols[0]!.regime); // the case can tell the two apart
  });

  it('answers 400 with the field for a bad request body', async () => {
    const runtime = make({});
    const server = await serveHttp('tick', makeTickHandler(runtime.tickDeps));
    try {
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ asOf: 'soon' }),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { issues: { field: string }[] }).issues[0]!.field).toBe('asOf');
    } finally {
      await server.close();
    }
  });
});
