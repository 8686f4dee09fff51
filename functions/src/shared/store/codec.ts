/**
 * The codec of every stored document, both directions: `XDoc` (zod) decodes what Firestore holds into
 * the domain's types, `xToDoc` encodes. The functions' adapters, the dashboard and the scripts all use
 * these, so a shape is written once. A corrupt document raises CorruptDocumentError naming the path
 * and the field, never a half-parsed object. Unknown keys are dropped on read (zod's default), except
 * where a schema says otherwise. Amounts are stored as fixed 8-decimal strings (domain/money.ts).
 */
import { z } from 'zod';
import { TIMEFRAMES, type Candle, type Timeframe } from '../../domain/candle.ts';
import { toAmount, toDecimalString, type Amount } from '../../domain/money.ts';
import { REGIMES } from '../../domain/regime.types.ts';
import { symbolKey } from '../../domain/alerts.ts';
import {
  DRIFT_CAUSES,
  ENTRY_REASONS,
  EXIT_REASONS,
  SYSTEM_MODES,
  type Position,
  type Signal,
  type Trade,
  type Wallet,
} from '../../domain/trading.types.ts';
import { AmountString, formatIssues } from '../zodFields.ts';
import type { AccountMarks, AuditCheckpoint, DeadLetter, LiveIntent, MarketView, OrderRecord, PersistedSymbol } from '../../ports/state.ts';
import type { Alert } from '../../domain/alerts.ts';
import type { CandleReading, Guard, SymbolState } from '../../domain/engine/index.ts';
import { PROTECTIONS, type ProtectionState } from '../../domain/protections/index.ts';
import type { InboundRecord, InboundRejection } from '../../ports/inbound.ts';
import { MAX_HISTORY } from '../../domain/strategy/api.ts';
import { BAR_FIELDS } from '../../domain/strategy/indicators.ts';

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

/** `parseDoc` as a function of (data, path), for readers that take a decoder. */
export const decoder =
  <S extends z.ZodType>(schema: S) =>
  (data: unknown, path: string): z.output<S> =>
    parseDoc(schema, path, data);

/** Firestore ids cannot contain '/': BTC/USDT → BTC-USDT. */
export { symbolKey as symbolDocId } from './paths.ts';

const amt = AmountString.transform((s) => toAmount(s));
const ms = z.number().int().nonnegative();
const num = z.number().finite();
const str = (a: Amount): string => toDecimalString(a);

/**
 * Migration: positions booked before protection ran on guard candles stored `checkedThrough` (the open
 * time of the last decision candle checked) instead of `checkedUntil` (the end of the span checked).
 * Read as "checked until just after it": that candle is checked once more, which can only repeat a
 * decision already taken. Writers write `checkedUntil` only.
 */
const checkedSpan = <T extends { checkedUntil?: number | undefined; checkedThrough?: number | undefined }>(d: T, floor: number) => {
  const { checkedThrough, checkedUntil, ...rest } = d;
  return { ...rest, checkedUntil: Math.max(checkedUntil ?? (checkedThrough ?? 0) + 1, floor) };
};
export const PositionDoc = z
  .object({
    symbol: z.string(),
    qty: amt,
    entryPrice: amt,
    entryTime: ms,
    checkedUntil: ms.optional(),
    checkedThrough: ms.optional(),
    costBasis: amt,
    stopLoss: amt,
    takeProfit: amt,
    trailingStop: amt.nullable(),
    highWater: amt,
    openTradeId: z.string().min(1),
    lastPrice: amt,
  })
  .refine((d) => d.checkedUntil !== undefined || d.checkedThrough !== undefined, {
    message: 'checkedUntil is required',
    path: ['checkedUntil'],
  })
  .transform((d): Position => checkedSpan(d, d.entryTime));
export const positionToDoc = (p: Position) => ({
  symbol: p.symbol,
  qty: str(p.qty),
  entryPrice: str(p.entryPrice),
  entryTime: p.entryTime,
  checkedUntil: p.checkedUntil,
  costBasis: str(p.costBasis),
  stopLoss: str(p.stopLoss),
  takeProfit: str(p.takeProfit),
  trailingStop: p.trailingStop === null ? null : str(p.trailingStop),
  highWater: str(p.highWater),
  openTradeId: p.openTradeId,
  lastPrice: str(p.lastPrice),
});

