/**
 * The live adapters (CcxtMarketData, LiveOrders, CcxtBroker) over real HTTP, with real ccxt, against
 * the exchange simulator on an ephemeral port: the same code path as production against Binance, only
 * the base URL differs (EXCHANGE_API_URL → createExchange's `apiUrl`).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CcxtBroker } from '../../functions/src/adapters/ccxt/CcxtBroker.ts';
import { CcxtMarketData } from '../../functions/src/adapters/ccxt/CcxtMarketData.ts';
import { LiveOrders, type OrderIntent } from '../../functions/src/adapters/ccxt/LiveOrders.ts';
import { createExchange } from '../../functions/src/adapters/ccxt/loadExchange.ts';
import { ReplayMarketData } from '../../functions/src/adapters/replay/ReplayMarketData.ts';
import { MarketDataError } from '../../functions/src/domain/errors.ts';
import type { Candle } from '../../functions/src/domain/candle.ts';
import { toAmount, toDecimalString, toNumber } from '../../functions/src/domain/money.ts';
import { testSignal } from '../../functions/src/domain/testing/builders.ts';
import { SimAdmin } from './client.ts';
import type { FaultConfigInput } from './faults.ts';
import { startExchangeSim, type RunningSim } from './server.ts';

const KEY = { apiKey: 'simkey000000001', secret: 'simsecret0000000001' };
const T = Date.parse('2023-03-24T18:00:30Z');
const market = { t: T };
/** the simulator's wall clock, and the adapters': a test moves both past the exchange's lag */
const skew = { ms: 0 };
const wallNow = () => Date.now() + skew.ms;

// Real HTTP and the first parse of the bundled candle files: slow on a loaded machine, never timed.
vi.setConfig({ testTimeout: 60_000 });
let running: RunningSim;
let admin: SimAdmin;

beforeAll(async () => {
  running = await startExchangeSim({
    marketClock: { now: () => market.t },
    wallClock: { now: wallNow },
    keys: [KEY],
    balances: { USDT: '10000' },
  });
  admin = new SimAdmin(running.url);
});
afterAll(() => running.stop());
afterEach(async () => {
  await admin.clearFaults();
  market.t = T;
  skew.ms = 0;
  await admin.setMatching({ fillLegs: 1 });
});

/** ccxt as production builds it, pointed at the simulator; short timeout and a wide recvWindow for the skewed clock. */
const exchange = (over: Record<string, unknown> = {}) =>
  createExchange('binance', {
    apiUrl: running.url,
    enableRateLimit: false,
    timeout: 1_000,
    ...KEY,
    options: { recvWindow: 60_000 },
    ...over,
  });

let n = 0;
const intent = (over: Partial<OrderIntent> = {}): OrderIntent => ({
  signalId: `sig${Date.now().toString(36)}x${++n}`,
  symbol: 'BTC/USDT',
  side: 'buy',
  qty: toAmount('0.01'),
  ...over,
});

async function liveOrders() {
  return new LiveOrders({
    exchange: await exchange(),
    now: wallNow,
    sleep: async () => {},
    random: () => 0.5,
    notFoundLagMs: 3_000,
    budgetMs: 5_000,
    onWarning: () => {},
  });
}

/** What executeSignal keeps in orders/{signalId}: the time of the last attempt sent. */
function attempts() {
  const at: number[] = [];
  return { at, hooks: { beforeSend: async (t: number) => void at.push(t) } };
}

const ordersFor = async (clientOrderId: string) => (await admin.state()).orders.filter((o) => o.clientOrderId === clientOrderId);

describe('CcxtMarketData against the simulator', () => {
  it("serves exactly the replay source's closed candles, paged, and never one that has not closed", async () => {
    const source = new CcxtMarketData({ exchange: await exchange(), pageLimit: 100, sleep: async () => {} });
    const req = { symbol: 'BTC/USDT', timeframe: '1m' as const, sinceMs: T - 6 * 3_600_000, untilMs: T + 3_600_000, nowMs: T + 3_600_000 };
    const got = await source.fetchClosedCandles(req);
    const replay = await new ReplayMarketData().fetchClosedCandles({ ...req, nowMs: T });
    expect(got.length).toBeGreaterThan(250); // several pages, across the real 80-minute outage of that day
    expect(got).toEqual(replay);
    expect(got.at(-1)!.t + 60_000).toBeLessThanOrEqual(T);
  });

  it('rolls up the 4h candles the replay serves (on the wire, as Binance, with 8 decimals)', async () => {
    const source = new CcxtMarketData({ exchange: await exchange(), sleep: async () => {} });
    const req = { symbol: 'ETH/USDT', timeframe: '4h' as const, sinceMs: T - 20 * 86_400_000, untilMs: T, nowMs: T };
    const eightDecimals = (c: Candle) => ({ ...c, v: toNumber(toAmount(c.v)) }); // a rolled-up volume is a sum of doubles
    const replay = (await new ReplayMarketData().fetchClosedCandles(req)).map(eightDecimals);
    expect(replay.length).toBeGreaterThan(100);
    expect(await source.fetchClosedCandles(req)).toEqual(replay);
  });

  it('retries through a 429 and a plain-text 503 within its budget', async () => {
    await admin.setFaults({
      rules: [
        { kind: 'rate_limit', routes: ['GET /api/v3/klines'], count: 1, retryAfterSec: 1 },
        { kind: 'server_error_text', routes: ['GET /api/v3/klines'], count: 1 },
      ],
    });
    const source = new CcxtMarketData({ exchange: await exchange(), sleep: async () => {}, random: () => 0 });
    const got = await source.fetchClosedCandles({ symbol: 'BTC/USDT', timeframe: '1m', sinceMs: T - 600_000, untilMs: T, nowMs: T });
    expect(got.map((c) => c.t)).toEqual(Array.from({ length: 9 }, (_, i) => T - 30_000 - (9 - i) * 60_000)); // 17:51 … 17:59
    expect((await admin.state()).faultHits).toMatchObject({ rate_limit: 1, server_error_text: 1 });
  });
});

