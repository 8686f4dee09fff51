/**
 * The protections' locks for an operator: list the ones in force, lift some or all. The admin
 * function, the `eagle` CLI (through it) and any other command channel call these.
 */
import { activeLocks, type Lock } from '../domain/protections/index.ts';
import type { StateStore } from '../ports/state.ts';

export interface LockView extends Lock {
  /** minutes until it ends, at the stack's market time */
  readonly minutesLeft: number;
}

/** The locks holding entries at `now` (market time), lifted and expired ones left out, soonest to end first. */
export async function listLocks(store: Pick<StateStore, 'getStatus'>, now: number): Promise<LockView[]> {
  const status = await store.getStatus();
  if (!status) return [];
  return activeLocks(status.protections, status.locksLifted).locks
    .filter((l) => l.until > now)
    .sort((a, b) => a.until - b.until || a.id.localeCompare(b.id))
    .map((l) => ({ ...l, minutesLeft: Math.ceil((l.until - now) / 60_000) }));
}

/**
 * Lift the locks on a symbol (its own and none other), the lock with that id, or every one ('all').
 * Entries resume at the next tick; a protection locks again only on a new exit.
 */
export async function liftLocks(store: Pick<StateStore, 'liftLocks'>, target: string): Promise<{ lifted: Lock[] }> {
  return { lifted: await store.liftLocks(target === 'all' ? 'all' : [target]) };
}

