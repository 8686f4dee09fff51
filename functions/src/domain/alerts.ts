/** What the engine (and every function) raises for a human. Ids are deterministic: one document per condition. */
export interface Alert {
  readonly id: string;
  readonly kind: 'stale_feed' | 'kill_switch' | 'daily_loss' | 'drawdown' | 'budget' | 'error' | 'dead_letter';
  readonly severity: 'info' | 'warning' | 'critical';
  readonly message: string;
  readonly symbol?: string;
  /** when the condition began (market time), not when it was last seen */
  readonly createdAt: number;
}

/** Firestore ids cannot contain '/': BTC/USDT → BTC-USDT. */
export const symbolKey = (symbol: string): string => symbol.replace('/', '-');