describe('signed requests are checked like Binance', () => {
  it('a wrong secret is refused (-1022), an unknown key too (-2015), and neither is retried', async () => {
    const wrongSecret = await exchange({ secret: 'notthesecret0001' });
    await expect(wrongSecret.fetchBalance()).rejects.toMatchObject({
      name: 'AuthenticationError',
      message: expect.stringContaining('-1022'),
    });
    const unknownKey = await exchange({ apiKey: 'unknownkey000001' });
    await expect(unknownKey.fetchBalance()).rejects.toMatchObject({
      name: 'AuthenticationError',
      message: expect.stringContaining('-2015'),
    });
    const live = new LiveOrders({ exchange: wrongSecret, sleep: async () => {}, onWarning: () => {} });
    expect(await live.place(intent(), attempts().hooks)).toMatchObject({ status: 'rejected', errorClass: 'AuthenticationError' });
  });

  it('a timestamp outside recvWindow is -1021 (ccxt InvalidNonce)', async () => {
    skew.ms = 10_000; // the server's clock is 10 s ahead of ccxt's; ccxt's default recvWindow is 5 s
    const ex = await createExchange('binance', { apiUrl: running.url, enableRateLimit: false, ...KEY });
    await expect(ex.fetchBalance()).rejects.toMatchObject({ name: 'InvalidNonce', message: expect.stringContaining('-1021') });
  });

  it("serves the key's permissions; trading without the trading permission is refused", async () => {
    await admin.setKey({
      apiKey: 'readonlykey00001',
      secret: 'readonlysecret01',
      permissions: { enableSpotAndMarginTrading: false, enableWithdrawals: true, tradingAuthorityExpirationTime: 1_900_000_000_000 },
    });
    const ex = await exchange({ apiKey: 'readonlykey00001', secret: 'readonlysecret01' });
    expect(await ex.sapiGetAccountApiRestrictions()).toMatchObject({
      enableReading: true,
      enableSpotAndMarginTrading: false,
      enableWithdrawals: true,
      ipRestrict: false,
      tradingAuthorityExpirationTime: 1_900_000_000_000,
    });
    const broker = new CcxtBroker({ exchange: ex, sleep: async () => {}, onWarning: () => {} });
    await expect(
      broker.fill({ signal: testSignal({ symbol: 'BTC/USDT', candleTime: T - 3_600_000 }), qty: toAmount('0.001') }),
    ).rejects.toMatchObject({ kind: 'permanent' });
  });
});