/** wallet/paper: the ledger executeOrder owns — cash, PnL, fees, and the booked positions by symbol key. */
export const LedgerDoc = z.object({
  initialCash: amt,
  cash: amt,
  realizedPnl: amt,
  feesPaid: amt,
  /** absent only in a ledger from before sequence numbers: its full audit then reports the gap */
  tradeSeq: z.number().int().nonnegative().default(0),
  positions: z.record(z.string(), PositionDoc).default({}),
});
export const ledgerToDoc = (w: Wallet, positions: Readonly<Record<string, Position>>, now: number) => ({
  initialCash: str(w.initialCash),
  cash: str(w.cash),
  realizedPnl: str(w.realizedPnl),
  feesPaid: str(w.feesPaid),
  tradeSeq: w.tradeSeq,
  positions: Object.fromEntries(Object.values(positions).map((p) => [symbolKey(p.symbol), positionToDoc(p)])),
  updatedAt: now,
});

export const AccountDoc = z.object({ equity: amt, peakEquity: amt, day: z.string().regex(/^\d{8}$/), dayStartEquity: amt });
export const accountToDoc = (a: AccountMarks) => ({
  equity: str(a.equity),
  peakEquity: str(a.peakEquity),
  day: a.day,
  dayStartEquity: str(a.dayStartEquity),
});

const reason = z.enum([...ENTRY_REASONS, ...EXIT_REASONS]);
/** a ledger entry's reason: a signal's, or a reconciliation's adjustment */
const tradeReason = z.enum([...ENTRY_REASONS, ...EXIT_REASONS, 'adjustment']);
const AdjustmentDoc = z.object({
  cause: z.enum(DRIFT_CAUSES),
  asset: z.string(),
  exchange: amt,
  ledger: amt,
  note: z.string(),
  by: z.string(),
});
export const TradeDoc = z.object({
  id: z.string(),
  seq: z.number().int().positive(),
  signalId: z.string(),
  symbol: z.string(),
  side: z.enum(['buy', 'sell']),
  reason: tradeReason,
  qty: amt,
  price: amt,
  fee: amt,
  cashDelta: amt,
  qtyDelta: amt,
  realizedPnl: amt,
  time: ms,
  dust: amt.optional(),
  adjustment: AdjustmentDoc.optional(),
});
export const tradeToDoc = ({ dust, adjustment, ...t }: Trade) => ({
  ...t,
  qty: str(t.qty),
  price: str(t.price),
  fee: str(t.fee),
  cashDelta: str(t.cashDelta),
  qtyDelta: str(t.qtyDelta),
  realizedPnl: str(t.realizedPnl),
  ...(dust ? { dust: str(dust) } : {}),
  ...(adjustment ? { adjustment: { ...adjustment, exchange: str(adjustment.exchange), ledger: str(adjustment.ledger) } } : {}),
});

const CheckpointPosition = z.object({ symbol: z.string(), qty: amt, openTradeId: z.string() });
export const AuditCheckpointDoc = z
  .object({
    seq: z.number().int().nonnegative(),
    initialCash: amt,
    cash: amt,
    realizedPnl: amt,
    feesPaid: amt,
    positions: z.record(z.string(), CheckpointPosition),
    at: ms,
  })
  .transform(({ positions, ...c }) => ({
    ...c,
    positions: Object.fromEntries(Object.values(positions).map(({ symbol, ...p }) => [symbol, p])),
  }));
export const auditCheckpointToDoc = (c: AuditCheckpoint) => ({
  seq: c.seq,
  initialCash: str(c.initialCash),
  cash: str(c.cash),
  realizedPnl: str(c.realizedPnl),
  feesPaid: str(c.feesPaid),
  at: c.at,
  positions: Object.fromEntries(
    Object.entries(c.positions).map(([symbol, p]) => [symbolKey(symbol), { symbol, qty: str(p.qty), openTradeId: p.openTradeId }]),
  ),
});

