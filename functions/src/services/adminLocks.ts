/**
 * `locks` / `unlock`: what keeps the bot from opening positions right now, and what lifts each.
 * Today these are the system-wide ones (mode, the daily loss pause, a stopped Scheduler) and stale
 * feeds per symbol. Seam: per-pair protection locks (cooldowns, stoploss guards) join `locksOf` as
 * `scope: symbol` entries with `liftedBy: 'unlock'`, and `unlock` lifts those; it never lifts a mode
 * (resume, reset and reconcile --confirm do, each audited under its own name).
 */
import type { SystemStatus } from '../ports/state.ts';

export interface Lock {
  /** 'all' or a symbol */
  readonly scope: string;
  readonly kind: 'mode' | 'daily_loss' | 'scheduler' | 'stale_feed';
  readonly detail: string;
  /** market time the lock ends by itself; null when only an operator (or fresh data) lifts it */
  readonly until: number | null;
  /** the command (or event) that lifts it */
  readonly liftedBy: string;
}

const MODE_LIFT: Record<string, string> = { PAUSED: 'resume', OBSERVATION: 'resume', REDUCING: 'reconcile --confirm', KILLED: 'reset' };

export function locksOf(status: SystemStatus | null, schedulerPaused: boolean, now: number): Lock[] {
  const locks: Lock[] = [];
  const mode = status?.mode ?? 'NORMAL';
  if (mode !== 'NORMAL') locks.push({ scope: 'all', kind: 'mode', detail: `${mode}${status?.modeReason ? ` (${status.modeReason})` : ''}`, until: null, liftedBy: MODE_LIFT[mode]! });
  const until = status?.entriesPausedUntil ?? null;
  if (until !== null && until > now) locks.push({ scope: 'all', kind: 'daily_loss', detail: 'daily loss limit reached: no entries', until, liftedBy: 'the next UTC day' });
  if (schedulerPaused) locks.push({ scope: 'all', kind: 'scheduler', detail: 'trading Scheduler stopped: no tick, no stop is checked', until: null, liftedBy: 'resume' });
  for (const [symbol, feed] of Object.entries(status?.feeds ?? {})) {
    if (feed.stale) locks.push({ scope: symbol, kind: 'stale_feed', detail: `stale feed${feed.error ? `: ${feed.error}` : ''}`, until: null, liftedBy: 'fresh candles' });
  }
  return locks;
}

/** What `unlock` answers while no lock it may lift exists: each lock with the command that lifts it. */
export function unlockRefusal(locks: readonly Lock[], symbol: string | undefined): string {
  const relevant = locks.filter((l) => symbol === undefined || l.scope === 'all' || l.scope === symbol);
  if (relevant.length === 0) return `nothing is locked${symbol ? ` for ${symbol}` : ''}`;
  return `no lock here is lifted by unlock: ${relevant.map((l) => `${l.scope} ${l.kind} (${l.detail}) → ${l.liftedBy}`).join('; ')}`;
}
