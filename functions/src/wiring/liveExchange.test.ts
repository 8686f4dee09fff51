/**
 * A live runtime talks to the exchange through one ccxt instance: the tick's market data, its account
 * reads (reconciliation), the venue's rules and executeOrder's broker share the broker's, so a cold
 * instance loads the exchange's markets once. Counted from the outside: the requests the exchange
 * simulator (over HTTP, on an ephemeral port) receives.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseEnv } from '../config/load.ts';
import { startExchangeSim, type RunningSim } from '../../../scripts/exchangeSim/server.ts';
import { createRuntime } from './trading.ts';

vi.setConfig({ testTimeout: 60_000 });
const KEY = { apiKey: 'sharedkey0000001', secret: 'sharedsecret0000001' };
const T = Date.parse('2023-03-24T18:00:30Z');
const routes: string[] = [];
let sim: RunningSim;

beforeAll(async () => {
  sim = await startExchangeSim({
    marketClock: { now: () => T },
    keys: [KEY],
    balances: { USDT: '10000' },
    log: (line) => routes.push((JSON.parse(line) as { route?: string }).route ?? line),
  });
});
afterAll(() => sim.stop());

describe('a live runtime', () => {
  it('loads the exchange markets once for the market data, the account, the venue and the broker', async () => {
    const runtime = createRuntime(
      parseEnv({
        PROJECT_ID: 'demo-eagle-shared-exchange',
        LOG_LEVEL: 'error',
        TRADING_MODE: 'live',
        MARKET_SOURCE: 'ccxt',
        EXCHANGE_API_URL: sim.url,
        EXCHANGE_API_KEY: KEY.apiKey,
        EXCHANGE_API_SECRET: KEY.secret,
        SYMBOLS: 'BTC/USDT',
        TIMEFRAME: '1m',
      }),
    );
    try {
      const tick = await runtime.tickDeps();
      const exec = await runtime.executeDeps();
      const candles = await tick.source.fetchClosedCandles({
        symbol: 'BTC/USDT',
        timeframe: '1m',
        sinceMs: T - 10 * 60_000,
        untilMs: T,
        nowMs: T,
      });
      expect(candles.length).toBeGreaterThan(0);
      expect(Object.keys(await tick.account!.balances())).toContain('USDT');
      expect((await tick.venue.rules()).rulesFor('BTC/USDT')).not.toBeNull();
      expect(exec.broker({ feeBps: 10, slippageBps: 0 }).name).toBe(tick.source.name);
      // each of the four asked the exchange something, and the markets came once
      expect(routes.filter((r) => r.endsWith('/klines')).length).toBeGreaterThan(0);
      expect(routes.filter((r) => r.endsWith('/account')).length).toBeGreaterThan(0);
      expect(routes.filter((r) => r.endsWith('/exchangeInfo'))).toEqual(['GET /api/v3/exchangeInfo']);
    } finally {
      await runtime.db.terminate();
    }
  });
});
