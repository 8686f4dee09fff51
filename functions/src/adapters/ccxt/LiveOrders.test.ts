import { describe, expect, it } from 'vitest';
import { toAmount } from '../../domain/money.ts';
import { LiveOrders, type OrderIntent, type OrderOutcome } from './LiveOrders.ts';
import { createExchange } from './loadExchange.ts';
import { exchangeInfo, installPlayer, recorded, timeoutFault, type PlayedRequest, type Route } from './fixtures/player.ts';

const CREATE = 'POST /api/v3/order';
const QUERY = 'GET /api/v3/order';
const TRADES = 'GET /api/v3/myTrades';
const T = Date.UTC(2023, 2, 24, 18, 0, 5);
const BUY_ID = '5f1c0e7a9b3d4c2e8f6a1b0c9d8e7f6a'; // the clientOrderId of the recorded buy
const SELL_ID = '9b8a7c6d5e4f30211203f4e5d6c7b8a9';

async function setup(routes: Partial<Record<string, Route>>) {
  const exchange = await createExchange('binance', { enableRateLimit: false, apiKey: 'test-key', secret: 'test-secret' });
  const player = installPlayer(exchange, { 'GET /api/v3/exchangeInfo': exchangeInfo, ...routes });
  const clock = { t: T };
  const live = new LiveOrders({
    exchange,
    now: () => clock.t,
    sleep: async (ms) => void (clock.t += ms),
    random: () => 0.5,
    onWarning: () => {},
  });
  /** A durable attempt record, as executeSignal would keep it in orders/{signalId}. */
  const attempts: number[] = [];
  const hooks = { beforeSend: async (at: number) => void attempts.push(at) };
  return { live, player, clock, attempts, hooks };
}

const buy = (over: Partial<OrderIntent> = {}): OrderIntent => ({
  signalId: BUY_ID,
  symbol: 'BTC/USDT',
  side: 'buy',
  qty: toAmount('0.01234'),
  ...over,
});
const status = (o: OrderOutcome | { status: string }) => o.status;

/** GET /api/v3/order: by origClientOrderId and by orderId answered separately. */
const orderQuery =
  (byClientId: Route, byOrderId: Route): Route =>
  (req: PlayedRequest) => {
    const route = req.params.has('origClientOrderId') ? byClientId : byOrderId;
    return typeof route === 'function' ? route(req) : (route as never);
  };

