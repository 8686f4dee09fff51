/**
 * Every Firestore path the functions, the dashboard, the scripts and the tests use. A literal
 * collection path anywhere else fails lint (eslint.config.js, rule `store/no-literal-path`).
 * Adding a stored document: name its collection here, give it a path helper, and its codec in codec.ts.
 */
import { utcDay } from '../../domain/wallet.ts';
import { symbolKey } from '../../domain/alerts.ts';

export { symbolKey };

/** Collection ids. */
export const COLLECTIONS = {
  status: 'status',
  config: 'config',
  wallet: 'wallet',
  positions: 'positions',
  signals: 'signals',
  orders: 'orders',
  /** live orders sent (or about to be) whose outcome is not recorded yet */
  intents: 'intents',
  trades: 'trades',
  /** the ledger audit's checkpoint (server only) */
  audit: 'audit',
  alerts: 'alerts',
  deadletters: 'deadletters',
  equity: 'equity',
  candles: 'candles',
  /** every admin call, refused and failed ones included (server only) */
  auditLog: 'audit_log',
  /** one document per budget notification, claimed once (server only) */
  budgetNotices: 'budget_notices',
  /** rollups/{yyyymmdd}: one day's performance (rollups.ts) */
  rollups: 'rollups',
  /** costs/{yyyymm}: the latest budget notification's spend for a cost interval (rollups.ts) */
  costs: 'costs',
  /** inbound/{id}: the signal webhook's idempotency keys, rate buckets and refusal counts (server only) */
  inbound: 'inbound',
  /** shadow/{yyyymmdd}: the state the bot started the day with, and the shadow backtest's verdict; shadow/latest (shadow.ts) */
  shadow: 'shadow',
  /** telegram/{id}: the command bot's used confirm buttons and per-chat rate buckets (server only) */
  telegram: 'telegram',
} as const;
export type CollectionId = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

/** Collections and single documents by name; documents inside a collection come from the helpers below. */
export const PATHS = {
  status: `${COLLECTIONS.status}/system`,
  config: `${COLLECTIONS.config}/bot`,
  dashboardUsers: `${COLLECTIONS.config}/dashboardUsers`,
  wallet: `${COLLECTIONS.wallet}/paper`,
  auditCheckpoint: `${COLLECTIONS.audit}/ledger`,
  positions: COLLECTIONS.positions,
  signals: COLLECTIONS.signals,
  orders: COLLECTIONS.orders,
  intents: COLLECTIONS.intents,
  trades: COLLECTIONS.trades,
  alerts: COLLECTIONS.alerts,
  deadletters: COLLECTIONS.deadletters,
  equity: COLLECTIONS.equity,
  candles: COLLECTIONS.candles,
  auditLog: COLLECTIONS.auditLog,
  budgetNotices: COLLECTIONS.budgetNotices,
  rollups: COLLECTIONS.rollups,
  costs: COLLECTIONS.costs,
  inbound: COLLECTIONS.inbound,
  shadow: COLLECTIONS.shadow,
  telegram: COLLECTIONS.telegram,
} as const;

/** `positions/{BTC-USDT}`: the projection of an open position (executeOrder writes it at each fill). */
export const positionPath = (symbol: string): string => `${PATHS.positions}/${symbolKey(symbol)}`;
/** `signals/{signalId}` */
export const signalPath = (id: string): string => `${PATHS.signals}/${id}`;
/** `orders/{signalId}`: the idempotency record created in the transaction that moves money */
export const orderPath = (signalId: string): string => `${PATHS.orders}/${signalId}`;
/** `intents/{signalId}` */
export const intentPath = (signalId: string): string => `${PATHS.intents}/${signalId}`;
/** `trades/{tradeId}` */
export const tradePath = (id: string): string => `${PATHS.trades}/${id}`;
/** `alerts/{alertId}` */
export const alertPath = (id: string): string => `${PATHS.alerts}/${id}`;
/** `deadletters/{signalId}` */
export const deadLetterPath = (id: string): string => `${PATHS.deadletters}/${id}`;
/** `budget_notices/{id}` */
export const budgetNoticePath = (id: string): string => `${PATHS.budgetNotices}/${id}`;
/** `equity/{yyyymmdd}`: the equity points of the UTC day of `t`. */
export const equityDayPath = (t: number): string => `${PATHS.equity}/${utcDay(t)}`;
/** `inbound/k_{source}_{key}`: what an inbound alert's idempotency key became (source and key are id-safe, domain/inbound). */
export const inboundKeyPath = (source: string, key: string): string => `${PATHS.inbound}/k_${source}_${key}`;
/** `inbound/rate_{source}`: the source's token bucket */
export const inboundRatePath = (source: string): string => `${PATHS.inbound}/rate_${source}`;
/** `inbound/x_{yyyymmddhhmm}_{source}_{reason}`: refused requests of one minute, counted */
export const inboundRejectionPath = (at: number, source: string, reason: string): string =>
  `${PATHS.inbound}/x_${new Date(at).toISOString().slice(0, 16).replace(/\D/g, '')}_${source}_${reason}`;
/** `telegram/c_{button id}`: a confirm button that was pressed (created in the transaction that claims it; its run follows) */
export const telegramConfirmPath = (id: string): string => `${PATHS.telegram}/c_${id}`;
/** `telegram/rate_{chat id}`: the chat's token bucket and refusal count */
export const telegramRatePath = (chatId: string): string => `${PATHS.telegram}/rate_${chatId}`;
