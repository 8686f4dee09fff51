/**
 * Signal identity and wire format.
 *
 * The id is a pure function of (strategy version, symbol, timeframe, candle time, side): re-running a
 * tick over the same candle yields the same id, which is what makes `orders/{signalId}` an
 * exactly-once guard. The Pub/Sub body carries amounts as fixed 8-decimal strings and is validated
 * on the way in; anything that fails is a poison message (retrying cannot fix it).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { TIMEFRAMES, type Timeframe } from './candle.ts';
import { PoisonMessageError } from './errors.ts';
import { toAmount, toDecimalString, type Amount } from './money.ts';
import { ENTRY_REASONS, EXIT_REASONS, type Side, type Signal, type SignalReason } from './trading.types.ts';

export interface SignalKey {
  readonly strategyVersion: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly candleTime: number;
  readonly side: Side;
}

/** sha256 of a canonical JSON array (no separator ambiguity), first 32 hex chars (128 bits). */
export function signalId(key: SignalKey): string {
  const canonical = JSON.stringify(['eagle-eye/signal/v1', key.strategyVersion, key.symbol, key.timeframe, key.candleTime, key.side]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

export interface SignalDraft extends SignalKey {
  readonly reason: SignalReason;
  readonly refPrice: Amount;
  readonly atr: Amount;
  readonly qty: Amount;
  readonly stopAtrBps?: number | undefined;
  readonly targetAtrBps?: number | undefined;
}

/** The strategy's own levels (Signal.stopAtrBps/targetAtrBps): whole basis points of ATR, 0.01 to 100 ATRs. */
export const LEVEL_BPS = { min: 100, max: 1_000_000 } as const;

/** Build a Signal with its deterministic id. `now` becomes createdAt (not part of the id). */
export function createSignal(draft: SignalDraft, now: number): Signal {
  return {
    id: signalId(draft),
    symbol: draft.symbol,
    timeframe: draft.timeframe,
    candleTime: draft.candleTime,
    side: draft.side,
    reason: draft.reason,
    refPrice: draft.refPrice,
    atr: draft.atr,
    qty: draft.qty,
    strategyVersion: draft.strategyVersion,
    createdAt: now,
    ...(draft.stopAtrBps === undefined ? {} : { stopAtrBps: draft.stopAtrBps }),
    ...(draft.targetAtrBps === undefined ? {} : { targetAtrBps: draft.targetAtrBps }),
  };
}

/**
 * Amounts from outside are bounded before anything parses them: at most 12 integer digits (a
 * trillion), 8 decimals, no sign. A 300,000-digit "price" is poison, not a retryable write error.
 */
const WIRE_AMOUNT_RE = /^\d{1,12}\.\d{8}$/;
const amountString = z
  .string()
  .max(21, 'at most 12 integer digits and 8 decimals')
  .regex(WIRE_AMOUNT_RE, 'expected a fixed 8-decimal amount like "12.50000000" (at most 12 integer digits)');
// zod runs refinements even after the regex failed, hence the guard before toAmount.
const positiveAmount = amountString.refine((s) => !WIRE_AMOUNT_RE.test(s) || toAmount(s) > 0n, 'must be > 0');
const nonNegativeAmount = amountString.refine((s) => !WIRE_AMOUNT_RE.test(s) || toAmount(s) >= 0n, 'must be ≥ 0');
/** Unix ms between 2010 and 2100: anything else is not a candle time this bot can have produced. */
const ms = z
  .number()
  .int()
  .min(Date.UTC(2010, 0, 1))
  .max(Date.UTC(2100, 0, 1));

/** The Pub/Sub JSON body of a signal. Unknown extra keys are ignored (forward compatible). */
export const SignalMessageSchema = z
  .object({
    id: z.string().regex(/^[0-9a-f]{32}$/, 'expected 32 lowercase hex chars'),
    symbol: z.string().regex(/^[A-Z0-9]{2,15}\/[A-Z0-9]{2,15}$/, 'symbols look like BTC/USDT'),
    timeframe: z.enum(TIMEFRAMES),
    candleTime: ms,
    side: z.enum(['buy', 'sell']),
    reason: z.enum([...ENTRY_REASONS, ...EXIT_REASONS]),
    refPrice: positiveAmount,
    atr: nonNegativeAmount,
    qty: positiveAmount,
    strategyVersion: z.string().min(1).max(100),
    createdAt: ms,
    stopAtrBps: z.number().int().min(LEVEL_BPS.min).max(LEVEL_BPS.max).optional(),
    targetAtrBps: z.number().int().min(LEVEL_BPS.min).max(LEVEL_BPS.max).optional(),
  })
  // Runs even when a field check failed (zod only skips it after a type error), so it guards its own parsing.
  .superRefine((m, ctx) => {
    if ((m.side === 'buy') !== (ENTRY_REASONS as readonly string[]).includes(m.reason)) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: `reason ${m.reason} does not fit side ${m.side}` });
    }
    // An entry without ATR could not place its stop.
    if (m.side === 'sell' && (m.stopAtrBps !== undefined || m.targetAtrBps !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['stopAtrBps'], message: 'stop and target levels belong to entries' });
    }
    if (m.side === 'buy' && WIRE_AMOUNT_RE.test(m.atr) && toAmount(m.atr) === 0n) {
      ctx.addIssue({ code: 'custom', path: ['atr'], message: 'a buy needs atr > 0 to place its stop' });
    }
    if (m.id !== signalId(m)) {
      ctx.addIssue({ code: 'custom', path: ['id'], message: 'does not match hash(strategyVersion, symbol, timeframe, candleTime, side)' });
    }
  });
