/** What the engine (and every function) raises for a human. Ids are deterministic: one document per condition. */
export interface Alert {
  readonly id: string;
  readonly kind:
    'stale_feed' | 'kill_switch' | 'daily_loss' | 'drawdown' | 'budget' | 'error' | 'dead_letter' | 'reconcile' | 'protection' | 'shadow';
  readonly severity: 'info' | 'warning' | 'critical';
  readonly message: string;
  readonly symbol?: string;
  /** when the condition began (market time), not when it was last seen */
  readonly createdAt: number;
}

/** Firestore ids cannot contain '/': BTC/USDT → BTC-USDT. */
export const symbolKey = (symbol: string): string => symbol.replace('/', '-');

/**
 * A live order whose outcome is still unknown this long after its intent was recorded is a human's
 * problem: the exchange's "order does not exist" lag is 20–60 s, and Pub/Sub's redeliveries (15 s to
 * 10 min apart, 10 attempts) then end on the dead-letter topic, where nobody looks unprompted.
 */
export const LIVE_OUTCOME_ALERT_AFTER_MS = 5 * 60_000;

export function liveOutcomeOverdue(
  intent: { readonly signalId: string; readonly symbol: string; readonly createdAt: number },
  now: number,
  reason: string,
): Alert | null {
  const waited = now - intent.createdAt;
  if (waited < LIVE_OUTCOME_ALERT_AFTER_MS) return null;
  return {
    id: `live_unknown_${intent.signalId}`,
    kind: 'error',
    severity: 'critical',
    symbol: intent.symbol,
    message: `live order for signal ${intent.signalId} has no known outcome after ${Math.floor(waited / 60_000)} min (${reason.slice(0, 200)}): check the exchange's open and recent orders for ${intent.symbol}; redeliveries continue, then the message waits on the signals dead-letter topic`,
    createdAt: intent.createdAt,
  };
}
