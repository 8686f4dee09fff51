/**
 * The live venue (adapters/ccxt/LiveVenue.ts) over real HTTP against the exchange simulator: the
 * exchange's market rules as ccxt loads them from the simulator's exchangeInfo (the recorded snapshot)
 * equal the rules paper mode reads from that snapshot, and key health judges the key the simulator
 * reports through /sapi/v1/account/apiRestrictions: trading on and withdrawals off is healthy; a key
 * that can withdraw, or whose trading permission expires within the week, is reported.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCcxtBroker } from '../../functions/src/adapters/ccxt/index.ts';
import { recordedExchangeRules } from '../../functions/src/adapters/paper/recordedRules.ts';
import { SimAdmin } from './client.ts';
import { startExchangeSim, type RunningSim } from './server.ts';

vi.setConfig({ testTimeout: 60_000 });
const T = Date.parse('2023-03-24T18:00:30Z');
const KEY = { apiKey: 'venuekey00000001', secret: 'venuesecret000001' };
let running: RunningSim;
let admin: SimAdmin;

beforeAll(async () => {
  running = await startExchangeSim({ marketClock: { now: () => T }, keys: [KEY], balances: { USDT: '1000' } });
  admin = new SimAdmin(running.url);
});
afterAll(() => running.stop());

/** a fresh broker (and so a fresh venue: key health is checked at first use in an instance) */
const venue = async () =>
  (
    await createCcxtBroker({
      exchangeId: 'binance',
      ...KEY,
      exchangeConfig: { apiUrl: running.url, enableRateLimit: false, timeout: 5_000 },
    })
  ).venue;

describe('LiveVenue against the exchange simulator', () => {
  it("market rules loaded through ccxt equal paper mode's reading of the same snapshot", async () => {
    const live = await (await venue()).rules();
    const paper = recordedExchangeRules();
    for (const symbol of ['BTC/USDT', 'ETH/USDT', 'BNB/USDT', 'XRP/USDT']) {
      expect(live.rulesFor(symbol), symbol).not.toBeNull();
      expect(live.rulesFor(symbol)).toEqual(paper.rulesFor(symbol));
    }
  });

  it('key health: healthy key, then a key that can withdraw, then one expiring within the week', async () => {
    await admin.setKey({ ...KEY, permissions: { enableReading: true, enableSpotAndMarginTrading: true, enableWithdrawals: false } });
    expect((await (await venue()).keyHealth(Date.now())).problems).toEqual([]);

    await admin.setKey({ ...KEY, permissions: { enableReading: true, enableSpotAndMarginTrading: true, enableWithdrawals: true } });
    const withdrawing = await (await venue()).keyHealth(Date.now());
    expect(withdrawing.problems).toEqual(['withdrawals_enabled']);
    expect(JSON.stringify(withdrawing)).not.toContain(KEY.secret);
    expect(JSON.stringify(withdrawing)).not.toContain(KEY.apiKey);

    const soon = Date.now() + 3 * 24 * 3_600_000;
    await admin.setKey({
      ...KEY,
      permissions: {
        enableReading: true,
        enableSpotAndMarginTrading: true,
        enableWithdrawals: false,
        tradingAuthorityExpirationTime: soon,
      },
    });
    const expiring = await (await venue()).keyHealth(Date.now());
    expect(expiring.problems).toEqual([]);
    expect(expiring.expiresSoon).toBe(true);
  });
});