export type SignalMessage = z.input<typeof SignalMessageSchema>;

/** A signal that cannot be encoded or decoded. A PoisonMessageError: ack it, never retry. */
export class InvalidSignalError extends PoisonMessageError {
  constructor(
    /** dotted path of the first offending field, '' for the body itself */
    readonly field: string,
    readonly issue: string,
  ) {
    super(`invalid signal: ${field || '(body)'}: ${issue}`);
  }
}

function parseMessage(body: unknown): z.output<typeof SignalMessageSchema> {
  const r = SignalMessageSchema.safeParse(body);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  throw new InvalidSignalError(first?.path.map(String).join('.') ?? '', first?.message ?? 'invalid');
}

export function toSignalMessage(s: Signal): SignalMessage {
  return {
    id: s.id,
    symbol: s.symbol,
    timeframe: s.timeframe,
    candleTime: s.candleTime,
    side: s.side,
    reason: s.reason,
    refPrice: toDecimalString(s.refPrice),
    atr: toDecimalString(s.atr),
    qty: toDecimalString(s.qty),
    strategyVersion: s.strategyVersion,
    createdAt: s.createdAt,
    ...(s.stopAtrBps === undefined ? {} : { stopAtrBps: s.stopAtrBps }),
    ...(s.targetAtrBps === undefined ? {} : { targetAtrBps: s.targetAtrBps }),
  };
}

/** JSON text for Pub/Sub. Validates first, so a malformed signal fails at the publisher, not the consumer. */
export function encodeSignal(signal: Signal): string {
  const message = toSignalMessage(signal);
  parseMessage(message);
  return JSON.stringify(message);
}

/** Accepts the JSON text (as delivered) or an already-parsed object. Throws InvalidSignalError. */
export function decodeSignal(json: unknown): Signal {
  let body = json;
  if (typeof json === 'string') {
    try {
      body = JSON.parse(json) as unknown;
    } catch (e) {
      throw new InvalidSignalError('', `not JSON: ${(e as Error).message}`);
    }
  }
  const { stopAtrBps, targetAtrBps, ...m } = parseMessage(body);
  return {
    ...m,
    refPrice: toAmount(m.refPrice),
    atr: toAmount(m.atr),
    qty: toAmount(m.qty),
    ...(stopAtrBps === undefined ? {} : { stopAtrBps }),
    ...(targetAtrBps === undefined ? {} : { targetAtrBps }),
  };
}
