/**
 * Light validation of Firestore documents. Each parser accepts anything and returns a typed view
 * in which every field that is missing or malformed is null, so renderers print "—" instead of
 * crashing. Amounts stay strings (fixed 8-decimal text); they are never converted to floats here.
 */
import type { symbolToDoc } from '../../functions/src/adapters/firestore/codec.ts';

export const MODES = ['NORMAL', 'OBSERVATION', 'PAUSED', 'KILLED'] as const;
export type Mode = (typeof MODES)[number];
export const REGIMES = ['bull_trend', 'bear_trend', 'sideways_range', 'high_volatility', 'unknown'] as const;
export type Regime = (typeof REGIMES)[number];
export type Side = 'buy' | 'sell';

type Raw = Record<string, unknown>;

function obj(v: unknown): Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Raw) : {};
}

/** A finite number; numeric strings are accepted too. */
export function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Epoch ms; a Firestore Timestamp (anything with toMillis()) is accepted too. */
export function ms(v: unknown): number | null {
  if (typeof v === 'object' && v !== null && typeof (v as { toMillis?: unknown }).toMillis === 'function') {
    const n = (v as { toMillis(): unknown }).toMillis();
    return typeof n === 'number' && Number.isFinite(n) ? n : null;
  }
  const n = num(v);
  return n !== null && n > 0 ? n : null;
}