export const SignalDoc = z.object({
  id: z.string().min(1),
  symbol: z.string(),
  timeframe: z.enum(TIMEFRAMES),
  candleTime: ms,
  side: z.enum(['buy', 'sell']),
  reason,
  refPrice: amt,
  atr: amt,
  qty: amt,
  strategyVersion: z.string(),
  createdAt: ms,
  stopAtrBps: z.number().int().positive().optional(),
  targetAtrBps: z.number().int().positive().optional(),
});
export const signalToDoc = (s: Signal) => ({ ...s, refPrice: str(s.refPrice), atr: str(s.atr), qty: str(s.qty) });

const RegimeStateDoc = z.object({
  regime: z.enum(REGIMES),
  pending: z.enum(REGIMES).nullable(),
  pendingCount: z.number().int().nonnegative(),
});
const nullableNum = num.nullable();

export const MarketViewDoc = z.object({
  symbol: z.string(),
  timeframe: z.enum(TIMEFRAMES),
  lastCandleAt: ms.nullable(),
  price: nullableNum,
  regime: z.enum(REGIMES),
  adx: nullableNum,
  pdi: nullableNum,
  mdi: nullableNum,
  atr: nullableNum,
  atrPct: nullableNum,
  atrPctAvg: nullableNum.default(null),
  ema50: nullableNum,
  ema200: nullableNum,
  stale: z.boolean(),
  staleSince: ms.nullable().default(null),
  error: z.string().nullable(),
  stop: amt.nullable().default(null),
  takeProfit: amt.nullable().default(null),
  updatedAt: ms,
});
export const marketViewToDoc = (m: MarketView) => ({
  ...m,
  stop: m.stop === null ? null : str(m.stop),
  takeProfit: m.takeProfit === null ? null : str(m.takeProfit),
});

const ema = z.object({ n: num, sum: num, value: nullableNum });
const StreamDoc = z.object({
  n: num,
  ema50: ema,
  ema200: ema,
  atr: z.object({ n: num, prevClose: nullableNum, sum: num, value: nullableNum }),
  dmi: z.object({ n: num, prevH: num, prevL: num, prevC: num, plusDM: num, minusDM: num, tr: num, sumDX: num, adx: nullableNum }),
  // absent in state stored before the relative high-volatility threshold: seeded afresh (the regime falls back to the fixed threshold meanwhile)
  atrPctAvg: ema.default({ n: 0, sum: 0, value: null }),
});
const SnapshotDoc = z.object({
  t: ms,
  close: num,
  adx: nullableNum,
  pdi: nullableNum,
  mdi: nullableNum,
  atr: nullableNum,
  atrPct: nullableNum,
  atrPctAvg: nullableNum.default(null),
  ema50: nullableNum,
  ema200: nullableNum,
});
const GuardDoc = z
  .object({
    tradeId: z.string().min(1),
    highWater: amt,
    trailingStop: amt.nullable(),
    checkedUntil: ms.optional(),
    checkedThrough: ms.optional(),
    lastPrice: amt,
    /** absent before the watchdog: taken as the span checked */
    checkedAt: ms.optional(),
  })
  .refine((d) => d.checkedUntil !== undefined || d.checkedThrough !== undefined, {
    message: 'checkedUntil is required',
    path: ['checkedUntil'],
  })
  .transform((d): Guard => {
    const g = checkedSpan(d, 0);
    return { ...g, checkedAt: d.checkedAt ?? g.checkedUntil };
  });
/** The strategy's candle window (one array per declared field) and its indicator values; absent before the strategy API: refilled as candles arrive. */
const StrategyStateDoc = z
  .object({
    bars: z.partialRecord(z.enum(BAR_FIELDS), z.array(num).max(MAX_HISTORY)),
    values: z.record(z.string().max(64), nullableNum),
  })
  .default({ bars: {}, values: {} });
