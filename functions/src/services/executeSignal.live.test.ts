/**
 * executeSignal with a live broker (CcxtBroker → LiveOrders) on recorded Binance responses and the
 * in-memory ledger: tx 1 records the intent, the exchange is called outside any transaction, tx 2
 * books the outcome. Permanent exchange errors are dead-lettered; unknown outcomes throw for
 * redelivery and never place twice inside Binance's "order does not exist" lag.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CcxtBroker } from '../adapters/ccxt/CcxtBroker.ts';
import { createExchange } from '../adapters/ccxt/loadExchange.ts';
import { exchangeInfo, installPlayer, networkFault, recorded, timeoutFault, type Route } from '../adapters/ccxt/fixtures/player.ts';
import { loadBundledCandles } from '../adapters/replay/ReplayMarketData.ts';
import { RECORDED_EXCHANGE_INFO } from '../adapters/paper/recordedRules.ts';
import { cachedBotConfig } from '../config/botConfig.ts';
import { toAmount as A } from '../domain/money.ts';
import { createSignal } from '../domain/signal.ts';
import { createLogger } from '../lib/log.ts';
import { runAudit } from './auditLedger.ts';
import { executeSignalMessage, LiveOrderPendingError } from './executeSignal.ts';
import { asMessage, memoryDeps, testConfigDoc } from '../wiring/memory.ts';

const CREATE = 'POST /api/v3/order';
const QUERY = 'GET /api/v3/order';
const TRADES = 'GET /api/v3/myTrades';
/** the minute of the recorded buy (2023-03-24 18:00:05 UTC) */
const T = Date.UTC(2023, 2, 24, 18, 0);
const candle = loadBundledCandles('BTC/USDT', '1m').find((c) => c.t === T)!;
const signal = createSignal(
  {
    strategyVersion: 'live@1',
    symbol: 'BTC/USDT',
    timeframe: '1m',
    candleTime: T,
    side: 'buy',
    reason: 'regime_entry',
    refPrice: A(String(candle.c)),
    atr: A('30'),
    qty: A('0.01234'),
  },
  T + 60_000,
);
/** the minute of the recorded sell (18:05), of what the buy left after its BTC commission */
const T5 = T + 5 * 60_000;
const candle5 = loadBundledCandles('BTC/USDT', '1m').find((c) => c.t === T5)!;
const HELD = A('0.01232766');
const exit = createSignal(
  {
    strategyVersion: 'live@1',
    symbol: 'BTC/USDT',
    timeframe: '1m',
    candleTime: T5,
    side: 'sell',
    reason: 'regime_exit',
    refPrice: A(String(candle5.c)),
    atr: A('30'),
    qty: HELD,
  },
  T5 + 60_000,
);

async function setup(routes: Partial<Record<string, Route>>) {
  const d = memoryDeps({ SYMBOLS: 'BTC/USDT' });
  await d.execute.candles.upsert('BTC/USDT', '1m', [candle, candle5]);
  const exchange = await createExchange('binance', { enableRateLimit: false, apiKey: 'test-key', secret: 'test-secret' });
  const player = installPlayer(exchange, { 'GET /api/v3/exchangeInfo': exchangeInfo, ...routes });
  const clock = { t: T + 65_000 };
  const broker = new CcxtBroker({
    exchange,
    now: () => clock.t,
    sleep: async (ms) => void (clock.t += ms),
    random: () => 0.5,
    onWarning: () => {},
  });
  d.execute.broker = () => broker;
  d.execute.log = createLogger('error', {}, () => undefined);
  d.execute.clock = { now: () => clock.t };
  return { ...d, player, clock, deliver: (s = signal) => executeSignalMessage(d.execute, asMessage(s)) };
}

