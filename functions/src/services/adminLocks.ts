/**
 * `locks` / `unlock`: what keeps the bot from opening positions right now, and what lifts each:
 * the system-wide ones (mode, the daily loss pause, a stopped Scheduler), stale feeds per symbol,
 * and the protections' locks (cooldown, stoploss guard, low profit, drawdown; `domain/protections`),
 * which are the only ones `unlock` lifts (liftLocks below). It never lifts a mode (resume, reset and
 * reconcile --confirm do, each audited under its own name).
 */
import { ALL_SYMBOLS, activeLocks, type Lock as ProtectionLock } from '../domain/protections/index.ts';
import type { StateStore, SystemStatus } from '../ports/state.ts';

export interface Lock {
  /** a protection lock's id (`unlock ID` lifts that one) */
  readonly id?: string;
  /** 'all' or a symbol */
  readonly scope: string;
  readonly kind: 'mode' | 'daily_loss' | 'scheduler' | 'stale_feed' | 'protection';
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
  if (mode !== 'NORMAL')
    locks.push({
      scope: 'all',
      kind: 'mode',
      detail: `${mode}${status?.modeReason ? ` (${status.modeReason})` : ''}`,
      until: null,
      liftedBy: MODE_LIFT[mode]!,
    });
  const until = status?.entriesPausedUntil ?? null;
  if (until !== null && until > now)
    locks.push({ scope: 'all', kind: 'daily_loss', detail: 'daily loss limit reached: no entries', until, liftedBy: 'the next UTC day' });
  if (schedulerPaused)
    locks.push({
      scope: 'all',
      kind: 'scheduler',
      detail: 'trading Scheduler stopped: no tick, no stop is checked',
      until: null,
      liftedBy: 'resume',
    });
  for (const [symbol, feed] of Object.entries(status?.feeds ?? {})) {
    if (feed.stale)
      locks.push({
        scope: symbol,
        kind: 'stale_feed',
        detail: `stale feed${feed.error ? `: ${feed.error}` : ''}`,
        until: null,
        liftedBy: 'fresh candles',
      });
  }
  if (status) {
    for (const l of activeLocks(status.protections, status.locksLifted).locks) {
      if (l.until > now)
        locks.push({
          id: l.id,
          scope: l.symbol === ALL_SYMBOLS ? 'all' : l.symbol,
          kind: 'protection',
          detail: `${l.protection}: ${l.reason}`,
          until: l.until,
          liftedBy: 'unlock',
        });
    }
  }
  return locks;
}

/** What `unlock` answers while no lock it may lift exists: each lock with the command that lifts it. */
export function unlockRefusal(locks: readonly Lock[], symbol: string | undefined): string {
  const relevant = locks.filter((l) => symbol === undefined || l.scope === 'all' || l.scope === symbol);
  if (relevant.length === 0) return `nothing is locked${symbol ? ` for ${symbol}` : ''}`;
  return `no lock here is lifted by unlock: ${relevant.map((l) => `${l.scope} ${l.kind} (${l.detail}) → ${l.liftedBy}`).join('; ')}`;
}

/**
 * Lift the protection locks on a symbol (its own and none other), the lock with that id, or every one ('all').
 * Entries resume at the next tick; a protection locks again only on a new exit.
 */
export async function liftLocks(store: Pick<StateStore, 'liftLocks'>, target: string): Promise<{ lifted: ProtectionLock[] }> {
  return { lifted: await store.liftLocks(target === 'all' ? 'all' : [target]) };
}
