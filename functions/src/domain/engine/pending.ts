/**
 * Orders the tick published and has not yet seen settle. The tick never re-emits for a symbol
 * with one: it resolves it from the book it read (a buy settled once its position exists, a sell
 * once the position is gone), else from the executor's records (an order record, or a dead letter
 * under the signal's id), and only gives up after PENDING_TIMEOUT_CANDLES without any of those
 * (the message itself was lost) with an alert.
 */
import type { Alert } from '../alerts.ts';
import { symbolKey } from '../alerts.ts';
import { timeframeMs, type Timeframe } from '../candle.ts';
import type { Position } from '../trading.types.ts';
import type { PendingOrder } from './symbolStep.ts';

export const PENDING_TIMEOUT_CANDLES = 60;

/**
 * - settled: the book read this tick already shows it, or it did not fill (rejected, dead-lettered);
 * - landing: it filled after this tick read the book: the book is stale for that symbol, so nothing
 *   is decided for it this tick (the next tick's book shows the fill);
 * - open: no outcome yet; expired: given up.
 */
export type PendingResolution = 'settled' | 'landing' | 'open' | 'expired';

/** What the executor recorded for a signal, if anything. */
export type ExecutorOutcome = 'filled' | 'not_filled' | null;

/** Whether the book alone shows the order settled (no read of the order record needed). */
export function settledInBook(p: PendingOrder, position: Position | null): boolean {
  return p.side === 'buy' ? position?.openTradeId === p.signalId : position === null;
}

export function resolvePending(
  p: PendingOrder,
  position: Position | null,
  outcome: ExecutorOutcome,
  now: number,
  tf: Timeframe,
): PendingResolution {
  if (settledInBook(p, position) || outcome === 'not_filled') return 'settled';
  if (outcome === 'filled') return 'landing';
  return now - p.emittedAt > PENDING_TIMEOUT_CANDLES * timeframeMs(tf) ? 'expired' : 'open';
}

export function expiredPendingAlert(symbol: string, p: PendingOrder, now: number): Alert {
  return {
    id: `pending_expired_${symbolKey(symbol)}_${p.signalId}`,
    kind: 'error',
    severity: 'warning',
    symbol,
    createdAt: now,
    message: `${symbol}: order ${p.signalId} (${p.side}) published at ${new Date(p.emittedAt).toISOString()} never settled; look in deadletters/ and the signals-dead-letter subscription`,
  };
}
