/**
 * Firestore document shapes and their translation to domain types. Every document read back is
 * validated with zod; a corrupt one raises CorruptDocumentError naming the path and the field,
 * never a half-parsed object. Amounts are stored as fixed 8-decimal strings (domain/money.ts).
 */
import { z } from 'zod';
import { TIMEFRAMES } from '../../domain/candle.ts';
import { toAmount, toDecimalString, type Amount } from '../../domain/money.ts';
import { REGIMES } from '../../domain/regime.types.ts';
import { ENTRY_REASONS, EXIT_REASONS, SYSTEM_MODES, type Position, type Signal, type Trade, type Wallet } from '../../domain/trading.types.ts';
import { AmountString } from '../../config/schema.ts';
import { formatIssues } from '../../config/load.ts';
import type { MarketState, OrderRecord, SystemStatus } from '../../ports/state.ts';

export class CorruptDocumentError extends Error {
  override readonly name = 'CorruptDocumentError';
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`corrupt document ${path}: ${detail}`);
  }
}

export function parseDoc<S extends z.ZodType>(schema: S, path: string, data: unknown): z.infer<S> {
  const r = schema.safeParse(data);
  if (!r.success) throw new CorruptDocumentError(path, formatIssues(r.error));
  return r.data;
}

/** Firestore ids cannot contain '/': BTC/USDT → BTC-USDT. */
export const symbolDocId = (symbol: string): string => symbol.replace('/', '-');

const amt = AmountString.transform((s) => toAmount(s));
const ms = z.number().int().nonnegative();
const num = z.number().finite();
const str = (a: Amount): string => toDecimalString(a);

export const WalletDoc = z.object({
  initialCash: amt,
  cash: amt,
  realizedPnl: amt,
  feesPaid: amt,
  equity: amt,
  peakEquity: amt,
  day: z.string().regex(/^\d{8}$/),
  dayStartEquity: amt,
});
export const walletToDoc = (w: Wallet, now: number) => ({
  initialCash: str(w.initialCash), cash: str(w.cash), realizedPnl: str(w.realizedPnl), feesPaid: str(w.feesPaid),
  equity: str(w.equity), peakEquity: str(w.peakEquity), day: w.day, dayStartEquity: str(w.dayStartEquity), updatedAt: now,
});

export const PositionDoc = z.object({
  symbol: z.string(), qty: amt, entryPrice: amt, entryTime: ms, costBasis: amt, stopLoss: amt, takeProfit: amt,
  trailingStop: amt.nullable(), highWater: amt, openTradeId: z.string().min(1), lastPrice: amt,
});
export const positionToDoc = (p: Position) => ({
  symbol: p.symbol, qty: str(p.qty), entryPrice: str(p.entryPrice), entryTime: p.entryTime, costBasis: str(p.costBasis),
  stopLoss: str(p.stopLoss), takeProfit: str(p.takeProfit), trailingStop: p.trailingStop === null ? null : str(p.trailingStop),
  highWater: str(p.highWater), openTradeId: p.openTradeId, lastPrice: str(p.lastPrice),
});

const reason = z.enum([...ENTRY_REASONS, ...EXIT_REASONS]);
export const TradeDoc = z.object({
  id: z.string(), signalId: z.string(), symbol: z.string(), side: z.enum(['buy', 'sell']), reason,
  qty: amt, price: amt, fee: amt, cashDelta: amt, qtyDelta: amt, realizedPnl: amt, time: ms,
});
export const tradeToDoc = (t: Trade) => ({
  ...t, qty: str(t.qty), price: str(t.price), fee: str(t.fee), cashDelta: str(t.cashDelta), qtyDelta: str(t.qtyDelta), realizedPnl: str(t.realizedPnl),
});

export const signalToDoc = (s: Signal) => ({ ...s, refPrice: str(s.refPrice), atr: str(s.atr) });

const RegimeStateDoc = z.object({ regime: z.enum(REGIMES), pending: z.enum(REGIMES).nullable(), pendingCount: z.number().int().nonnegative() });
const nullableNum = num.nullable();
export const MarketDoc = z.object({
  symbol: z.string(), timeframe: z.enum(TIMEFRAMES), lastCandleAt: ms.nullable(), price: nullableNum, regime: z.enum(REGIMES),
  regimeState: RegimeStateDoc, adx: nullableNum, pdi: nullableNum, mdi: nullableNum, atr: nullableNum, atrPct: nullableNum,
  ema50: nullableNum, ema200: nullableNum, stale: z.boolean(), error: z.string().nullable(), updatedAt: ms,
});
export function marketFromDoc(d: z.infer<typeof MarketDoc>): MarketState {
  const { adx, pdi, mdi, atr, atrPct, ema50, ema200 } = d;
  const hasIndicators = [adx, pdi, mdi, atr, atrPct, ema50, ema200].some((v) => v !== null);
  return {
    symbol: d.symbol, timeframe: d.timeframe, lastCandleAt: d.lastCandleAt, price: d.price, regime: d.regime, regimeState: d.regimeState,
    indicators: hasIndicators ? { adx, pdi, mdi, atr, atrPct, ema50, ema200 } : null, stale: d.stale, error: d.error, updatedAt: d.updatedAt,
  };
}
export function marketToDoc(m: MarketState) {
  const i = m.indicators;
  return {
    symbol: m.symbol, timeframe: m.timeframe, lastCandleAt: m.lastCandleAt, price: m.price, regime: m.regime, regimeState: m.regimeState,
    adx: i?.adx ?? null, pdi: i?.pdi ?? null, mdi: i?.mdi ?? null, atr: i?.atr ?? null, atrPct: i?.atrPct ?? null,
    ema50: i?.ema50 ?? null, ema200: i?.ema200 ?? null, stale: m.stale, error: m.error, updatedAt: m.updatedAt,
  };
}

const FeedDoc = z.object({ lastCandleAt: ms.nullable(), stale: z.boolean(), error: z.string().nullable() });
export const StatusDoc = z.object({
  mode: z.enum(SYSTEM_MODES).default('NORMAL'),
  modeReason: z.string().nullable().default(null),
  entriesPausedUntil: ms.nullable().default(null),
  lastTickAt: ms.nullable().default(null),
  lastTickLatencyMs: z.number().nonnegative().nullable().default(null),
  lastTickId: z.string().nullable().default(null),
  marketTime: ms.nullable().default(null),
  feeds: z.record(z.string(), FeedDoc).default({}),
  healthScore: z.number().min(0).max(100).default(100),
  version: z.string().default('unknown'),
});
export const statusToDoc = (s: SystemStatus) => ({ ...s });

export const OrderDoc = z.object({ signalId: z.string(), symbol: z.string(), side: z.enum(['buy', 'sell']), status: z.enum(['filled', 'rejected']), createdAt: ms }).loose();
export function orderToDoc(o: OrderRecord) {
  const base = { signalId: o.signalId, symbol: o.symbol, side: o.side, createdAt: o.createdAt };
  return o.outcome.status === 'filled'
    ? { ...base, status: 'filled', tradeId: o.outcome.tradeId, qty: str(o.outcome.qty), price: str(o.outcome.price), fee: str(o.outcome.fee) }
    : { ...base, status: 'rejected', reason: o.outcome.reason };
}

/** A candle bucket: `candles` maps open time → [o,h,l,c,v]; merge writes make upserts idempotent and read-free. */
export const CandleBucketDoc = z.object({
  symbol: z.string(),
  timeframe: z.enum(TIMEFRAMES),
  bucketStart: ms,
  candles: z.record(z.string().regex(/^\d+$/), z.tuple([num, num, num, num, num])),
});
