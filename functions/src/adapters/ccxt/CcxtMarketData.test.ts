import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { MarketDataError } from '../../domain/errors.ts';
import { retryInfo } from './retry.ts';
import { CcxtMarketData, toCandle, type CcxtMarketDataOptions } from './CcxtMarketData.ts';
import { createExchange } from './loadExchange.ts';
import {
  btcKlines,
  exchangeInfo,
  installPlayer,
  klinesServer,
  networkFault,
  recorded,
  timeoutFault,
  type Route,
} from './fixtures/player.ts';

const MIN = 60_000;
const DAY_START = Date.UTC(2023, 2, 24); // the recorded day, 2023-03-24 UTC
const DAY_END = DAY_START + 1_440 * MIN;
const OUTAGE_FROM = Date.UTC(2023, 2, 24, 12, 40); // Binance spot halt: no candles 12:40–13:59
const OUTAGE_TO = Date.UTC(2023, 2, 24, 14, 0);
const KLINES = 'GET /api/v3/klines';

/** Real ccxt binance instance whose HTTP is the player; a fake clock that moves only when we sleep. */
async function setup(
  klines: Route = klinesServer(btcKlines),
  opts: { budgetMs?: number; info?: Route; retry?: CcxtMarketDataOptions['retry'] } = {},
) {
  // enableRateLimit off: ccxt's throttler waits on the real clock, which the tests must not depend on.
  const exchange = await createExchange('binance', { enableRateLimit: false });
  const player = installPlayer(exchange, { 'GET /api/v3/exchangeInfo': opts.info ?? exchangeInfo, [KLINES]: klines });
  let t = DAY_END + 5 * MIN;
  const waits: number[] = [];
  const md = new CcxtMarketData({
    exchange,
    budgetMs: opts.budgetMs ?? 20_000,
    ...(opts.retry && { retry: opts.retry }),
    now: () => t,
    sleep: async (ms) => {
      waits.push(ms);
      t += ms;
    },
    random: () => 0.5,
  });
  return { md, player, waits, elapsed: () => t - (DAY_END + 5 * MIN) };
}

const wholeDay = { symbol: 'BTC/USDT', timeframe: '1m', sinceMs: DAY_START, untilMs: DAY_END, nowMs: DAY_END + 5 * MIN } as const;