describe('executeSignal, live: exactly once at the exchange', () => {
  it('records the intent, places once, books the fill and drops the intent; a redelivery is a duplicate', async () => {
    const w = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: recorded.orderMarketBuyFull! });
    const first = await w.deliver();
    expect(first).toMatchObject({ status: 'filled' });
    expect([...w.db.trades.values()]).toMatchObject([{ signalId: signal.id, side: 'buy', price: A('27641.85351702') }]);
    expect(w.db.orders.get(signal.id)).toMatchObject({ outcome: { status: 'filled' } });
    expect(w.db.intents.size).toBe(0);
    expect(await w.deliver()).toEqual({ status: 'duplicate', signalId: signal.id });
    expect(w.player.count(CREATE)).toBe(1);
  });

  it('a create that timed out (the order exists, Binance says -2013): redelivered until visible, placed once, booked once', async () => {
    const w = await setup({
      [QUERY]: [recorded.orderDoesNotExist!, recorded.orderDoesNotExist!, recorded.orderMarketBuyQuery!],
      [CREATE]: timeoutFault,
      [TRADES]: [{ status: 200, body: [] }, recorded.myTradesForBuy!],
    });
    await expect(w.deliver()).rejects.toBeInstanceOf(LiveOrderPendingError);
    const intent = w.db.intents.get(signal.id)!;
    expect(intent.lastAttemptAt).toBeDefined();
    expect(w.db.orders.size).toBe(0);
    w.clock.t += 15_000; // Pub/Sub's minimum backoff: still inside the not-found lag
    await expect(w.deliver()).rejects.toBeInstanceOf(LiveOrderPendingError);
    expect(w.player.count(CREATE)).toBe(1);
    w.clock.t += 30_000;
    expect(await w.deliver()).toMatchObject({ status: 'filled' });
    expect(w.player.count(CREATE)).toBe(1);
    expect(w.db.trades.size).toBe(1);
    expect(w.db.intents.size).toBe(0);
  });

  it('an order that never becomes visible: redelivered with nothing booked, and after 5 minutes one critical alert for a human', async () => {
    const w = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: timeoutFault });
    const start = w.clock.t;
    await expect(w.deliver()).rejects.toBeInstanceOf(LiveOrderPendingError);
    w.clock.t = start + 4 * 60_000;
    await expect(w.deliver()).rejects.toBeInstanceOf(LiveOrderPendingError);
    expect(w.db.alerts.size).toBe(0);
    w.clock.t = start + 6 * 60_000;
    await expect(w.deliver()).rejects.toBeInstanceOf(LiveOrderPendingError);
    w.clock.t = start + 9 * 60_000;
    await expect(w.deliver()).rejects.toBeInstanceOf(LiveOrderPendingError);
    expect([...w.db.alerts.values()]).toEqual([
      expect.objectContaining({
        id: `live_unknown_${signal.id}`,
        kind: 'error',
        severity: 'critical',
        symbol: 'BTC/USDT',
        createdAt: start,
        message: expect.stringMatching(/no known outcome after \d+ min/),
      }),
    ]);
    expect(w.db.orders.size).toBe(0);
    expect(w.db.trades.size).toBe(0);
    expect(w.db.intents.has(signal.id)).toBe(true);
  });

  it('a permanent rejection (insufficient balance) is recorded rejected and dead-lettered with the reason, never retried', async () => {
    const w = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: recorded.insufficientBalance! });
    const out = await w.deliver();
    expect(out).toMatchObject({
      status: 'dead_lettered',
      reason: expect.stringMatching(/^exchange rejected the order: .*insufficient balance/),
    });
    expect(w.db.orders.get(signal.id)).toMatchObject({ outcome: { status: 'rejected', reason: expect.stringMatching(/^exchange: /) } });
    expect(w.db.deadletters.get(signal.id)?.reason).toMatch(/insufficient balance/);
    expect(w.db.ledger).toBeNull();
    expect(await w.deliver()).toMatchObject({ status: 'duplicate' });
    expect(w.player.count(CREATE)).toBe(1);
  });

  it('a delivery that finds another one already sent (beforeSend race) does not send', async () => {
    const w = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: recorded.orderMarketBuyFull! });
    // Another delivery recorded its attempt between our read of the intent and our send.
    const ledger = w.execute.ledger;
    w.execute.ledger = Object.assign(Object.create(ledger) as typeof ledger, {
      markAttempt: async (id: string, _seen: number | undefined, at: number) => {
        await ledger.markAttempt(id, undefined, at - 1);
        return ledger.markAttempt(id, undefined, at);
      },
    });
    await expect(w.deliver()).rejects.toThrow(/another delivery recorded an attempt/);
    expect(w.player.count(CREATE)).toBe(0);
    expect(w.db.orders.size).toBe(0);
  });

  it('an entry while another live order of the symbol is in flight (sent, not booked) is refused and never sent', async () => {
    // found by the live chaos run: both entries passed the gates on a book without the first, and the second fill could not be booked
    const w = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: timeoutFault });
    await expect(w.deliver()).rejects.toBeInstanceOf(LiveOrderPendingError);
    const second = createSignal(
      {
        strategyVersion: 'live@2',
        symbol: 'BTC/USDT',
        timeframe: '1m',
        candleTime: T,
        side: 'buy',
        reason: 'regime_entry',
        refPrice: A(String(candle.c)),
        atr: A('30'),
        qty: A('0.01234'),
      },
      T + 60_000,
    );
    expect(await w.deliver(second)).toMatchObject({ status: 'rejected' });
    expect(w.db.orders.get(second.id)).toMatchObject({
      outcome: { status: 'rejected', reason: expect.stringMatching(/^order_in_flight: /) },
    });
    expect(w.player.count(CREATE)).toBe(1);
    expect(w.db.intents.size).toBe(1);
  });

  it('a gate refusal is recorded in tx 1 and nothing is sent', async () => {
    const w = await setup({ [QUERY]: recorded.orderDoesNotExist!, [CREATE]: recorded.orderMarketBuyFull! });
    await w.store.changeMode({ type: 'admin_set', to: 'PAUSED' }, 'test');
    expect(await w.deliver()).toMatchObject({ status: 'rejected' });
    expect(w.player.count(CREATE)).toBe(0);
    expect(w.player.count(QUERY)).toBe(0);
    expect(w.db.intents.size).toBe(0);
  });

  it('a sell that leaves base-asset fee dust below the amount step closes the position and writes the dust off; the audit replays exactly', async () => {
    const w = await setup({
      [QUERY]: recorded.orderDoesNotExist!,
      [CREATE]: [recorded.orderMarketBuyFull!, recorded.orderMarketSellBtcHeld!],
    });
    expect(await w.deliver()).toMatchObject({ status: 'filled' });
    expect(w.db.ledger?.positions['BTC/USDT']?.qty).toBe(HELD); // 0.01234 bought − 0.00001234 BTC commission
    const costBasis = w.db.ledger!.positions['BTC/USDT']!.costBasis;
    w.clock.t = T5 + 65_000;
    const out = await w.deliver(exit);
    expect(out).toMatchObject({ status: 'filled' });
    const sold = w.db.trades.get(exit.id)!;
    expect(sold).toMatchObject({ side: 'sell', qty: A('0.01232'), dust: A('0.00000766'), qtyDelta: -HELD, cashDelta: A('340.34427504') });
    expect(sold.realizedPnl).toBe(sold.cashDelta - costBasis);
    expect(w.db.ledger?.positions).toEqual({});
    expect(w.db.deadletters.size).toBe(0);
    expect(await runAudit(w.store, 0)).toMatchObject({ clean: true, trades: 2, positions: 0 });
    expect(w.player.count(CREATE)).toBe(2);
  });
});