/** status/system.engine.{symbol}: the symbol step's state plus the open position's guard (Firestore has no nested arrays, hence {t, atr}). */
export const SymbolDoc = z.object({
  timeframe: z.enum(TIMEFRAMES),
  lastCandleAt: ms.nullable(),
  price: nullableNum,
  indicators: StreamDoc,
  regime: RegimeStateDoc,
  snapshot: SnapshotDoc.nullable(),
  recentAtr: z.array(z.object({ t: ms, atr: nullableNum })),
  staleSince: ms.nullable(),
  pending: z.object({ signalId: z.string().min(1), side: z.enum(['buy', 'sell']), emittedAt: ms }).nullable(),
  guard: GuardDoc.nullable(),
  strategy: StrategyStateDoc,
});
/**
 * The open positions' guards in status/system.engine, by symbol key: the price the tick marked each
 * at (what status.account.equity counts it at). A corrupt entry is left out, as the tick leaves it.
 */
const EngineGuardDoc = z.object({ guard: GuardDoc.nullable() });
export function guardsFromStatus(data: unknown): Record<string, Guard> {
  const engine = typeof data === 'object' && data !== null ? (data as { engine?: unknown }).engine : undefined;
  const out: Record<string, Guard> = {};
  for (const [key, entry] of Object.entries(typeof engine === 'object' && engine !== null ? engine : {})) {
    const r = EngineGuardDoc.safeParse(entry);
    if (r.success && r.data.guard) out[key] = r.data.guard;
  }
  return out;
}
export function symbolFromDoc(d: z.infer<typeof SymbolDoc>): PersistedSymbol {
  const { guard, recentAtr, ...rest } = d;
  const state: SymbolState = { ...rest, recentAtr: recentAtr.map((r) => [r.t, r.atr] as const) };
  return { state, guard };
}
export function symbolToDoc({ state, guard }: PersistedSymbol) {
  return {
    ...state,
    recentAtr: state.recentAtr.map(([t, atr]) => ({ t, atr })),
    guard: guard && {
      ...guard,
      highWater: str(guard.highWater),
      trailingStop: guard.trailingStop === null ? null : str(guard.trailingStop),
      lastPrice: str(guard.lastPrice),
    },
  };
}

const FeedDoc = z.object({ lastCandleAt: ms.nullable(), stale: z.boolean(), error: z.string().nullable() });
/** status/system.protections: the tick's protection memory (domain/protections): recent exits and the locks in force. */
const ProtectionsDoc = z.object({
  exits: z.array(
    z.object({ id: z.string(), symbol: z.string(), at: ms, reason: z.enum([...ENTRY_REASONS, ...EXIT_REASONS]), pnl: amt, cost: amt }),
  ),
  locks: z.array(
    z.object({ id: z.string(), symbol: z.string(), protection: z.enum(PROTECTIONS), from: ms, until: ms, reason: z.string() }),
  ),
});
export const protectionsToDoc = (p: ProtectionState) => ({
  exits: p.exits.map((e) => ({ ...e, pnl: str(e.pnl), cost: str(e.cost) })),
  locks: p.locks.map((l) => ({ ...l })),
});

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
  account: AccountDoc.nullable().default(null),
  markets: z.record(z.string(), MarketViewDoc).default({}),
  reconcile: z
    .object({ at: ms, clean: z.boolean(), differences: z.number().int().nonnegative(), version: z.string() })
    .nullable()
    .default(null),
  protections: ProtectionsDoc.default({ exits: [], locks: [] }),
  /** ids of locks an admin lifted (StateStore.liftLocks owns this field; the tick only reads it) */
  locksLifted: z.array(z.string()).default([]),
});

/**
 * The fields StateStore.changeMode reads in its transaction: only these, so a corrupt market view
 * never blocks a kill. `budgets.{budgetId}` holds each budget's cost-interval starts (ms).
 */
export const ModeRecordDoc = z.object({
  mode: z.enum(SYSTEM_MODES).nullable().default(null),
  // unreadable periods are forgotten (a resend may pause again), never a reason to refuse a kill
  budgets: z
    .record(z.string(), z.object({ latest: ms, paused: ms.nullable(), resumed: ms.nullable() }))
    .default({})
    .catch({}),
});

