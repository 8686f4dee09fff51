import { describe, expect, it } from 'vitest';
import { MarketDataError } from '../../domain/errors.ts';
import { toAmount, type Amount } from '../../domain/money.ts';
import type { Fill, Signal } from '../../domain/trading.types.ts';
import { CcxtBroker, clientOrderIdFor, isDuplicateOrder } from './CcxtBroker.ts';
import { createExchange } from './loadExchange.ts';
import { exchangeInfo, installPlayer, networkFault, recorded, timeoutFault, type Route } from './fixtures/player.ts';

const CREATE = 'POST /api/v3/order';
const QUERY = 'GET /api/v3/order';
const TRADES = 'GET /api/v3/myTrades';

function signal(over: Partial<Signal> = {}): Signal {
  return {
    id: '5f1c0e7a9b3d4c2e8f6a1b0c9d8e7f6a', // the clientOrderId in the recorded orders
    symbol: 'BTC/USDT',
    timeframe: '1m',
    candleTime: Date.UTC(2023, 2, 24, 17, 59),
    side: 'buy',
    reason: 'regime_entry',
    refPrice: toAmount('27641.85'),
    atr: toAmount('31.2'),
    qty: toAmount('0.01234'),
    strategyVersion: 'regime_trend@1',
    createdAt: Date.UTC(2023, 2, 24, 18, 0, 5),
    ...over,
  };
}

async function setup(routes: Partial<Record<typeof CREATE | typeof QUERY | typeof TRADES, Route>>) {
  const exchange = await createExchange('binance', { enableRateLimit: false, apiKey: 'test-key', secret: 'test-secret' });
  const player = installPlayer(exchange, { 'GET /api/v3/exchangeInfo': exchangeInfo, ...routes });
  const warnings: Array<{ message: string; fields: Record<string, unknown> }> = [];
  let t = Date.UTC(2023, 2, 24, 18, 0, 5);
  const broker = new CcxtBroker({
    exchange,
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
    random: () => 0.5,
    onWarning: (message, fields) => warnings.push({ message, fields }),
  });
  return { broker, player, warnings };
}

const amounts = (f: Fill) => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, (v as Amount).toString()]));
const A = (s: string) => toAmount(s).toString();

/** The recorded BUY: 0.008 @ 27641.85 + 0.00434 @ 27641.86, commission 0.00001234 BTC, cost 341.10047240 USDT. */
const EXPECTED_BUY = {
  price: A('27641.85351702'), // 341.10047240 / 0.01234, half-even
  qty: A('0.01232766'), // 0.01234 bought − 0.00001234 BTC commission
  notional: A('340.75937192'), // cost − fee
  fee: A('0.34110048'), // 0.0000080 × 27641.85 ↑ + 0.00000434 × 27641.86 ↑
};