/** Live as wired (wiring/trading.ts): the config is judged against, and orders sized with, the broker's own loaded markets; buys ask the key. */
async function liveVenueSetup(routes: Partial<Record<string, Route>>, configDoc: Record<string, unknown> = {}) {
  const d = memoryDeps({ SYMBOLS: 'XRP/USDT' });
  await d.execute.candles.upsert('XRP/USDT', '1m', [xrp, xrp5]);
  const exchange = await createExchange('binance', { enableRateLimit: false, apiKey: 'test-key', secret: 'test-secret' });
  const player = installPlayer(exchange, {
    'GET /api/v3/exchangeInfo': { status: 200, body: JSON.parse(readFileSync(RECORDED_EXCHANGE_INFO, 'utf8')) },
    ...routes,
  });
  const clock = { t: X + 65_000 };
  const broker = new CcxtBroker({
    exchange,
    now: () => clock.t,
    sleep: async (ms) => void (clock.t += ms),
    random: () => 0.5,
    onWarning: () => {},
  });
  d.db.config = testConfigDoc({ symbols: ['XRP/USDT'], ...configDoc });
  d.execute.config = cachedBotConfig(
    () => d.store.getBotConfigDoc(),
    () => broker.venue.rules(),
    { now: () => clock.t },
    0,
  );
  d.execute.venue = broker.venue;
  d.execute.broker = () => broker;
  d.execute.log = createLogger('error', {}, () => undefined);
  d.execute.clock = { now: () => clock.t };
  return { ...d, player, clock, deliver: (s: typeof xrpBuy) => executeSignalMessage(d.execute, asMessage(s)) };
}

