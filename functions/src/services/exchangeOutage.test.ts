/**
 * Exchange faults over minutes of simulated time: the real ccxt binance client (recorded responses
 * through its own error mapping, fixtures/faults.ts), the ccxt adapter with its retries and circuit
 * breaker, and the candle window the tick refreshes every minute.
 */
import { describe, expect, it } from 'vitest';
import { timeframeMs, findGaps, type Candle, type Timeframe } from '../domain/candle.ts';
import { MarketDataError } from '../domain/errors.ts';
import type { CandleStore } from '../ports/index.ts';
import { CcxtMarketData } from '../adapters/ccxt/CcxtMarketData.ts';
import { createExchange } from '../adapters/ccxt/loadExchange.ts';
import { ccxtErrorClass } from '../adapters/ccxt/errors.ts';
import { btcKlines, exchangeInfo, installPlayer, klinesServer } from '../adapters/ccxt/fixtures/player.ts';
import { FAULTS, SimClock, withFaults, type FaultKind, type FaultWindow } from '../adapters/ccxt/fixtures/faults.ts';
import { CandleWindowCache, refreshWindow, type WindowResult } from './candleWindow.ts';

const MIN = 60_000;
const BUDGET = 20_000;
const REQUEST_TIMEOUT = 10_000;
const T0 = Date.UTC(2023, 2, 24, 18, 50, 5); // 2023-03-24: no real gap after 14:00
const OUTAGE: Pick<FaultWindow, 'fromMs' | 'untilMs'> = { fromMs: Date.UTC(2023, 2, 24, 19, 0), untilMs: Date.UTC(2023, 2, 24, 19, 10) };
const KLINES = 'GET /api/v3/klines';

class MemoryCandles implements CandleStore {
  readonly rows = new Map<number, Candle>();
  async upsert(_s: string, _tf: Timeframe, candles: readonly Candle[]): Promise<number> {
    for (const c of candles) this.rows.set(c.t, c);
    return candles.length;
  }
  async read(_s: string, _tf: Timeframe, fromMs: number, toMs: number): Promise<Candle[]> {
    return [...this.rows.values()].filter((c) => c.t >= fromMs && c.t < toMs).sort((a, b) => a.t - b.t);
  }
  async readings(): Promise<never[]> {
    return [];
  }
  async newest(): Promise<number | null> {
    return this.rows.size > 0 ? Math.max(...this.rows.keys()) : null;
  }
}

async function rig(schedule: FaultWindow[], opts: { latencyMs?: number; start?: number } = {}) {
  const clock = new SimClock(opts.start ?? T0);
  const exchange = await createExchange('binance', { enableRateLimit: false });
  const at: number[] = [];
  const klines = withFaults(klinesServer(btcKlines), clock, schedule, { latencyMs: opts.latencyMs, timeoutMs: REQUEST_TIMEOUT });
  const player = installPlayer(exchange, {
    'GET /api/v3/exchangeInfo': exchangeInfo,
    [KLINES]: (req) => {
      at.push(clock.t);
      return klines(req);
    },
  });
  const source = new CcxtMarketData({ exchange, budgetMs: BUDGET, now: clock.now, sleep: clock.sleep, random: () => 0.5 });
  const store = new MemoryCandles();
  const cache = new CandleWindowCache();
  const refresh = async (size = 120) => {
    const nowMs = clock.t;
    const closedUntil = Math.floor(nowMs / MIN) * MIN;
    const result = await refreshWindow({ symbol: 'BTC/USDT', timeframe: '1m', closedUntil, nowMs, size, cache, store, source });
    // as the tick does, once its status write is on its way
    expect(await result.store()).toBeNull();
    return result;
  };
  return { clock, source, player, store, cache, refresh, requestTimes: at };
}

type TickOutcome = { at: number; elapsed: number; result?: WindowResult; error?: MarketDataError; requests: number };

/** One refresh per minute, as Cloud Scheduler fires the tick; a tick that overran delays the next. */
async function runMinutes(r: Awaited<ReturnType<typeof rig>>, minutes: number): Promise<TickOutcome[]> {
  const out: TickOutcome[] = [];
  for (let i = 0; i < minutes; i++) {
    r.clock.t = Math.max(r.clock.t, T0 + i * MIN);
    const at = r.clock.t;
    const before = r.requestTimes.length;
    try {
      const result = await r.refresh();
      out.push({ at, elapsed: r.clock.t - at, result, requests: r.requestTimes.length - before });
    } catch (err) {
      // the only thing a tick may see from the source is the project's typed error
      expect(err).toBeInstanceOf(MarketDataError);
      out.push({ at, elapsed: r.clock.t - at, error: err as MarketDataError, requests: r.requestTimes.length - before });
    }
  }
  return out;
}