describe('LiveOrders: exactly once at the exchange', () => {
  it('places a never-sent order after recording the attempt, and maps the fill', async () => {
    const { live, player, attempts, hooks } = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: recorded.orderMarketBuyFull! });
    const out = await live.place(buy(), hooks);
    expect(out).toMatchObject({ status: 'filled', orderId: '20188932140', clientOrderId: BUY_ID });
    expect(out.status === 'filled' && out.fill.dust).toBeFalsy();
    expect(attempts).toEqual([T]);
    expect(player.count(CREATE)).toBe(1);
  });

  it('"not found" for an order that exists: unknown inside the lag, never placed twice, filled once visible', async () => {
    // delivery 1: the create times out (the order WAS created); deliveries 2 and 3: Binance still says -2013.
    const { live, player, clock, attempts, hooks } = await setup({
      [QUERY]: [recorded.orderDoesNotExist!, recorded.orderDoesNotExist!, recorded.orderDoesNotExist!, recorded.orderMarketBuyQuery!],
      [CREATE]: timeoutFault,
      [TRADES]: [{ status: 200, body: [] }, { status: 200, body: [] }, recorded.myTradesForBuy!],
    });
    const first = await live.place(buy(), hooks);
    expect(first).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/outcome of the order unknown: RequestTimeout/) });
    const intent = buy({ lastAttemptAt: attempts[0]! });

    clock.t += 15_000; // Pub/Sub's minimum redelivery backoff
    const second = await live.place(intent, hooks);
    expect(second).toMatchObject({ status: 'unknown', retryAfterMs: 60_000 - 15_000 - 0 });
    clock.t += 20_000;
    expect(status(await live.place(intent, hooks))).toBe('unknown');
    expect(player.count(CREATE)).toBe(1);

    clock.t += 30_000; // the order is visible now
    const last = await live.place(intent, hooks);
    expect(last).toMatchObject({ status: 'filled', orderId: '20188932140' });
    expect(player.count(CREATE)).toBe(1);
    expect(attempts).toHaveLength(1);
  });

  it('finds the order through its trades when the client-id lookup still says "not found"', async () => {
    const { live, player, hooks } = await setup({
      [QUERY]: orderQuery(recorded.orderDoesNotExist!, recorded.orderMarketBuyQuery!),
      [TRADES]: recorded.myTradesForBuy!,
      [CREATE]: recorded.orderMarketBuyFull!,
    });
    const out = await live.place(buy({ lastAttemptAt: T - 2_000 }), hooks);
    expect(out).toMatchObject({ status: 'filled', orderId: '20188932140' });
    expect(player.count(CREATE)).toBe(0);
    const byId = player.requests.filter((r) => r.path === '/api/v3/order' && r.params.has('orderId'));
    expect(byId.map((r) => r.params.get('orderId'))).toContain('20188932140');
  });

  it('a trade whose order cannot be seen yet keeps the outcome unknown', async () => {
    const { live, player, hooks } = await setup({
      [QUERY]: recorded.orderDoesNotExist!,
      [TRADES]: recorded.myTradesForBuy!,
      [CREATE]: recorded.orderMarketBuyFull!,
    });
    const out = await live.place(buy({ lastAttemptAt: T - 90_000 }), hooks);
    expect(status(out)).toBe('unknown');
    expect(player.count(CREATE)).toBe(0);
  });

  it('places again only when the lag since the last attempt is over and nothing is found', async () => {
    const { live, player, attempts, hooks } = await setup({
      [QUERY]: recorded.orderDoesNotExist!,
      [TRADES]: { status: 200, body: [] },
      [CREATE]: recorded.orderMarketBuyFull!,
    });
    expect(status(await live.place(buy({ lastAttemptAt: T - 59_999 }), hooks))).toBe('unknown');
    expect(player.count(CREATE)).toBe(0);
    expect(status(await live.place(buy({ lastAttemptAt: T - 60_000 }), hooks))).toBe('filled');
    expect(player.count(CREATE)).toBe(1);
    expect(attempts).toEqual([T]);
  });

  it('reconcile never places', async () => {
    const { live, player } = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: recorded.orderMarketBuyFull! });
    expect(await live.reconcile(buy())).toEqual({ status: 'not_found' });
    expect(player.count(CREATE)).toBe(0);
  });

  it('an aborted beforeSend (another delivery is sending) sends nothing', async () => {
    const { live, player } = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: recorded.orderMarketBuyFull! });
    await expect(live.place(buy(), { beforeSend: () => Promise.reject(new Error('attempt already recorded')) })).rejects.toThrow(
      'attempt already recorded',
    );
    expect(player.count(CREATE)).toBe(0);
  });
});

describe('LiveOrders: permanent versus transient errors', () => {
  it.each([
    ['insufficient funds', recorded.insufficientBalance!, 'InsufficientFunds'],
    ['lot size', recorded.lotSize!, 'InvalidOrder'],
    ['bad API key', recorded.invalidApiKey!, 'AuthenticationError'],
  ])('%s is rejected once, never retried', async (_name, reply, cls) => {
    const { live, player, hooks } = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: reply });
    const out = await live.place(buy(), hooks);
    expect(out).toMatchObject({ status: 'rejected', errorClass: cls });
    expect(player.count(CREATE)).toBe(1);
  });

  it('an unknown symbol is rejected before anything is sent', async () => {
    const { live, player, attempts, hooks } = await setup({ [QUERY]: recorded.invalidSymbol!, [CREATE]: recorded.orderMarketBuyFull! });
    const out = await live.place(buy({ symbol: 'DOGE/BTC' }), hooks);
    expect(out).toMatchObject({ status: 'rejected', errorClass: 'BadSymbol' });
    expect(player.count(CREATE)).toBe(0);
    expect(attempts).toEqual([]);
  });

  it('an expired order with nothing filled is rejected', async () => {
    const { live, hooks } = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: recorded.orderMarketExpired! });
    expect(await live.place(buy({ signalId: 'e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0' }), hooks)).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/nothing filled/),
    });
  });

  it.each([
    ['a timeout', timeoutFault],
    ['-1007 execution status unknown', recorded.unknownExecutionStatus!],
    ['503 overloaded', recorded.serverOverloaded!],
    ['429', recorded.tooMuchWeight!],
  ])('%s on create leaves the outcome unknown for the whole lag', async (_name, reply) => {
    const { live, hooks } = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: reply });
    expect(await live.place(buy(), hooks)).toMatchObject({ status: 'unknown', retryAfterMs: 60_000 });
  });

  it('a lookup the exchange keeps failing is unknown, not a placement', async () => {
    const { live, player, hooks } = await setup({ [QUERY]: recorded.serviceUnavailable!, [CREATE]: recorded.orderMarketBuyFull! });
    expect(status(await live.place(buy(), hooks))).toBe('unknown');
    expect(player.count(CREATE)).toBe(0);
  });

  it('no signed query string in a reason (ccxt puts the URL in HTTP-level errors)', async () => {
    const { live, hooks } = await setup({ [QUERY]: recorded.serviceUnavailable! });
    const out = await live.place(buy(), hooks);
    expect(out).toMatchObject({ status: 'unknown', reason: expect.stringContaining('/api/v3/order?…') });
    expect(JSON.stringify(out)).not.toMatch(/signature=|timestamp=/);
  });
});

