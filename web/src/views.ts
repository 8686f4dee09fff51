/**
 * What the panels show, made from documents the shared store codecs decoded
 * (functions/src/shared/store): nothing here reads a path or parses a document. Amounts become
 * 8-decimal strings for display; they are never converted to floats here.
 */
import { toDecimalString, type Amount } from '../../functions/src/domain/money.ts';
import type { Regime } from '../../functions/src/domain/regime.types.ts';
import type { Alert } from '../../functions/src/domain/alerts.ts';
import type { Position, Signal, SystemMode, Trade } from '../../functions/src/domain/trading.types.ts';
import type { Guard } from '../../functions/src/domain/engine/index.ts';
import type { MarketView, SystemStatus as StoredStatus } from '../../functions/src/ports/state.ts';
import type { LedgerDoc } from '../../functions/src/shared/store/index.ts';
import type { z } from 'zod';

export { SYSTEM_MODES as MODES } from '../../functions/src/domain/trading.types.ts';
export { REGIMES } from '../../functions/src/domain/regime.types.ts';
export type Mode = SystemMode;
export type { Regime };
export type Side = 'buy' | 'sell';

const dec = (a: Amount): string => toDecimalString(a);
const decOrNull = (a: Amount | null | undefined): string | null => (a == null ? null : toDecimalString(a));
/** Stored times are epoch ms ≥ 0; 0 means "never" to the panels. */
const time = (t: number | null | undefined): number | null => (t ? t : null);

export interface Feed {
  symbol: string;
  lastCandleAt: number | null;
  stale: boolean | null;
  error: string | null;
}

export interface SystemStatus {
  mode: Mode | null;
  /** the mode as stored (same as mode: the codec refuses anything else) */
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
  /** status.markets: the engine's per-market view (price, regime, indicators, staleness) */
  markets: Market[];
  /** status.account (equity and peak marked by the tick); null before the engine writes it */
  account: AccountView | null;
  /** by symbol id (BTC-USDT): the price the tick valued the open position at, from `engine.{id}.guard` */
  marks: Record<string, PositionMark>;
  /** the protections' locks holding entries at the last tick's market time (lifted ones left out) */
  locks: LockRow[];
}

export interface LockRow {
  id: string;
  /** a symbol, or 'all' */
  scope: string;
  protection: string;
  until: number;
  reason: string;
}

/** The tick's mark of an open position: what status.account.equity counts it at. */
export interface PositionMark {
  /** the position it marks (its opening trade) */
  tradeId: string;
  price: string;
}

export interface AccountView {
  equity: string | null;
  peakEquity: string | null;
  dayStartEquity: string | null;
  /** the UTC day (yyyymmdd) of the marks */
  day: string | null;
}

/** status/system decoded by the store's StatusDoc, plus the guards (guardsFromStatus). */
export function statusView(s: StoredStatus, guards: Readonly<Record<string, Guard>>): SystemStatus {
  return {
    mode: s.mode,
    rawMode: s.mode,
    modeReason: s.modeReason,
    entriesPausedUntil: time(s.entriesPausedUntil),
    lastTickAt: time(s.lastTickAt),
    lastTickLatencyMs: s.lastTickLatencyMs,
    marketTime: time(s.marketTime),
    feeds: Object.entries(s.feeds)
      .map(([symbol, f]): Feed => ({ symbol, lastCandleAt: time(f.lastCandleAt), stale: f.stale, error: f.error }))
      .sort((a, b) => a.symbol.localeCompare(b.symbol)),
    healthScore: s.healthScore,
    version: s.version,
    markets: Object.entries(s.markets).map(([id, m]) => marketView(id, m)),
    account: s.account && {
      equity: dec(s.account.equity),
      peakEquity: dec(s.account.peakEquity),
      dayStartEquity: dec(s.account.dayStartEquity),
      day: s.account.day,
    },
    marks: Object.fromEntries(Object.entries(guards).map(([id, g]) => [id, { tradeId: g.tradeId, price: dec(g.lastPrice) }])),
    locks: s.protections.locks
      .filter((l) => !s.locksLifted.includes(l.id) && (s.marketTime === null || l.until > s.marketTime))
      .map((l) => ({ id: l.id, scope: l.symbol === '*' ? 'all' : l.symbol, protection: l.protection, until: l.until, reason: l.reason })),
  };
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

function marketView(id: string, m: MarketView): Market {
  return {
    id,
    symbol: m.symbol,
    timeframe: m.timeframe,
    price: m.price,
    regime: m.regime,
    adx: m.adx,
    pdi: m.pdi,
    mdi: m.mdi,
    ema50: m.ema50,
    ema200: m.ema200,
    atrPct: m.atrPct,
    stale: m.stale,
    error: m.error,
    lastCandleAt: time(m.lastCandleAt),
    updatedAt: time(m.updatedAt),
  };
}

export interface WalletView {
  cash: string | null;
  /** the tick's marks (status.account) supply equity and peak; the ledger document holds neither */
  equity: string | null;
  peakEquity: string | null;
  realizedPnl: string | null;
  feesPaid: string | null;
  initialCash: string | null;
}

/** wallet/paper decoded by the store's LedgerDoc. */
export function walletView(w: z.infer<typeof LedgerDoc>): WalletView {
  return {
    cash: dec(w.cash),
    equity: null,
    peakEquity: null,
    realizedPnl: dec(w.realizedPnl),
    feesPaid: dec(w.feesPaid),
    initialCash: dec(w.initialCash),
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

export function positionView(id: string, p: Position): PositionView {
  return {
    id,
    symbol: p.symbol,
    qty: dec(p.qty),
    entryPrice: dec(p.entryPrice),
    stopLoss: dec(p.stopLoss),
    takeProfit: dec(p.takeProfit),
    trailingStop: decOrNull(p.trailingStop),
    lastPrice: dec(p.lastPrice),
    entryTime: time(p.entryTime),
    openTradeId: p.openTradeId,
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

export function signalView(s: Signal): SignalView {
  return {
    id: s.id,
    symbol: s.symbol,
    side: s.side,
    reason: s.reason,
    refPrice: dec(s.refPrice),
    candleTime: time(s.candleTime),
    createdAt: time(s.createdAt),
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

export function tradeView(id: string, t: Trade): TradeView {
  return {
    id,
    seq: t.seq,
    cashDelta: dec(t.cashDelta),
    symbol: t.symbol,
    side: t.side,
    qty: dec(t.qty),
    qtyDelta: dec(t.qtyDelta),
    price: dec(t.price),
    fee: dec(t.fee),
    realizedPnl: dec(t.realizedPnl),
    reason: t.reason,
    time: time(t.time),
    dust: decOrNull(t.dust),
  };
}

export type Severity = Alert['severity'];

export interface AlertView {
  id: string;
  kind: string | null;
  severity: string | null;
  severityClass: Severity;
  message: string | null;
  symbol: string | null;
  createdAt: number | null;
}

export function alertView(id: string, a: Alert): AlertView {
  return {
    id,
    kind: a.kind,
    severity: a.severity,
    severityClass: a.severity,
    message: a.message,
    symbol: a.symbol ?? null,
    createdAt: time(a.createdAt),
  };
}