describe('CcxtBroker over recorded Binance responses', () => {
  it('places a market buy and maps the fill exactly (commission in BTC)', async () => {
    const { broker, player } = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: recorded.orderMarketBuyFull! });
    const fill = await broker.fill({ signal: signal(), qty: toAmount('0.01234567') });

    expect(amounts(fill)).toEqual(EXPECTED_BUY);
    // the books balance to the last unit: quote spent and base received are the exchange's figures
    expect(fill.notional + fill.fee).toBe(toAmount('341.10047240'));
    expect(fill.qty + toAmount('0.00001234')).toBe(toAmount('0.01234'));

    const [created] = player.requests.filter((r) => r.method === 'POST');
    expect(Object.fromEntries(created!.params)).toMatchObject({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.01234', // amountToPrecision: 0.01234567 truncated to the 0.00001 step
      newClientOrderId: '5f1c0e7a9b3d4c2e8f6a1b0c9d8e7f6a',
      newOrderRespType: 'FULL',
    });
    expect(created!.params.get('signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(player.count(TRADES)).toBe(0); // FULL response already carries the commissions
  });

  it('on a duplicate clientOrderId returns the existing order and places nothing more', async () => {
    const { broker, player } = await setup({
      [QUERY]: [recorded.orderDoesNotExist!, recorded.orderMarketBuyQuery!],
      [CREATE]: recorded.duplicateOrder!,
      [TRADES]: recorded.myTradesForBuy!,
    });
    const fill = await broker.fill({ signal: signal(), qty: toAmount('0.01234') });
    expect(amounts(fill)).toEqual(EXPECTED_BUY); // same fill as the first delivery got
    expect(player.count(CREATE)).toBe(1);
    expect(
      player.requests.filter((r) => r.path === '/api/v3/order' && r.method === 'GET').map((r) => r.params.get('origClientOrderId')),
    ).toEqual(['5f1c0e7a9b3d4c2e8f6a1b0c9d8e7f6a', '5f1c0e7a9b3d4c2e8f6a1b0c9d8e7f6a']);
    expect(player.requests.find((r) => r.path === '/api/v3/myTrades')!.params.get('orderId')).toBe('20188932140');
  });

  it('on redelivery after a fill finds the order and never calls createOrder', async () => {
    const { broker, player } = await setup({
      [QUERY]: recorded.orderMarketBuyQuery!,
      [TRADES]: recorded.myTradesForBuy!,
      [CREATE]: recorded.orderMarketBuyFull!,
    });
    const fill = await broker.fill({ signal: signal(), qty: toAmount('0.01234') });
    expect(amounts(fill)).toEqual(EXPECTED_BUY);
    expect(player.count(CREATE)).toBe(0);
  });

  it('maps a market sell with the commission in USDT', async () => {
    const { broker } = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: recorded.orderMarketSellFull! });
    const fill = await broker.fill({
      signal: signal({ id: '0a9e3c7d51b24f68a0c1d2e3f4a5b6c7', symbol: 'ETH/USDT', side: 'sell', reason: 'stop_loss' }),
      qty: toAmount('0.1234'),
    });
    expect(amounts(fill)).toEqual({ price: A('1741.03'), qty: A('0.1234'), notional: A('214.843102'), fee: A('0.2148431') });
  });

  it('records a BNB commission as no quote fee, with a warning', async () => {
    const { broker, warnings } = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: recorded.orderMarketBuyBnbFee! });
    const fill = await broker.fill({
      signal: signal({ id: 'c3d4e5f60718293a4b5c6d7e8f901a2b', symbol: 'SOL/USDT' }),
      qty: toAmount('0.52'),
    });
    expect(amounts(fill)).toEqual({ price: A('20.43'), qty: A('0.52'), notional: A('10.6236'), fee: '0' });
    expect(warnings).toEqual([
      { message: expect.stringMatching(/outside the wallet/), fields: { orderId: '4178302265', asset: 'BNB', commission: '0.00002420' } },
    ]);
  });

  it('retries a failed lookup, which is read-only', async () => {
    const { broker, player } = await setup({
      [QUERY]: [networkFault, recorded.orderDoesNotExist!],
      [CREATE]: recorded.orderMarketBuyFull!,
    });
    await expect(broker.fill({ signal: signal(), qty: toAmount('0.01234') })).resolves.toBeDefined();
    expect(player.count(QUERY)).toBe(2);
  });

  it('never retries createOrder: an unknown outcome is a temporary error for the redelivery to resolve', async () => {
    for (const reply of [timeoutFault, recorded.unknownExecutionStatus!]) {
      const { broker, player } = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: reply });
      const err = (await broker.fill({ signal: signal(), qty: toAmount('0.01234') }).catch((e: unknown) => e)) as MarketDataError;
      expect(err.kind).toBe('temporary');
      expect(player.count(CREATE)).toBe(1);
    }
  });

  it('fails permanently on rejections that a retry cannot fix', async () => {
    const cases: Array<[Route, RegExp]> = [
      [recorded.insufficientBalance!, /^InsufficientFunds/],
      [recorded.lotSize!, /^InvalidOrder/],
      [recorded.invalidApiKey!, /^AuthenticationError/],
      [recorded.orderMarketExpired!, /nothing filled/],
    ];
    for (const [reply, message] of cases) {
      const { broker } = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: reply });
      const err = (await broker.fill({ signal: signal(), qty: toAmount('0.01234') }).catch((e: unknown) => e)) as MarketDataError;
      expect(err).toBeInstanceOf(MarketDataError);
      expect(err.kind).toBe('permanent');
      expect(err.message).toMatch(message);
    }
  });

  it('rejects a quantity below the lot step before sending anything', async () => {
    const { broker, player } = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: recorded.orderMarketBuyFull! });
    const err = (await broker.fill({ signal: signal(), qty: toAmount('0.000009') }).catch((e: unknown) => e)) as MarketDataError;
    expect(err.kind).toBe('permanent');
    expect(player.count(CREATE)).toBe(0);
  });

  it('refuses an existing order that does not match the signal', async () => {
    const { broker, player } = await setup({ [QUERY]: recorded.orderMarketBuyQuery! });
    const err = (await broker
      .fill({ signal: signal({ side: 'sell', reason: 'stop_loss' }), qty: toAmount('0.01234') })
      .catch((e: unknown) => e)) as MarketDataError;
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(/belongs to buy BTC\/USDT/);
    expect(player.count(CREATE)).toBe(0);
  });

  it('loads markets once per instance', async () => {
    const { broker, player } = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: recorded.orderMarketBuyFull! });
    await broker.fill({ signal: signal(), qty: toAmount('0.01234') });
    await broker.fill({ signal: signal(), qty: toAmount('0.01234') });
    expect(player.count('GET /api/v3/exchangeInfo')).toBe(1);
  });
});

describe('clientOrderIdFor', () => {
  const BINANCE_RULE = /^[.A-Z:/a-z0-9_-]{1,36}$/;
  it('uses a signal id as is when Binance accepts it', () => {
    expect(clientOrderIdFor('5f1c0e7a9b3d4c2e8f6a1b0c9d8e7f6a')).toBe('5f1c0e7a9b3d4c2e8f6a1b0c9d8e7f6a');
  });
  it('hashes a longer or non-conforming id into 36 allowed chars, deterministically', () => {
    for (const id of ['a'.repeat(64), 'sig#1 with spaces', 'é']) {
      const cid = clientOrderIdFor(id);
      expect(cid).toMatch(BINANCE_RULE);
      expect(cid).toHaveLength(36);
      expect(cid.startsWith('ee-')).toBe(true);
      expect(clientOrderIdFor(id)).toBe(cid);
    }
    expect(clientOrderIdFor('a'.repeat(64))).not.toBe(clientOrderIdFor('a'.repeat(65)));
  });
});

describe('isDuplicateOrder', () => {
  it('recognises how ccxt reports Binance duplicates', async () => {
    const { errors } = await import('ccxt');
    expect(isDuplicateOrder(new errors.InvalidOrder('binance {"code":-2010,"msg":"Duplicate order sent."}'))).toBe(true);
    expect(isDuplicateOrder(new errors.DuplicateOrderId('x'))).toBe(true);
    expect(
      isDuplicateOrder(new errors.InvalidOrder('binance {"code":-2010,"msg":"Account has insufficient balance for requested action."}')),
    ).toBe(false);
    expect(isDuplicateOrder(new Error('Duplicate order sent.'))).toBe(false);
  });
});
