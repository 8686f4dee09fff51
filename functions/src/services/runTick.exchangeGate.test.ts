/**
 * Protection first, whatever the exchange says about the key or the market rules: a key that may not
 * trade (or may withdraw) and a config/bot.markets entry that disagrees with the exchange both stop
 * entries, with a critical alert, while every open position's stop still fires and its exit fills.
 */
import { describe, expect, it } from 'vitest';
import { paperVenue } from '../adapters/paper/recordedRules.ts';
import { judgeKey, type KeyHealth } from '../domain/keyHealth.ts';
import { toAmount as A } from '../domain/money.ts';
import { executeSignalMessage } from './executeSignal.ts';
import { runTick } from './runTick.ts';
import { asMessage, memoryDeps, testConfigDoc } from '../wiring/memory.ts';

const M = 60_000;
const T = Date.parse('2023-03-21T14:00:30Z');
const good = testConfigDoc({
  symbols: ['BTC/USDT'],
  strategy: { name: 'buy_and_hold', params: {} },
  risk: { trailingActivationAtrMult: 1000 },
});

/** Opens a BTC position with a sound config and key; returns the deps with the key under the test's control. */
async function holding() {
  const d = memoryDeps();
  const key = { health: judgeKey({ canTrade: true, canWithdraw: false, tradingExpiresAt: null }, T) as KeyHealth };
  const venue = { rules: paperVenue.rules, keyHealth: async () => key.health };
  d.tick.venue = venue;
  d.execute.venue = venue;
  d.db.config = good;
  const first = await runTick(d.tick, { tickId: 't1', now: T });
  expect(first.published).toHaveLength(1);
  expect(await executeSignalMessage(d.execute, asMessage(d.bus.published[0]!))).toMatchObject({ status: 'filled' });
  // a stop far above the price: the next tick must sell
  d.db.ledger!.positions['BTC/USDT'] = { ...d.db.ledger!.positions['BTC/USDT']!, stopLoss: A('100000') };
  return { ...d, key };
}

describe('the exchange gate never leaves a position unprotected', () => {
  it('a key that can withdraw: the stop fires and fills, no entries, one critical alert; entries again once fixed', async () => {
    const { db, tick, execute, bus, key } = await holding();
    key.health = judgeKey({ canTrade: true, canWithdraw: true, tradingExpiresAt: null }, T + M);
    const second = await runTick(tick, { tickId: 't2', now: T + M });
    expect(bus.published.slice(1).map((s) => [s.symbol, s.side, s.reason])).toEqual([['BTC/USDT', 'sell', 'stop_loss']]);
    expect(second.published).toHaveLength(1);
    expect(db.alerts.get('key_withdrawals_enabled')).toMatchObject({
      severity: 'critical',
      message: expect.stringContaining('can withdraw funds'),
    });
    expect(await executeSignalMessage(execute, asMessage(bus.published[1]!))).toMatchObject({ status: 'filled' });
    expect(db.ledger!.positions['BTC/USDT']).toBeUndefined();

    // flat, and buy_and_hold would enter at once: nothing while the key is refused
    expect((await runTick(tick, { tickId: 't3', now: T + 2 * M })).published).toEqual([]);

    key.health = judgeKey({ canTrade: true, canWithdraw: false, tradingExpiresAt: null }, T + 3 * M);
    expect((await runTick(tick, { tickId: 't4', now: T + 3 * M })).published).toHaveLength(1);
  });

  it("a config/bot.markets entry finer than the exchange's step: the stop fires and fills, no entries, the alert names the symbol and both values", async () => {
    const { db, tick, execute, bus } = await holding();
    db.config = { ...good, markets: { 'BTC/USDT': { amountStep: '0.000001', minNotional: '5' } } };
    await runTick(tick, { tickId: 't2', now: T + M });
    expect(bus.published.slice(1).map((s) => [s.symbol, s.side, s.reason])).toEqual([['BTC/USDT', 'sell', 'stop_loss']]);
    const alert = [...db.alerts.values()].find((a) => a.id.startsWith('config_invalid_'));
    expect(alert).toMatchObject({ severity: 'critical' });
    expect(alert!.message).toMatch(
      /config\/bot\.markets\.BTC\/USDT\.amountStep: 0\.00000100 is not a multiple of the exchange's amount step 0\.00001000 for BTC\/USDT/,
    );
    expect(await executeSignalMessage(execute, asMessage(bus.published[1]!))).toMatchObject({ status: 'filled' });
    expect((await runTick(tick, { tickId: 't3', now: T + 2 * M })).published).toEqual([]);
  });
});