/** XRP/USDT (step 0.1): the real 2023-04-12 18:00 and 18:05 candles of the recorded XRP buy and sell. */
const X = Date.UTC(2023, 3, 12, 18, 0);
const xrp = loadBundledCandles('XRP/USDT', '1m').find((c) => c.t === X)!;
const xrp5 = loadBundledCandles('XRP/USDT', '1m').find((c) => c.t === X + 5 * 60_000)!;
const xrpBuy = createSignal(
  {
    strategyVersion: 'live@1',
    symbol: 'XRP/USDT',
    timeframe: '1m',
    candleTime: X,
    side: 'buy',
    reason: 'regime_entry',
    refPrice: A(String(xrp.c)),
    atr: A('0.004'),
    qty: A('123.4'),
  },
  X + 60_000,
);
const XRP_HELD = A('123.2766'); // 123.4 bought − 0.1234 XRP commission
const xrpExit = createSignal(
  {
    strategyVersion: 'live@1',
    symbol: 'XRP/USDT',
    timeframe: '1m',
    candleTime: X + 5 * 60_000,
    side: 'sell',
    reason: 'regime_exit',
    refPrice: A(String(xrp5.c)),
    atr: A('0.004'),
    qty: XRP_HELD,
  },
  X + 6 * 60_000,
);

/** The book after the recorded XRP buy. */
const heldXrp = () => ({
  initialCash: A('10000'),
  cash: A('10000') - A('62.0702'),
  realizedPnl: 0n,
  feesPaid: A('0.0620702'),
  tradeSeq: 1,
  positions: {
    'XRP/USDT': {
      symbol: 'XRP/USDT',
      qty: XRP_HELD,
      entryPrice: A('0.503'),
      entryTime: X + 60_000,
      checkedUntil: X + 60_000,
      costBasis: A('62.0702'),
      stopLoss: A('0.49'),
      takeProfit: A('0.6'),
      trailingStop: null,
      highWater: A('0.503'),
      openTradeId: xrpBuy.id,
      lastPrice: A('0.503'),
    },
  },
});