describe('LiveOrders: once an attempt was sent, no read error makes it "rejected"', () => {
  // Found by the end-to-end live test: a redelivery reconciling while the first delivery's order was
  // in flight hit a permanent error on a read, answered "rejected", and booked the order as rejected
  // before the first delivery could book its fill: the exchange had bought, the ledger had not.
  it('a permanent error (BadSymbol) on the reconciliation reads after an attempt is UNKNOWN, nothing sent', async () => {
    const { live, player, hooks } = await setup({
      [QUERY]: recorded.orderDoesNotExist!,
      [TRADES]: recorded.invalidSymbol!,
      [CREATE]: recorded.orderMarketBuyFull!,
    });
    const out = await live.place(buy({ lastAttemptAt: T - 5_000 }), hooks);
    expect(out).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/^BadSymbol: .*an attempt was sent/) });
    expect(player.count(CREATE)).toBe(0);
  });

  it('the same error before any attempt is still a rejection (nothing can have been placed)', async () => {
    const { live, player, hooks } = await setup({ [QUERY]: recorded.invalidSymbol!, [CREATE]: recorded.orderMarketBuyFull! });
    expect(await live.place(buy(), hooks)).toMatchObject({ status: 'rejected' });
    expect(player.count(CREATE)).toBe(0);
  });

  it('a permanent error settling the order this call just sent is UNKNOWN too', async () => {
    const buyNoFills = { ...recorded.orderMarketBuyFull!, body: { ...(recorded.orderMarketBuyFull!.body as object), fills: [] } };
    const { live, player, hooks } = await setup({
      [QUERY]: recorded.orderDoesNotExist!,
      [CREATE]: buyNoFills,
      [TRADES]: recorded.invalidSymbol!,
    });
    expect(await live.place(buy(), hooks)).toMatchObject({
      status: 'unknown',
      reason: expect.stringMatching(/^BadSymbol: .*an attempt was sent/),
    });
    expect(player.count(CREATE)).toBe(1);
  });
});

describe('LiveOrders: dust from base-asset fees', () => {
  it('sells what the buy left after its BTC fee, floored to the step, and reports the dust', async () => {
    const { live, player, hooks } = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: recorded.orderMarketSellBtcHeld! });
    const held = toAmount('0.01232766'); // 0.01234 bought − 0.00001234 BTC commission (see CcxtBroker.test.ts)
    const out = await live.place({ signalId: SELL_ID, symbol: 'BTC/USDT', side: 'sell', qty: held }, hooks);
    expect(out.status).toBe('filled');
    if (out.status !== 'filled') return;
    expect(player.requests.find((r) => r.method === 'POST')!.params.get('quantity')).toBe('0.01232');
    expect(out.fill.qty).toBe(toAmount('0.01232'));
    expect(out.fill.dust).toBe(toAmount('0.00000766'));
    expect(out.fill.qty + out.fill.dust!).toBe(held);
    expect(out.fill.fee).toBe(toAmount('0.34068496'));
  });

  it('a holding below one step is rejected as dust, nothing sent', async () => {
    const { live, player, hooks } = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: recorded.orderMarketSellBtcHeld! });
    const out = await live.place({ signalId: SELL_ID, symbol: 'BTC/USDT', side: 'sell', qty: toAmount('0.00000766') }, hooks);
    expect(out.status).toBe('rejected');
    expect(player.count(CREATE)).toBe(0);
  });
});
