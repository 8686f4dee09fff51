import { describe, expect, it } from 'vitest';
import { LIVE_OUTCOME_ALERT_AFTER_MS, liveOutcomeOverdue, symbolKey } from './alerts.ts';

describe('alerts', () => {
  it('symbolKey makes a symbol a Firestore id', () => {
    expect(symbolKey('BTC/USDT')).toBe('BTC-USDT');
  });

  it('a live order without outcome becomes a critical alert exactly at the threshold, dated when its intent was recorded', () => {
    const intent = { signalId: 'sig-1', symbol: 'ETH/USDT', createdAt: 1_000 };
    expect(liveOutcomeOverdue(intent, 1_000 + LIVE_OUTCOME_ALERT_AFTER_MS - 1, 'not found')).toBeNull();
    const alert = liveOutcomeOverdue(intent, 1_000 + LIVE_OUTCOME_ALERT_AFTER_MS, 'x'.repeat(500))!;
    expect(alert).toMatchObject({ id: 'live_unknown_sig-1', kind: 'error', severity: 'critical', symbol: 'ETH/USDT', createdAt: 1_000 });
    expect(alert.message).toMatch(/after 5 min \(x{200}\)/);
  });
});