describe('CcxtMarketData over recorded Binance responses', () => {
  it('paginates a day of 1m candles (>1000) from since, across a real outage gap', async () => {
    const { md, player } = await setup();
    const candles = await md.fetchClosedCandles(wholeDay);

    expect(candles).toHaveLength(1_360); // 1440 minutes − 80 missing during the outage
    expect(candles[0]!.t).toBe(DAY_START);
    expect(candles.at(-1)!.t).toBe(DAY_END - MIN);
    expect(candles.every((c, i) => i === 0 || c.t > candles[i - 1]!.t)).toBe(true);
    expect(candles.some((c) => c.t >= OUTAGE_FROM && c.t < OUTAGE_TO)).toBe(false);

    const pages = player.requests.filter((r) => r.path === '/api/v3/klines').map((r) => Object.fromEntries(r.params));
    expect(pages).toHaveLength(2);
    expect(pages[0]).toMatchObject({
      symbol: 'BTCUSDT',
      interval: '1m',
      startTime: String(DAY_START),
      limit: '1000',
      endTime: String(DAY_END - 1),
    });
    // page 1 held 1000 rows and skipped the 80-minute gap, so it ended at 17:59
    expect(pages[1]).toMatchObject({ startTime: String(Date.UTC(2023, 2, 24, 18, 0)), limit: '360' });
  });

  it('returns the real bundled candles, unchanged', async () => {
    const csv = gunzipSync(readFileSync(new URL('../../../data/candles/BTC_USDT-1m.csv.gz', import.meta.url))).toString('utf8');
    const row = csv.split('\n').find((l) => l.startsWith(`${DAY_START},`))!;
    const [t, o, h, l, c, v] = row.split(',').map(Number);
    const { md } = await setup();
    const [first] = await md.fetchClosedCandles({ ...wholeDay, untilMs: DAY_START + MIN });
    expect(first).toEqual({ t, o, h, l, c, v });
  });

  it('never returns the forming candle', async () => {
    const now = Date.UTC(2023, 2, 24, 18, 0, 30); // 30 s into the 18:00 candle
    const { md, player } = await setup();
    const candles = await md.fetchClosedCandles({ ...wholeDay, sinceMs: Date.UTC(2023, 2, 24, 17, 30), untilMs: DAY_END, nowMs: now });
    expect(candles.at(-1)!.t).toBe(Date.UTC(2023, 2, 24, 17, 59));
    expect(candles).toHaveLength(30);
    // it is not even requested: endTime stops before the forming candle opens
    expect(player.requests.at(-1)!.params.get('endTime')).toBe(String(Date.UTC(2023, 2, 24, 18, 0) - 1));
  });

  it('drops the forming candle when the source returns it anyway', async () => {
    const now = Date.UTC(2023, 2, 24, 18, 0, 30);
    const { md } = await setup(klinesServer(btcKlines, { ignoreEndTime: true }));
    const candles = await md.fetchClosedCandles({ ...wholeDay, sinceMs: now - 30 * MIN, untilMs: DAY_END, nowMs: now });
    expect(candles.at(-1)!.t).toBe(Date.UTC(2023, 2, 24, 17, 59));
    expect(candles.every((c) => c.t + MIN <= now)).toBe(true);
  });

  it('keeps [since, until): rounds since up to the grid, excludes until', async () => {
    const { md } = await setup();
    const candles = await md.fetchClosedCandles({ ...wholeDay, sinceMs: DAY_START + 30_000, untilMs: DAY_START + 10 * MIN });
    expect(candles.map((c) => (c.t - DAY_START) / MIN)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('retries a NetworkError twice, then returns the candles (3 attempts)', async () => {
    const retries: number[] = [];
    const { md, player, waits } = await setup([networkFault, timeoutFault, klinesServer(btcKlines)], {
      retry: { onRetry: ({ attempt }) => retries.push(attempt) },
    });
    const candles = await md.fetchClosedCandles({ ...wholeDay, untilMs: DAY_START + 60 * MIN });
    expect(candles).toHaveLength(60);
    expect(player.count(KLINES)).toBe(3);
    expect(waits).toHaveLength(2);
    expect(retries).toEqual([1, 2]);
  });

  it('retries rate limits (HTTP 429 and 418) with the longer rate-limit backoff', async () => {
    const { md, player, waits } = await setup([recorded.tooMuchWeight!, recorded.ipBanned!, klinesServer(btcKlines)]);
    const candles = await md.fetchClosedCandles({ ...wholeDay, untilMs: DAY_START + 60 * MIN });
    expect(candles).toHaveLength(60);
    expect(player.count(KLINES)).toBe(3);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(500); // never an immediate retry after a 429
  });

  it('retries 503s, JSON or not', async () => {
    const { md, player } = await setup([recorded.serverOverloaded!, recorded.serviceUnavailable!, klinesServer(btcKlines)]);
    await expect(md.fetchClosedCandles({ ...wholeDay, untilMs: DAY_START + 5 * MIN })).resolves.toHaveLength(5);
    expect(player.count(KLINES)).toBe(3);
  });

  it('does not retry an invalid symbol (Binance -1121 → BadSymbol → permanent)', async () => {
    const { md, player } = await setup();
    const err = await md.fetchClosedCandles({ ...wholeDay, symbol: 'ETH/USDT' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketDataError);
    expect((err as MarketDataError).kind).toBe('permanent');
    expect((err as MarketDataError).message).toMatch(/^BadSymbol: binance \{"code":-1121,"msg":"Invalid symbol."\}/);
    expect(retryInfo(err)).toEqual({ attempts: 1, stoppedBy: 'not_retryable' });
    expect(player.count(KLINES)).toBe(1);
  });

  it('does not retry a symbol the exchange does not list (ccxt BadSymbol, no request)', async () => {
    const { md, player } = await setup();
    const err = (await md.fetchClosedCandles({ ...wholeDay, symbol: 'DOGE/EUR' }).catch((e: unknown) => e)) as MarketDataError;
    expect(err.kind).toBe('permanent');
    expect(player.count(KLINES)).toBe(0);
  });

  it('gives up with a temporary error when the budget is spent', async () => {
    const { md, player, elapsed } = await setup(networkFault, { budgetMs: 2_000, retry: { maxAttempts: 100 } });
    const err = await md.fetchClosedCandles(wholeDay).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketDataError);
    expect((err as MarketDataError).kind).toBe('temporary');
    expect(retryInfo(err)?.stoppedBy).toBe('budget');
    expect(retryInfo(err)?.attempts).toBe(player.count(KLINES));
    expect(elapsed()).toBeLessThanOrEqual(2_000);
  });

  it('recovers from a failed exchangeInfo on the next attempt (ccxt caches the rejected promise)', async () => {
    const { md, player } = await setup(klinesServer(btcKlines), { info: [recorded.serviceUnavailable!, exchangeInfo] });
    await expect(md.fetchClosedCandles({ ...wholeDay, untilMs: DAY_START + 5 * MIN })).resolves.toHaveLength(5);
    expect(player.count('GET /api/v3/exchangeInfo')).toBe(2);
    // and markets stay loaded afterwards: no third exchangeInfo
    await md.fetchClosedCandles({ ...wholeDay, untilMs: DAY_START + 5 * MIN });
    expect(player.count('GET /api/v3/exchangeInfo')).toBe(2);
  });

  it('returns nothing, without a request, for an empty or not-yet-closed range', async () => {
    const { md, player } = await setup();
    expect(await md.fetchClosedCandles({ ...wholeDay, untilMs: DAY_START })).toEqual([]);
    expect(await md.fetchClosedCandles({ ...wholeDay, nowMs: DAY_START + 30_000 })).toEqual([]);
    expect(player.count(KLINES)).toBe(0);
  });

  it('names itself after the exchange', async () => {
    const { md } = await setup();
    expect(md.name).toBe('ccxt:binance');
  });
});

describe('toCandle', () => {
  it('maps a row and rejects incomplete ones', () => {
    expect(toCandle([1, 2, 3, 0.5, 2.5, 10])).toEqual({ t: 1, o: 2, h: 3, l: 0.5, c: 2.5, v: 10 });
    expect(toCandle([1, 2, 3, 0.5, undefined as unknown as number, 10])).toBeUndefined();
    expect(toCandle([1.5, 2, 3, 0.5, 2.5, 10])).toBeUndefined();
  });
});
