import { describe, expect, it } from 'vitest';
import { judgeKey, KEY_EXPIRY_WARNING_DAYS, keyHealthAlerts, NO_KEY, uncheckedKey } from './keyHealth.ts';

const T = Date.parse('2023-04-12T18:00:00Z');
const DAY = 86_400_000;
const ok = { canTrade: true, canWithdraw: false, tradingExpiresAt: null };

describe('judgeKey', () => {
  it.each([
    ['a key that trades and cannot withdraw', ok, []],
    ['trading off', { ...ok, canTrade: false }, ['trading_disabled']],
    ['withdrawals on', { ...ok, canWithdraw: true }, ['withdrawals_enabled']],
    ['both', { ...ok, canTrade: false, canWithdraw: true }, ['trading_disabled', 'withdrawals_enabled']],
    ['a trading permission that expired', { ...ok, tradingExpiresAt: T }, ['trading_expired']],
  ])('%s', (_name, p, problems) => {
    expect(judgeKey(p, T).problems).toEqual(problems);
  });

  it(`warns ${KEY_EXPIRY_WARNING_DAYS} days before a known expiry, not earlier`, () => {
    expect(judgeKey({ ...ok, tradingExpiresAt: T + KEY_EXPIRY_WARNING_DAYS * DAY }, T)).toMatchObject({ problems: [], expiresSoon: true });
    expect(judgeKey({ ...ok, tradingExpiresAt: T + KEY_EXPIRY_WARNING_DAYS * DAY + 1 }, T)).toMatchObject({
      problems: [],
      expiresSoon: false,
    });
  });
});

describe('keyHealthAlerts: one document per condition', () => {
  it('a critical alert per set of problems, a warning for a near expiry, none for a sound key or paper', () => {
    const bad = keyHealthAlerts(judgeKey({ ...ok, canWithdraw: true, tradingExpiresAt: T + DAY }, T), T);
    expect(bad.map((a) => [a.id, a.severity])).toEqual([
      ['key_withdrawals_enabled', 'critical'],
      ['key_expires_soon', 'warning'],
    ]);
    expect(bad[0]!.message).toMatch(/can withdraw funds: disable withdrawals for it; .*no entries until it is fixed, exits are still sent/);
    expect(keyHealthAlerts(judgeKey(ok, T), T)).toEqual([]);
    expect(keyHealthAlerts(NO_KEY, T)).toEqual([]);
    expect(keyHealthAlerts(uncheckedKey('NetworkError: down'), T).map((a) => a.id)).toEqual(['key_unchecked']);
  });
});
