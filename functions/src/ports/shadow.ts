/**
 * What the shadow backtest reads and writes beside the trading state (services/shadowDay.ts). Firestore
 * implements it (adapters/firestore/FirestoreShadowStore.ts), the in-memory fake too (same contract).
 * Reads are bounded: one document for the day's start, one for the next day's, one equity day, the
 * day's trades by ledger sequence, the day's admin calls and the dead letters of the day and the next.
 */
import type { StoredDayStart } from '../domain/shadow/replayDay.ts';
import type { ShadowResult } from '../domain/shadow/compare.ts';
import type { Trade } from '../domain/trading.types.ts';
import type { AuditEntry } from './ops.ts';
import type { DeadLetter } from './state.ts';

export interface ShadowStore {
  /** shadow/{day}.start, null when no tick recorded it (the bot was not running when the day began) */
  loadDayStart(day: string): Promise<StoredDayStart | null>;
  /** the ledger's trades with fromSeq < seq ≤ throughSeq (throughSeq null: every later one), by seq */
  tradesBetween(fromSeq: number, throughSeq: number | null): Promise<Trade[]>;
  /** the live ticks' market times on that day (equity/{day}) */
  tickTimes(day: string): Promise<number[]>;
  /** admin calls recorded (audit_log) whose market time (marketAt, else at) is in [from, to), by it, at most `limit` */
  adminCalls(from: number, to: number, limit: number): Promise<AuditEntry[]>;
  /** dead letters (deadletters/) received in [from, to), by receivedAt, at most `limit` */
  deadLetters(from: number, to: number, limit: number): Promise<DeadLetter[]>;
  /** shadow/{day}.result and shadow/latest (latest only moves forward) */
  saveResult(result: ShadowResult): Promise<void>;
  loadResult(day: string): Promise<ShadowResult | null>;
}
