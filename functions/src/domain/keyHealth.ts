/**
 * Whether the live API key may be traded with. A trading bot needs a key that can trade spot and
 * must not hold one that can withdraw: a leaked trading key can lose money in the market, a leaked
 * withdrawing key can empty the account. Checked at the live broker's first use in an instance and
 * then every KEY_CHECK_INTERVAL_MS; warned KEY_EXPIRY_WARNING_DAYS before a known expiry.
 *
 * A problem refuses entries (tick and executor); exits are still sent: with withdrawals on, selling
 * only lowers exposure; with trading off the exchange refuses the sell itself, and the critical
 * alert tells the human to fix the key or close the position by hand. Messages never carry the key.
 */
import type { Alert } from './alerts.ts';

export const KEY_CHECK_INTERVAL_MS = 24 * 3_600_000;
export const KEY_EXPIRY_WARNING_DAYS = 7;
const DAY_MS = 86_400_000;

/** The key's permissions as the exchange states them (Binance GET /sapi/v1/account/apiRestrictions). */
export interface KeyPermissions {
  /** enableSpotAndMarginTrading */
  readonly canTrade: boolean;
  /** enableWithdrawals */
  readonly canWithdraw: boolean;
  /** tradingAuthorityExpirationTime: when the trading permission lapses (ms), null when none is set */
  readonly tradingExpiresAt: number | null;
}

export type KeyProblem = 'unchecked' | 'trading_disabled' | 'trading_expired' | 'withdrawals_enabled';

export interface KeyHealth {
  /** why entries are refused; empty when the key may trade */
  readonly problems: readonly KeyProblem[];
  /** the particulars of each problem and warning, for logs and alerts */
  readonly detail: string;
  /** the trading permission lapses within KEY_EXPIRY_WARNING_DAYS */
  readonly expiresSoon: boolean;
  readonly checkedAt: number | null;
}

/** Paper trading has no key: nothing to refuse. */
export const NO_KEY: KeyHealth = { problems: [], detail: 'paper trading: no exchange key', expiresSoon: false, checkedAt: null };

export function judgeKey(p: KeyPermissions, now: number): KeyHealth {
  const problems: KeyProblem[] = [];
  const said: string[] = [];
  if (!p.canTrade) {
    problems.push('trading_disabled');
    said.push('spot trading is not enabled for the API key');
  }
  if (p.tradingExpiresAt !== null && p.tradingExpiresAt <= now) {
    problems.push('trading_expired');
    said.push(`the key's trading permission expired at ${new Date(p.tradingExpiresAt).toISOString()}`);
  }
  if (p.canWithdraw) {
    problems.push('withdrawals_enabled');
    said.push('the API key can withdraw funds: disable withdrawals for it');
  }
  const expiresSoon =
    p.tradingExpiresAt !== null && p.tradingExpiresAt > now && p.tradingExpiresAt - now <= KEY_EXPIRY_WARNING_DAYS * DAY_MS;
  if (expiresSoon)
    said.push(
      `the key's trading permission expires at ${new Date(p.tradingExpiresAt!).toISOString()} (in ${((p.tradingExpiresAt! - now) / DAY_MS).toFixed(1)} days): renew it`,
    );
  return { problems, detail: said.join('; ') || 'the key may trade and cannot withdraw', expiresSoon, checkedAt: now };
}

/** A check that could not be made: entries wait until one succeeds (a key is never assumed safe). */
export function uncheckedKey(reason: string): KeyHealth {
  return {
    problems: ['unchecked'],
    detail: `the API key's permissions could not be checked: ${reason}`.slice(0, 500),
    expiresSoon: false,
    checkedAt: null,
  };
}

/** One alert per condition (deterministic ids), raised by every tick that still sees it. */
export function keyHealthAlerts(h: KeyHealth, now: number): Alert[] {
  const alerts: Alert[] = [];
  if (h.problems.length > 0) {
    alerts.push({
      id: `key_${[...h.problems].sort().join('_')}`,
      kind: 'error',
      severity: 'critical',
      message: `exchange key: ${h.detail}; no entries until it is fixed, exits are still sent`,
      createdAt: now,
    });
  }
  if (h.expiresSoon)
    alerts.push({ id: 'key_expires_soon', kind: 'error', severity: 'warning', message: `exchange key: ${h.detail}`, createdAt: now });
  return alerts;
}