describe("executeSignal, live: the exchange's rules and the key", () => {
  const key = { 'GET /sapi/v1/account/apiRestrictions': recorded.apiRestrictionsTrading! };

  it('XRP (step 0.1): the closing sell leaves less than one step of fee dust, written off; the audit replays exactly', async () => {
    const w = await liveVenueSetup({
      ...key,
      [QUERY]: recorded.orderDoesNotExist!,
      [CREATE]: [recorded.orderMarketBuyXrp!, recorded.orderMarketSellXrpHeld!],
    });
    expect(await w.deliver(xrpBuy)).toMatchObject({ status: 'filled' });
    expect(w.db.ledger?.positions['XRP/USDT']?.qty).toBe(XRP_HELD);
    w.clock.t = X + 6 * 60_000 + 5_000;
    expect(await w.deliver(xrpExit)).toMatchObject({ status: 'filled' });
    expect(w.player.requests.filter((r) => r.method === 'POST').map((r) => r.params.get('quantity'))).toEqual(['123.4', '123.2']);
    const sold = w.db.trades.get(xrpExit.id)!;
    // 0.0766 XRP: under the exchange's step (0.1), though 7,660 of the 0.00001 step config/bot.defaultMarket used to give XRP
    expect(sold).toMatchObject({ qty: A('123.2'), dust: A('0.0766'), qtyDelta: -XRP_HELD });
    expect(w.db.ledger?.positions).toEqual({});
    expect(w.db.deadletters.size).toBe(0);
    expect(await runAudit(w.store, 0)).toMatchObject({ clean: true, trades: 2, positions: 0 });
  });

  it("a config/bot.markets step finer than the exchange's is refused: entries refused and recorded, never sent", async () => {
    const w = await liveVenueSetup(
      { ...key, [QUERY]: recorded.orderDoesNotExist!, [CREATE]: recorded.orderMarketBuyXrp! },
      { markets: { 'XRP/USDT': { amountStep: '0.01', minNotional: '5' } } },
    );
    const out = await w.deliver(xrpBuy);
    expect(out.status === 'rejected' && out.change.order.outcome).toMatchObject({
      reason: expect.stringMatching(/^config_invalid: .*config\/bot\.markets\.XRP\/USDT\.amountStep/),
    });
    expect((await w.execute.config.load()).problem?.message).toMatch(
      /0\.01000000 is not a multiple of the exchange's amount step 0\.10000000 for XRP\/USDT \(binance \(loaded from the exchange\)\)/,
    );
    expect(w.player.count(CREATE)).toBe(0);
  });

  it('markets that had not loaded when the sell was planned: the fill is booked on the rules loaded for the order, dust and all', async () => {
    const snapshot = { status: 200, body: JSON.parse(readFileSync(RECORDED_EXCHANGE_INFO, 'utf8')) };
    const w = await liveVenueSetup({
      'GET /api/v3/exchangeInfo': [networkFault, snapshot],
      [QUERY]: recorded.orderDoesNotExist!,
      [CREATE]: recorded.orderMarketSellXrpHeld!,
    });
    w.db.ledger = heldXrp();
    w.clock.t = X + 6 * 60_000 + 5_000;
    expect(await w.deliver(xrpExit)).toMatchObject({ status: 'filled' });
    expect(w.db.trades.get(xrpExit.id)).toMatchObject({ qty: A('123.2'), dust: A('0.0766') });
    expect(w.db.deadletters.size).toBe(0);
    expect(w.player.count('GET /api/v3/exchangeInfo')).toBe(2);
  });

  it('a key that can withdraw: the entry is refused and recorded without reaching the exchange; the exit is still sent', async () => {
    const w = await liveVenueSetup({
      'GET /sapi/v1/account/apiRestrictions': recorded.apiRestrictionsWithdrawals!,
      [QUERY]: recorded.orderDoesNotExist!,
      [CREATE]: recorded.orderMarketSellXrpHeld!,
    });
    const refused = await w.deliver(xrpBuy);
    expect(refused.status === 'rejected' && refused.change.order.outcome).toMatchObject({
      reason: expect.stringMatching(/^key_refused: the API key can withdraw funds/),
    });
    expect(w.player.count(CREATE)).toBe(0);
    // a position opened before the key changed is still closed
    w.db.ledger = heldXrp();
    w.clock.t = X + 6 * 60_000 + 5_000;
    expect(await w.deliver(xrpExit)).toMatchObject({ status: 'filled' });
    expect(w.player.count(CREATE)).toBe(1);
    expect(w.db.ledger?.positions).toEqual({});
  });
});