export function orderToDoc(o: OrderRecord) {
  const base = { signalId: o.signalId, symbol: o.symbol, side: o.side, createdAt: o.createdAt };
  return o.outcome.status === 'filled'
    ? {
        ...base,
        status: 'filled',
        tradeId: o.outcome.tradeId,
        qty: str(o.outcome.qty),
        price: str(o.outcome.price),
        fee: str(o.outcome.fee),
      }
    : { ...base, status: 'rejected', reason: o.outcome.reason };
}

/**
 * A candle bucket: `candles` maps open time → [o,h,l,c,v]; `readings` maps open time → [ema50, ema200,
 * regime], what the tick's symbol step decided with after that candle (the chart draws these, it
 * computes nothing). Merge writes make upserts idempotent and read-free.
 */
export const CandleBucketDoc = z.object({
  symbol: z.string(),
  timeframe: z.enum(TIMEFRAMES),
  bucketStart: ms,
  candles: z.record(z.string().regex(/^\d+$/), z.tuple([num, num, num, num, num])).default({}),
  // absent in buckets stored before the chart drew the bot's own readings
  readings: z.record(z.string().regex(/^\d+$/), z.tuple([nullableNum, nullableNum, z.enum(REGIMES)])).default({}),
});
/**
 * Candles and readings of `symbol`'s bucket starting at `start`, as a merge write (one map entry per
 * candle). A map with no entry is left out: merged, an empty map would replace the stored one.
 */
export const candleBucketToDoc = (
  symbol: string,
  timeframe: Timeframe,
  start: number,
  candles: readonly Candle[],
  readings: readonly CandleReading[] = [],
) => ({
  symbol,
  timeframe,
  bucketStart: start,
  ...(candles.length > 0 && { candles: Object.fromEntries(candles.map((c) => [String(c.t), [c.o, c.h, c.l, c.c, c.v]])) }),
  ...(readings.length > 0 && { readings: Object.fromEntries(readings.map((r) => [String(r.t), [r.ema50, r.ema200, r.regime]])) }),
});
/** A decoded bucket's candles by open time. */
export function bucketCandles(doc: z.infer<typeof CandleBucketDoc>): Candle[] {
  return Object.entries(doc.candles)
    .map(([key, [o, h, l, c, v]]) => ({ t: Number(key), o, h, l, c, v }))
    .sort((a, b) => a.t - b.t);
}
/** A decoded bucket's readings by open time. */
export function bucketReadings(doc: z.infer<typeof CandleBucketDoc>): CandleReading[] {
  return Object.entries(doc.readings)
    .map(([key, [ema50, ema200, regime]]) => ({ t: Number(key), ema50, ema200, regime }))
    .sort((a, b) => a.t - b.t);
}

/** intents/{signalId}: a live order being sent whose outcome is not recorded yet. */
export const IntentDoc = z
  .object({
    signalId: z.string(),
    symbol: z.string(),
    side: z.enum(['buy', 'sell']),
    qty: z
      .string()
      .regex(/^\d{1,12}\.\d{8}$/)
      .transform((s) => toAmount(s)),
    createdAt: ms,
    lastAttemptAt: ms.nullable(),
  })
  .transform(({ lastAttemptAt, ...rest }): LiveIntent => ({ ...rest, ...(lastAttemptAt === null ? {} : { lastAttemptAt }) }));
export const intentToDoc = (i: LiveIntent) => ({
  signalId: i.signalId,
  symbol: i.symbol,
  side: i.side,
  qty: str(i.qty),
  createdAt: i.createdAt,
  lastAttemptAt: i.lastAttemptAt ?? null,
});

/** alerts/{alertId}: stored as raised (deterministic ids make a repeat an overwrite). */
export const AlertDoc = z.object({
  id: z.string().min(1),
  kind: z.enum([
    'stale_feed',
    'kill_switch',
    'daily_loss',
    'drawdown',
    'budget',
    'error',
    'dead_letter',
    'reconcile',
    'protection',
    'shadow',
  ]),
  severity: z.enum(['info', 'warning', 'critical']),
  message: z.string(),
  symbol: z.string().optional(),
  createdAt: ms,
});
export const alertToDoc = (a: Alert): Alert => ({ ...a });

