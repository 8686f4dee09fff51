/** The simulator's own rules: matching, resting limit orders, admin endpoints, deterministic faults. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createExchange } from '../../functions/src/adapters/ccxt/loadExchange.ts';
import { SimAdmin, SimAdminError } from './client.ts';
import { Faults, FaultConfigSchema } from './faults.ts';
import { startExchangeSim, type RunningSim } from './server.ts';

const KEY = { apiKey: 'simkey000000002', secret: 'simsecret0000000002' };
const T = Date.parse('2023-03-24T18:00:30Z');
const market = { t: T };
// Real HTTP and the first parse of the bundled candle files: slow on a loaded machine, never timed.
vi.setConfig({ testTimeout: 60_000 });
let running: RunningSim;
let admin: SimAdmin;

beforeAll(async () => {
  running = await startExchangeSim({ marketClock: { now: () => market.t }, keys: [KEY], balances: { USDT: '1000' } });
  admin = new SimAdmin(running.url);
});
afterAll(() => running.stop());

const exchange = () => createExchange('binance', { apiUrl: running.url, enableRateLimit: false, ...KEY });

describe('exchange simulator', () => {
  it('a resting limit buy locks its quote, fills at its price once a later closed candle trades through it', async () => {
    const ex = await exchange();
    // 27,300 is below the 18:00 price (27,609.99); BTC first traded that low in the 21:21 candle that day
    const order = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 27_300, { clientOrderId: 'rest1' });
    expect(order.status).toBe('open');
    expect((await admin.state()).balances.USDT).toEqual({ free: '727.00000000', locked: '273.00000000' });
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 27_300, { clientOrderId: 'rest1' })).rejects.toThrow(
      /Duplicate order sent/,
    );
    market.t = Date.parse('2023-03-24T21:21:59Z');
    expect((await ex.fetchOrder(order.id!, 'BTC/USDT')).status).toBe('open');
    market.t = Date.parse('2023-03-24T21:22:00Z');
    const filled = await ex.fetchOrder(order.id!, 'BTC/USDT');
    expect(filled).toMatchObject({ status: 'closed', average: 27_300, filled: 0.01 });
    expect((await admin.state()).balances).toMatchObject({
      USDT: { free: '727.00000000', locked: '0.00000000' },
      BTC: { free: '0.00999000', locked: '0.00000000' },
    });
    // a filled order's client id may be used again (Binance refuses duplicates among OPEN orders only)
    await expect(ex.createOrder('BTC/USDT', 'market', 'buy', 0.001, undefined, { clientOrderId: 'rest1' })).resolves.toMatchObject({
      status: 'closed',
    });
    market.t = T;
  });

  it('admin: deposits, withdrawals, manual trades and unbooked fills move the balances; bad bodies are refused by name', async () => {
    await admin.setBalances({ balances: { USDT: '500', ETH: '0' } });
    await admin.deposit({ asset: 'USDT', amount: '250.5' });
    expect((await admin.withdraw({ asset: 'USDT', amount: '0.5' })).USDT).toEqual({ free: '750.00000000', locked: '0.00000000' });
    const manual = await admin.manualTrade({ symbol: 'ETH/USDT', side: 'BUY', quantity: '0.1' });
    expect(manual).toMatchObject({ status: 'FILLED', executedQty: '0.10000000' });
    const unbooked = await admin.unbookedFill({ symbol: 'ETHUSDT', side: 'SELL', quantity: '0.05', clientOrderId: 'botlike00000001' });
    expect(unbooked).toMatchObject({ status: 'FILLED', clientOrderId: 'botlike00000001' });
    const s = await admin.state();
    expect(s.orders.filter((o) => o.source === 'manual')).toHaveLength(2);
    expect(s.balances.ETH!.free).toBe('0.04990000'); // 0.1 − its 0.0001 ETH fee − 0.05 sold
    await expect(admin.withdraw({ asset: 'ETH', amount: '1' })).rejects.toBeInstanceOf(SimAdminError);
    await expect(admin.deposit({ asset: 'usdt', amount: '1' } as never)).rejects.toMatchObject({ status: 400 });
    await expect(admin.setFaults({ rules: [{ kind: 'earthquake' }] } as never)).rejects.toMatchObject({ status: 400 });
  });

  it('a market order with no candle yet (before the bundled data) expires with nothing filled', async () => {
    market.t = Date.parse('2020-01-01T00:00:00Z');
    const ex = await exchange();
    await expect(ex.createOrder('SOL/USDT', 'market', 'buy', 1)).resolves.toMatchObject({ status: 'expired', filled: 0 });
    market.t = T;
  });
});

describe('faults', () => {
  it('are a function of the seed and the order of requests', () => {
    const config = FaultConfigSchema.parse({
      seed: 42,
      rules: [
        { kind: 'rate_limit', probability: 0.3 },
        { kind: 'latency', ms: 5, probability: 0.5 },
      ],
    });
    const run = () => {
      const f = new Faults(config);
      return Array.from({ length: 200 }, () => f.decide('GET /api/v3/order')).map((d) => `${d.fault?.kind ?? '-'}${d.latencyMs}`);
    };
    const a = run();
    expect(run()).toEqual(a);
    const limited = a.filter((x) => x.startsWith('rate_limit')).length;
    expect(limited).toBeGreaterThan(30);
    expect(limited).toBeLessThan(90);
    const other = new Faults(FaultConfigSchema.parse({ ...config, seed: 43 }));
    expect(
      Array.from({ length: 200 }, () => other.decide('GET /api/v3/order')).map((d) => `${d.fault?.kind ?? '-'}${d.latencyMs}`),
    ).not.toEqual(a);
  });

  it('`count` spends a rule; `routes` limits it', () => {
    const f = new Faults(FaultConfigSchema.parse({ rules: [{ kind: 'timestamp', count: 2, routes: ['POST /api/v3/order'] }] }));
    expect(f.decide('GET /api/v3/order').fault).toBeUndefined();
    expect([1, 2, 3].map(() => f.decide('POST /api/v3/order').fault?.kind)).toEqual(['timestamp', 'timestamp', undefined]);
  });
});