describe('fault kinds are the ccxt error classes Binance answers produce', () => {
  const expected: Record<FaultKind, string> = {
    timeout: 'RequestTimeout',
    network: 'NetworkError',
    rate_limit: 'DDoSProtection',
    ip_ban: 'DDoSProtection',
    overloaded: 'OperationFailed',
    unavailable: 'ExchangeNotAvailable',
    maintenance: 'OnMaintenance',
  };
  it.each(Object.keys(FAULTS) as FaultKind[])('%s', async (kind) => {
    const exchange = await createExchange('binance', { enableRateLimit: false });
    installPlayer(exchange, { 'GET /api/v3/exchangeInfo': exchangeInfo, [KLINES]: FAULTS[kind] });
    const err = await exchange.fetchOHLCV('BTC/USDT', '1m', T0 - 10 * MIN, 5).catch((e: unknown) => e);
    expect(ccxtErrorClass(err)).toBe(expected[kind]);
  });
});

describe('a 10-minute exchange outage, ticking every minute', () => {
  it.each(Object.keys(FAULTS) as FaultKind[])(
    '%s: ticks never crash, stay in budget, the breaker stops the calls, the window recovers by backfilling',
    async (kind) => {
      const r = await rig([{ ...OUTAGE, kind }]);
      const ticks = await runMinutes(r, 30);

      for (const t of ticks) expect(t.elapsed, new Date(t.at).toISOString()).toBeLessThanOrEqual(BUDGET + REQUEST_TIMEOUT);
      const during = ticks.filter((t) => t.at >= OUTAGE.fromMs && t.at < OUTAGE.untilMs);
      expect(during.length).toBeGreaterThanOrEqual(5);
      expect(during.every((t) => t.error)).toBe(true);
      // Once the breaker has opened, a tick sends at most one probe instead of a full retry series.
      const afterOpen = during.slice(2);
      expect(
        afterOpen.every((t) => t.requests <= 1),
        JSON.stringify(during.map((t) => t.requests)),
      ).toBe(true);
      const outageRequests = r.requestTimes.filter((t) => t >= OUTAGE.fromMs && t < OUTAGE.untilMs).length;
      expect(outageRequests).toBeLessThanOrEqual(5 + during.length);

      const recovered = ticks.find((t) => t.at >= OUTAGE.untilMs && t.result)!;
      expect(recovered.result!.ingested).toBeGreaterThanOrEqual(10); // the missed minutes, in one backfill
      const last = ticks.at(-1)!;
      expect(last.error).toBeUndefined();
      const closedUntil = Math.floor(last.at / MIN) * MIN;
      expect(last.result!.candles.at(-1)!.t).toBe(closedUntil - MIN);
      expect(findGaps(last.result!.candles, '1m')).toEqual([]);
      expect(r.source.breaker.state).toBe('closed');
    },
  );
});

describe('one fetch budget per symbol per tick, gap repairs included', () => {
  /** A warm window with three holes, on an exchange where every request takes 8 s. */
  async function holedWindow() {
    const r = await rig([], { latencyMs: 8_000, start: T0 });
    const step = timeframeMs('1m');
    const closedUntil = Math.floor(T0 / MIN) * MIN;
    const all = btcKlines
      .filter((k) => k[0] >= closedUntil - 120 * step && k[0] < closedUntil - 5 * step)
      .map((k) => ({ t: k[0], o: +k[1], h: +k[2], l: +k[3], c: +k[4], v: +k[5] }));
    const holes = [20, 50, 80].map((i) => all[i]!.t);
    r.cache.set(
      'BTC/USDT|1m',
      all.filter((c) => !holes.includes(c.t)),
    );
    return { r, holes };
  }

  it('repairs holes only while the one budget lasts, defers the rest, keeps the new candles', async () => {
    const { r, holes } = await holedWindow();
    const start = r.clock.t;
    const result = await r.refresh();
    const elapsed = r.clock.t - start;
    // new candles (8 s) + hole 1 (8 s) + hole 2 starts at 16 s with budget left and ends at 24 s; hole 3 waits.
    expect(elapsed).toBeLessThanOrEqual(BUDGET + 8_000);
    expect(result.repairsDeferred).toBe(1);
    expect(result.ingested).toBe(5);
    expect(result.candles.map((c) => c.t)).not.toContain(holes[2]);
    expect(r.cache.isUnfillable('BTC/USDT|1m', result.gaps[0]!)).toBe(false);
    // the next tick finishes the repair
    r.clock.t = start + MIN;
    const next = await r.refresh();
    expect(next.repairsDeferred).toBeUndefined();
    expect(next.candles.map((c) => c.t)).toContain(holes[2]);
  });

  it('a gap repair that fails does not lose the new candles of the tick', async () => {
    const { r } = await holedWindow();
    // new candles come through; the exchange then fails every request (the repairs)
    const failFrom = r.clock.t + 1;
    const r2 = await rig([{ fromMs: failFrom, untilMs: failFrom + 10 * MIN, kind: 'overloaded' }], { latencyMs: 8_000, start: T0 });
    r2.cache.set('BTC/USDT|1m', r.cache.get('BTC/USDT|1m')!);
    const result = await r2.refresh();
    expect(result.ingested).toBe(5);
    expect(result.repairsDeferred).toBe(3);
    expect(r2.store.rows.size).toBe(5);
  });
});
