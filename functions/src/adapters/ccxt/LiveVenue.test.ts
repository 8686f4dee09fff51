/**
 * The live venue on recorded Binance responses through ccxt's real code (fixtures/player.ts): the
 * exchange's rules from the broker's own loaded markets, and the key's permissions from
 * GET /sapi/v1/account/apiRestrictions, judged once and then daily.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { KEY_CHECK_INTERVAL_MS } from '../../domain/keyHealth.ts';
import { toAmount as A } from '../../domain/money.ts';
import { RECORDED_EXCHANGE_INFO } from '../paper/recordedRules.ts';
import { CcxtBroker } from './CcxtBroker.ts';
import { createExchange } from './loadExchange.ts';
import { installPlayer, networkFault, recorded, type Route } from './fixtures/player.ts';
import { unifiedMarketRules } from './marketRules.ts';

const INFO = 'GET /api/v3/exchangeInfo';
const KEY = 'GET /sapi/v1/account/apiRestrictions';
const T = Date.UTC(2023, 3, 12, 18, 0);
const API_KEY = 'k3y-that-must-never-show-up-anywhere';
const SECRET = 's3cret-that-must-never-show-up-anywhere';

async function setup(routes: Record<string, Route>) {
  const exchange = await createExchange('binance', { enableRateLimit: false, apiKey: API_KEY, secret: SECRET });
  const player = installPlayer(exchange, {
    [INFO]: { status: 200, body: JSON.parse(readFileSync(RECORDED_EXCHANGE_INFO, 'utf8')) },
    ...routes,
  });
  const warnings: string[] = [];
  const broker = new CcxtBroker({ exchange, onWarning: (message, fields) => warnings.push(`${message} ${JSON.stringify(fields)}`) });
  return { broker, venue: broker.venue, player, warnings };
}

describe('LiveVenue: the exchange rules', () => {
  it("come from the broker's loaded markets: one exchangeInfo for the rules and the orders", async () => {
    const { broker, venue, player } = await setup({
      'GET /api/v3/order': recorded.orderDoesNotExist!,
      'POST /api/v3/order': recorded.orderMarketBuyXrp!,
    });
    const rules = await venue.rules();
    expect(rules.available).toBe(true);
    expect(rules.rulesFor('XRP/USDT')).toEqual({ amountStep: A('0.1'), minAmount: A('0.1'), minNotional: A('5'), priceTick: A('0.0001') });
    expect(rules.source).toBe('binance (loaded from the exchange)');
    await broker.orders.place(
      { signalId: 'a'.repeat(32), symbol: 'XRP/USDT', side: 'buy', qty: A('123.4') },
      { beforeSend: async () => {} },
    );
    expect(await venue.rules()).toBe(rules);
    expect(player.count(INFO)).toBe(1);
  });

  it('that could not be loaded are unavailable (no entries), then load on the next call', async () => {
    const body = JSON.parse(readFileSync(RECORDED_EXCHANGE_INFO, 'utf8')) as unknown;
    const { venue, warnings } = await setup({ [INFO]: [networkFault, { status: 200, body }] });
    const down = await venue.rules();
    expect(down).toMatchObject({ available: false, source: expect.stringMatching(/^binance \(markets not loaded: NetworkError/) });
    expect(down.rulesFor('BTC/USDT')).toBeNull();
    expect(warnings).toHaveLength(1);
    expect((await venue.rules()).rulesFor('BTC/USDT')).not.toBeNull();
  });
});

describe('unifiedMarketRules', () => {
  const m = (amount: number, price: number, min?: number, cost?: number) =>
    ({ precision: { amount, price }, limits: { amount: { min }, cost: { min: cost } } }) as never;
  it('reads steps JavaScript prints in exponent form exactly, and only in TICK_SIZE mode', () => {
    expect(unifiedMarketRules(m(1e-8, 1e-7, 1e-8, 5), 4)).toEqual({
      amountStep: '0.000000010000',
      minAmount: '0.000000010000',
      minNotional: '5',
      priceTick: '0.000000100000',
    });
    expect(unifiedMarketRules(m(0.1, 0.0001), 4)).toEqual({
      amountStep: '0.1',
      minAmount: undefined,
      minNotional: undefined,
      priceTick: '0.0001',
    });
    expect(unifiedMarketRules(m(8, 2), 2)).toBeNull(); // DECIMAL_PLACES: not read here
    expect(unifiedMarketRules(m(Number.NaN, 0.01), 4)).toBeNull();
  });
});

describe('LiveVenue: key health (GET /sapi/v1/account/apiRestrictions)', () => {
  it.each([
    ['a trading key that cannot withdraw: nothing refused', recorded.apiRestrictionsTrading!, [], false],
    ['a key that can withdraw: refused', recorded.apiRestrictionsWithdrawals!, ['withdrawals_enabled'], false],
    ['a read-only key: refused', recorded.apiRestrictionsReadOnly!, ['trading_disabled'], false],
    ['a trading permission that lapses in 2.25 days: warned', recorded.apiRestrictionsExpiring!, [], true],
  ])('%s', async (_name, reply, problems, expiresSoon) => {
    const { venue, player } = await setup({ [KEY]: reply });
    const h = await venue.keyHealth(T);
    expect(h).toMatchObject({ problems, expiresSoon, checkedAt: T });
    // signed like every private call, and the answer never carries the key
    expect(player.requests.find((r) => r.path === '/sapi/v1/account/apiRestrictions')!.params.has('signature')).toBe(true);
    expect(JSON.stringify(h)).not.toContain(API_KEY);
  });

  it('checked once, then again after a day', async () => {
    const { venue, player } = await setup({ [KEY]: [recorded.apiRestrictionsExpiring!, recorded.apiRestrictionsTrading!] });
    expect(await venue.keyHealth(T)).toMatchObject({ problems: [], expiresSoon: true });
    // within the day: the same answer, no request
    expect(await venue.keyHealth(T + KEY_CHECK_INTERVAL_MS - 1)).toMatchObject({ problems: [], checkedAt: T });
    expect(player.count(KEY)).toBe(1);
    expect(await venue.keyHealth(T + KEY_CHECK_INTERVAL_MS)).toMatchObject({
      problems: [],
      expiresSoon: false,
      checkedAt: T + KEY_CHECK_INTERVAL_MS,
    });
    expect(player.count(KEY)).toBe(2);
  });

  it('a check that fails: unchecked (entries wait) until one succeeds; after that a failure keeps the last result', async () => {
    const { venue, player, warnings } = await setup({ [KEY]: [recorded.invalidApiKey!, recorded.apiRestrictionsTrading!, networkFault] });
    const first = await venue.keyHealth(T);
    expect(first).toMatchObject({
      problems: ['unchecked'],
      checkedAt: null,
      detail: expect.stringMatching(/AuthenticationError.*Invalid API-key/),
    });
    expect(await venue.keyHealth(T + 60_000)).toMatchObject({ problems: [], checkedAt: T + 60_000 });
    expect(await venue.keyHealth(T + 60_000 + KEY_CHECK_INTERVAL_MS)).toMatchObject({ problems: [], checkedAt: T + 60_000 });
    expect(player.count(KEY)).toBe(3);
    for (const text of [JSON.stringify(first), ...warnings]) {
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(SECRET);
      expect(text).not.toMatch(/signature=/);
    }
  });
});
