/**
 * Names shared by the functions and the dashboard: Firestore paths, modes and regimes. Both import
 * this module (web through Vite), so a collection cannot be renamed on one side only.
 */
export { SYSTEM_MODES, type SystemMode } from '../domain/trading.types.ts';
export { REGIMES, type Regime } from '../domain/regime.types.ts';

export const PATHS = {
  status: 'status/system',
  config: 'config/bot',
  dashboardUsers: 'config/dashboardUsers',
  wallet: 'wallet/paper',
  positions: 'positions',
  signals: 'signals',
  orders: 'orders',
  /** live orders sent (or about to be) whose outcome is not recorded yet */
  intents: 'intents',
  trades: 'trades',
  /** the ledger audit's checkpoint (server only) */
  auditCheckpoint: 'audit/ledger',
  alerts: 'alerts',
  deadletters: 'deadletters',
  equity: 'equity',
  candles: 'candles',
  /** rollups/{yyyymmdd}: one day's performance (shared/rollups.ts) */
  rollups: 'rollups',
  /** costs/{yyyymm}: the latest budget notification's spend for a cost interval (shared/rollups.ts) */
  costs: 'costs',
} as const;

/** Firestore ids cannot contain '/': BTC/USDT → BTC-USDT. */
export { symbolKey } from '../domain/alerts.ts';