/** An amount as decimal text. A finite number is tolerated (stringified, never computed with). */
export function amt(v: unknown): string | null {
  if (typeof v === 'string') return /^[+-]?\d+(\.\d+)?$/.test(v.trim()) ? v.trim() : null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

export function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

function bool(v: unknown): boolean | null {
  return typeof v === 'boolean' ? v : null;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[]): T | null {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : null;
}

export interface Feed {
  symbol: string;
  lastCandleAt: number | null;
  stale: boolean | null;
  error: string | null;
}

export interface SystemStatus {
  /** the raw mode text when it is not one of MODES, so an unexpected value is still visible */
  mode: Mode | null;
  rawMode: string | null;
  /** why the mode was set (kill switch, budget guard, admin) */
  modeReason: string | null;
  /** entries paused until this time (daily loss limit) */
  entriesPausedUntil: number | null;
  lastTickAt: number | null;
  lastTickLatencyMs: number | null;
  /** market time of the last tick: in a replay it runs behind (or faster than) the wall clock */
  marketTime: number | null;
  feeds: Feed[];
  healthScore: number | null;
  version: string | null;
  /** status.markets (the engine's per-market state); null while the bot still writes markets/{symbol} */
  markets: Market[] | null;
  /** status.account (equity and peak marked by the tick); null before the engine writes it */
  account: AccountView | null;
  /** by symbol id (BTC-USDT): the price the tick valued the open position at, from `engine.{id}.guard` */
  marks: Record<string, PositionMark>;
}

/** The tick's mark of an open position: what status.account.equity counts it at. */
export interface PositionMark {
  /** the position it marks (its opening trade) */
  tradeId: string;
  price: string;
}

type StoredGuard = NonNullable<ReturnType<typeof symbolToDoc>['guard']>;

/** `engine.{id}.guard` (codec's symbolToDoc writes it) → the mark, when the guard is well formed. */
function parseMarks(engine: unknown): Record<string, PositionMark> {
  const out: Record<string, PositionMark> = {};
  for (const [id, state] of Object.entries(obj(engine))) {
    const g = obj(obj(state).guard) as Partial<Record<keyof StoredGuard, unknown>>;
    const tradeId = str(g.tradeId);
    const price = amt(g.lastPrice);
    if (tradeId && price) out[id.replace('/', '-')] = { tradeId, price };
  }
  return out;
}

export interface AccountView {
  equity: string | null;
  peakEquity: string | null;
  dayStartEquity: string | null;
  markedAt: number | null;
}

export function parseStatus(data: unknown): SystemStatus {
  const d = obj(data);
  const feeds = Object.entries(obj(d.feeds))
    .map(([symbol, f]): Feed => {
      const o = obj(f);
      return { symbol, lastCandleAt: ms(o.lastCandleAt), stale: bool(o.stale), error: str(o.error) };
    })
    .sort((a, b) => a.symbol.localeCompare(b.symbol));
  const health = num(d.healthScore);
  return {
    mode: oneOf(d.mode, MODES),
    rawMode: str(d.mode),
    modeReason: str(d.modeReason),
    entriesPausedUntil: ms(d.entriesPausedUntil),
    lastTickAt: ms(d.lastTickAt),
    lastTickLatencyMs: num(d.lastTickLatencyMs),
    marketTime: ms(d.marketTime),
    feeds,
    healthScore: health === null ? null : Math.min(100, Math.max(0, health)),
    version: str(d.version) ?? (typeof d.version === 'number' ? String(d.version) : null),
    markets: typeof d.markets === 'object' && d.markets !== null ? Object.entries(obj(d.markets)).map(([k, m]) => parseMarket(k.replace('/', '-'), m)) : null,
    account: typeof d.account === 'object' && d.account !== null ? parseAccount(d.account) : null,
    marks: parseMarks(d.engine),
  };
}

function parseAccount(data: unknown): AccountView {
  const a = obj(data);
  return { equity: amt(a.equity), peakEquity: amt(a.peakEquity), dayStartEquity: amt(a.dayStartEquity), markedAt: ms(a.markedAt) };
}

export interface Market {
  id: string;
  symbol: string;
  timeframe: string | null;
  price: number | null;
  regime: Regime | null;
  adx: number | null;
  pdi: number | null;
  mdi: number | null;
  ema50: number | null;
  ema200: number | null;
  atrPct: number | null;
  stale: boolean | null;
  /** last ingest error for this market, if any */
  error: string | null;
  lastCandleAt: number | null;
  updatedAt: number | null;
}

export function parseMarket(id: string, data: unknown): Market {
  const d = obj(data);
  return {
    id,
    symbol: str(d.symbol) ?? id.replace('-', '/'),
    timeframe: str(d.timeframe),
    price: num(d.price),
    regime: oneOf(d.regime, REGIMES),
    adx: num(d.adx),
    pdi: num(d.pdi),
    mdi: num(d.mdi),
    ema50: num(d.ema50),
    ema200: num(d.ema200),
    atrPct: num(d.atrPct),
    stale: bool(d.stale),
    error: str(d.error),
    lastCandleAt: ms(d.lastCandleAt),
    updatedAt: ms(d.updatedAt),
  };
}

export interface WalletView {
  cash: string | null;
  equity: string | null;
  peakEquity: string | null;
  realizedPnl: string | null;
  feesPaid: string | null;
  initialCash: string | null;
}

export function parseWallet(data: unknown): WalletView {
  const d = obj(data);
  return {
    cash: amt(d.cash),
    equity: amt(d.equity),
    peakEquity: amt(d.peakEquity),
    realizedPnl: amt(d.realizedPnl),
    feesPaid: amt(d.feesPaid),
    initialCash: amt(d.initialCash),
  };
}

export interface PositionView {
  id: string;
  symbol: string;
  qty: string | null;
  entryPrice: string | null;
  stopLoss: string | null;
  takeProfit: string | null;
  trailingStop: string | null;
  /** the fill-time price executeOrder booked; the tick's mark (PositionMark) supersedes it */
  lastPrice: string | null;
  entryTime: number | null;
  openTradeId: string | null;
}

export function parsePosition(id: string, data: unknown): PositionView {
  const d = obj(data);
  return {
    id,
    symbol: str(d.symbol) ?? id,
    qty: amt(d.qty),
    entryPrice: amt(d.entryPrice),
    stopLoss: amt(d.stopLoss),
    takeProfit: amt(d.takeProfit),
    trailingStop: amt(d.trailingStop),
    lastPrice: amt(d.lastPrice),
    entryTime: ms(d.entryTime),
    openTradeId: str(d.openTradeId),
  };
}

export interface SignalView {
  id: string;
  symbol: string | null;
  side: Side | null;
  reason: string | null;
  refPrice: string | null;
  candleTime: number | null;
  createdAt: number | null;
}

export function parseSignal(docId: string, data: unknown): SignalView {
  const d = obj(data);
  return {
    id: str(d.id) ?? docId,
    symbol: str(d.symbol),
    side: oneOf(d.side, ['buy', 'sell'] as const),
    reason: str(d.reason),
    refPrice: amt(d.refPrice),
    candleTime: ms(d.candleTime),
    createdAt: ms(d.createdAt),
  };
}

export interface TradeView {
  id: string;
  /** ledger sequence (booking order) */
  seq: number | null;
  /** signed change of wallet cash */
  cashDelta: string | null;
  symbol: string | null;
  side: Side | null;
  qty: string | null;
  /** signed change of the position (+ buy, − sell) */
  qtyDelta: string | null;
  price: string | null;
  fee: string | null;
  realizedPnl: string | null;
  reason: string | null;
  time: number | null;
  /** base asset a closing sell could not sell (under one amount step), written off; null when none */
  dust: string | null;
}

export function parseTrade(id: string, data: unknown): TradeView {
  const d = obj(data);
  return {
    id,
    seq: ms(d.seq),
    cashDelta: amt(d.cashDelta),
    symbol: str(d.symbol),
    side: oneOf(d.side, ['buy', 'sell'] as const),
    qty: amt(d.qty),
    qtyDelta: amt(d.qtyDelta),
    price: amt(d.price),
    fee: amt(d.fee),
    realizedPnl: amt(d.realizedPnl),
    reason: str(d.reason),
    time: ms(d.time),
    dust: amt(d.dust),
  };
}

export type Severity = 'info' | 'warning' | 'critical';

export interface AlertView {
  id: string;
  kind: string | null;
  /** normalized: anything unknown is shown as given but styled as 'info' */
  severity: string | null;
  severityClass: Severity;
  message: string | null;
  symbol: string | null;
  createdAt: number | null;
}

export function parseAlert(id: string, data: unknown): AlertView {
  const d = obj(data);
  const severity = str(d.severity);
  const s = severity?.toLowerCase() ?? '';
  const severityClass: Severity =
    s === 'critical' || s === 'error' || s === 'fatal' ? 'critical' : s === 'warning' || s === 'warn' ? 'warning' : 'info';
  return {
    id,
    kind: str(d.kind),
    severity,
    severityClass,
    message: str(d.message),
    symbol: str(d.symbol),
    createdAt: ms(d.createdAt),
  };
}