/** deadletters/{signalId} */
export const DeadLetterDoc = z.object({
  id: z.string().min(1),
  source: z.string(),
  reason: z.string(),
  payload: z.string(),
  attributes: z.record(z.string(), z.string()),
  receivedAt: ms,
});
export const deadLetterToDoc = (d: DeadLetter): DeadLetter => ({ ...d });

/** equity/{yyyymmdd}: one map entry per tick (time → equity); written with merge, so a day is one read. */
export const EquityDayDoc = z
  .object({ day: z.string().regex(/^\d{8}$/), points: z.record(z.string().regex(/^\d+$/), AmountString) })
  .transform((d) => ({
    day: d.day,
    points: Object.entries(d.points)
      .map(([t, equity]) => ({ time: Number(t), equity }))
      .sort((a, b) => a.time - b.time),
  }));
export const equityPointToDoc = (day: string, time: number, equity: Amount) => ({ day, points: { [String(time)]: str(equity) } });

/** config/dashboardUsers: who may read the dashboard (`emails`) and run admin actions (`admins`); lower-cased, non-strings ignored. */
const emails = z
  .array(z.unknown())
  .default([])
  .catch([])
  .transform((xs) => xs.filter((x): x is string => typeof x === 'string').map((x) => x.toLowerCase()));
export const DashboardUsersDoc = z.object({ emails, admins: emails });

/**
 * audit_log/{auto}: one admin call, refused and failed ones too, or the bot's own guard (`via: system`).
 * Params Firestore cannot store were written as a bounded string with the reason (`paramsUnstorable`):
 * they read back as `{ text, unstorable }`.
 */
export const AuditLogDoc = z
  .object({
    at: ms,
    marketAt: ms.optional(),
    who: z.string(),
    via: z.enum(['user', 'service_account', 'cli', 'telegram', 'system']),
    action: z.string(),
    params: z.union([z.record(z.string(), z.unknown()), z.string()]),
    paramsUnstorable: z.string().optional(),
    ok: z.boolean(),
    status: z.number().int(),
    summary: z.string(),
  })
  .strict()
  .transform(({ params, paramsUnstorable, ...entry }) => ({
    ...entry,
    params: typeof params === 'string' ? { text: params, unstorable: paramsUnstorable ?? 'unknown' } : params,
  }));

/** inbound/k_{source}_{key}: the signal an inbound alert's idempotency key became. */
export const InboundRecordDoc = z.object({
  source: z.string(),
  key: z.string(),
  signal: SignalDoc,
  receivedAt: ms,
  publishedAt: ms.nullable(),
});
export const inboundRecordToDoc = (r: InboundRecord) => ({ ...r, signal: signalToDoc(r.signal) });
/** inbound/rate_{source}: a token bucket (domain/inbound/rateLimit.ts). */
export const InboundBucketDoc = z.object({ tokens: z.number().finite().min(0), at: ms });
/** telegram/c_{id}: a confirm button, used (telegramBot.ts). */
export const TelegramConfirmDoc = z.object({ chatId: z.string(), command: z.string(), expiresAt: ms, usedAt: ms });
/** telegram/rate_{chat}: the chat's token bucket (domain/inbound/rateLimit.ts), its refusals, and whether this streak was answered. */
export const TelegramRateDoc = InboundBucketDoc.extend({ refused: z.number().int().nonnegative(), noticed: z.boolean() });
/** inbound/x_…: refused requests of one minute; `count` is incremented, the rest is the latest refusal. */
export const InboundRejectionDoc = z.object({
  source: z.string(),
  reason: z.string(),
  status: z.number().int(),
  detail: z.string(),
  at: ms,
  count: z.number().int().positive(),
});
export const inboundRejectionToDoc = (r: InboundRejection) => ({
  source: r.source,
  reason: r.reason,
  status: r.status,
  detail: r.detail.slice(0, 300),
  at: r.at,
});
