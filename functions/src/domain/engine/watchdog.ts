/**
 * The watchdog's rule: every open position must have had its stops run by a tick within the last
 * few minutes of market time. It reads what the tick records (the guard's `checkedAt`) and the book,
 * nothing else, so it notices exactly what it is for: ticks that stopped running (a Scheduler
 * stopped by hand, a config that breaks loading, a crash loop, a failed deploy).
 */
import { symbolKey, type Alert } from '../alerts.ts';
import type { Position } from '../trading.types.ts';
import type { Guard } from './guard.ts';

/** More than this much market time without a protective check is an alert. */
export const UNPROTECTED_AFTER_MS = 3 * 60_000;

/**
 * The limit for a clock running `speed`× faster than real time. Live (speed 1) it is 3 minutes. In a
 * replay the functions' own latency passes `speed`× faster in market time: at 600× a 300 ms
 * executeOrder is 3 market minutes and every order in flight would look like an outage. There the
 * limit is 3 minutes of wall time, which is what "the tick stopped running" means on a laptop.
 */
export const unprotectedLimitMs = (speed = 1): number => UNPROTECTED_AFTER_MS * Math.max(1, speed);

export interface Unprotected {
  readonly symbol: string;
  /** market time of the last protective check (the entry, if none yet) */
  readonly lastCheckAt: number;
  readonly ageMs: number;
}

/** Positions whose stops have not run for longer than the limit, oldest first. */
export function unprotectedPositions(
  positions: Readonly<Record<string, Position>>,
  guards: ReadonlyMap<string, Guard | null>,
  now: number,
  limitMs = UNPROTECTED_AFTER_MS,
): Unprotected[] {
  const out: Unprotected[] = [];
  for (const p of Object.values(positions)) {
    const g = guards.get(p.symbol) ?? null;
    const lastCheckAt = g && g.tradeId === p.openTradeId ? Math.max(g.checkedAt, p.entryTime) : p.entryTime;
    const ageMs = now - lastCheckAt;
    if (ageMs > limitMs) out.push({ symbol: p.symbol, lastCheckAt, ageMs });
  }
  return out.sort((a, b) => a.lastCheckAt - b.lastCheckAt || a.symbol.localeCompare(b.symbol));
}

/** One critical alert per outage: the id is the last check's time, so repeated runs update the same document. */
export function unprotectedAlert(u: Unprotected): Alert {
  return {
    id: `unprotected_${symbolKey(u.symbol)}_${u.lastCheckAt}`,
    kind: 'error',
    severity: 'critical',
    symbol: u.symbol,
    createdAt: u.lastCheckAt,
    message: `${u.symbol}: the open position's stops have not run for ${Math.floor(u.ageMs / 60_000)} min (last check ${new Date(u.lastCheckAt).toISOString()}): is the tick running? (Scheduler job, config/bot, function errors)`,
  };
}