describe('LiveOrders / CcxtBroker against the simulator: exactly once', () => {
  it('a market buy fills at the current price with slippage; the Fill is what the balances moved', async () => {
    const live = await liveOrders();
    const before = (await admin.state()).balances;
    const out = await live.place(intent({ qty: toAmount('0.01234') }), attempts().hooks);
    expect(out.status).toBe('filled');
    if (out.status !== 'filled') return;
    const after = (await admin.state()).balances;
    expect(toDecimalString(out.fill.qty)).toBe(toDecimalString(toAmount(after.BTC!.free) - toAmount(before.BTC?.free ?? '0')));
    expect(out.fill.notional + out.fill.fee).toBe(toAmount(before.USDT!.free) - toAmount(after.USDT!.free));
    // the 18:00 candle's close, 27609.99, plus 2 bps of slippage rounded up to the 0.01 tick
    expect(toDecimalString(out.fill.price)).toBe('27615.52000000');
  });

  it('split fills (fillLegs 3) map to one exact Fill', async () => {
    await admin.setMatching({ fillLegs: 3 });
    const live = await liveOrders();
    const i = intent({ qty: toAmount('0.03') });
    const out = await live.place(i, attempts().hooks);
    const [order] = await ordersFor(i.signalId);
    expect(order!.fills).toHaveLength(3);
    expect(out).toMatchObject({ status: 'filled', fill: { qty: toAmount('0.02997') } });
  });

  const faultCases: [string, FaultConfigInput, Record<string, number>][] = [
    [
      'the create succeeds but answers 503 -1007',
      { rules: [{ kind: 'unknown_status', routes: ['POST /api/v3/order'], count: 1, afterEffect: true }] },
      { unknown_status: 1 },
    ],
    [
      'the create succeeds but answers a plain-text 502',
      { rules: [{ kind: 'server_error_text', status: 502, routes: ['POST /api/v3/order'], count: 1, afterEffect: true }] },
      { server_error_text: 1 },
    ],
    [
      "the create succeeds but hangs past ccxt's timeout",
      { rules: [{ kind: 'timeout', ms: 2_000, routes: ['POST /api/v3/order'], count: 1, afterEffect: true }] },
      { timeout: 1 },
    ],
    [
      'the create succeeds, answers 503, and the order is invisible (-2013) for 2 s',
      { orderLag: { ms: 2_000 }, rules: [{ kind: 'server_error_json', routes: ['POST /api/v3/order'], count: 1, afterEffect: true }] },
      { server_error_json: 1, order_lag: 1 },
    ],
  ];
  it.each(faultCases)('%s: unknown, then the redelivery finds it; one order at the exchange', async (_name, faults, hits) => {
    await admin.setFaults(faults);
    const live = await liveOrders();
    const { at, hooks } = attempts();
    const first = intent();
    expect(await live.place(first, hooks)).toMatchObject({ status: 'unknown' });
    expect(at).toHaveLength(1);
    // Redeliveries, with the attempt recorded: inside the lag nothing is placed again.
    const again = { ...first, lastAttemptAt: at[0]! };
    let out = await live.place(again, hooks);
    for (let i = 0; out.status === 'unknown' && i < 5; i++) {
      skew.ms += 1_000;
      out = await live.place(again, hooks);
    }
    expect(out).toMatchObject({ status: 'filled', clientOrderId: first.signalId });
    expect(at).toHaveLength(1);
    expect(await ordersFor(first.signalId)).toHaveLength(1);
    expect((await admin.state()).faultHits).toEqual(hits);
  });

  it('a 429 on the lookup and a 5xx on the create before it takes effect: nothing placed, the redelivery places once', async () => {
    await admin.setFaults({
      rules: [
        { kind: 'server_error_json', routes: ['POST /api/v3/order'], count: 1 },
        { kind: 'rate_limit', routes: ['GET /api/v3/order'], count: 1 },
      ],
    });
    const live = await liveOrders();
    const { at, hooks } = attempts();
    const first = intent();
    expect(await live.place(first, hooks)).toMatchObject({ status: 'unknown' });
    expect(await ordersFor(first.signalId)).toHaveLength(0);
    skew.ms += 3_500; // past the not-found lag of the recorded attempt
    expect(await live.place({ ...first, lastAttemptAt: at[0]! }, hooks)).toMatchObject({ status: 'filled' });
    expect(await ordersFor(first.signalId)).toHaveLength(1);
    expect((await admin.state()).faultHits).toMatchObject({ rate_limit: 1, server_error_json: 1 });
  });

  it('exchange rejections are final: LOT_SIZE, NOTIONAL, insufficient balance', async () => {
    const live = await liveOrders();
    expect(await live.place(intent({ qty: toAmount('0.0001') }), attempts().hooks)).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('NOTIONAL'),
    });
    expect(await live.place(intent({ qty: toAmount('5') }), attempts().hooks)).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('insufficient balance'),
    });
    const held = toAmount((await admin.state()).balances.BTC?.free ?? '0');
    expect(await live.place(intent({ side: 'sell', qty: held + toAmount('1') }), attempts().hooks)).toMatchObject({ status: 'rejected' });
  });

  it('a sell of what is held sells the step-floored amount and reports the rest as dust', async () => {
    const live = await liveOrders();
    const held = toAmount((await admin.state()).balances.BTC!.free);
    const out = await live.place(intent({ side: 'sell', qty: held }), attempts().hooks);
    expect(out.status).toBe('filled');
    const left = toAmount((await admin.state()).balances.BTC!.free);
    expect(left).toBeLessThan(toAmount('0.00001'));
    expect(out.status === 'filled' && (out.fill.dust ?? 0n)).toBe(left);
  });

  it('CcxtBroker.fill: a Fill, or a MarketDataError saying whether a retry can help', async () => {
    const broker = new CcxtBroker({ exchange: await exchange(), sleep: async () => {}, onWarning: () => {}, notFoundLagMs: 3_000 });
    const signal = testSignal({ symbol: 'ETH/USDT', candleTime: T - 3_600_000 });
    expect(await broker.fill({ signal, qty: toAmount('0.01') })).toMatchObject({ qty: toAmount('0.00999') });
    await admin.setFaults({ rules: [{ kind: 'ip_ban', retryAfterSec: 60 }] });
    const err = await broker
      .fill({ signal: testSignal({ symbol: 'ETH/USDT', candleTime: T - 7_200_000 }), qty: toAmount('0.01') })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarketDataError);
    expect((err as MarketDataError).kind).toBe('temporary');
  });
});
