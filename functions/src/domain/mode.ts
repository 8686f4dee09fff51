/**
 * The system mode state machine. Modes only move through `transitionMode`, so every handler
 * (tick, executeOrder, budgetGuard, admin) applies the same rules:
 *
 *   any ──kill_switch──▶ KILLED            (drawdown limit or an admin "kill")
 *   KILLED ──reset (authenticated)──▶ NORMAL   the only way out of KILLED
 *   NORMAL / OBSERVATION / PAUSED ──admin_set──▶ any of those three (never into or out of KILLED)
 *   NORMAL / OBSERVATION ──budget_alert──▶ PAUSED; PAUSED and KILLED stay as they are
 *                                          (a budget alert never downgrades a kill to a pause)
 */
import type { SystemMode } from './trading.types.ts';

export type AdminSettableMode = Exclude<SystemMode, 'KILLED'>;

export type ModeEvent =
  | { readonly type: 'kill_switch' }
  | { readonly type: 'reset'; readonly authenticated: boolean }
  | { readonly type: 'admin_set'; readonly to: AdminSettableMode }
  | { readonly type: 'budget_alert' };

export type ModeTransition =
  | { readonly ok: true; readonly mode: SystemMode; readonly changed: boolean }
  | { readonly ok: false; readonly mode: SystemMode; readonly reason: string };

const ADMIN_SETTABLE: readonly SystemMode[] = ['NORMAL', 'OBSERVATION', 'PAUSED'];

const to = (from: SystemMode, next: SystemMode): ModeTransition => ({ ok: true, mode: next, changed: from !== next });
const refuse = (from: SystemMode, reason: string): ModeTransition => ({ ok: false, mode: from, reason });

export function transitionMode(from: SystemMode, event: ModeEvent): ModeTransition {
  switch (event.type) {
    case 'kill_switch':
      return to(from, 'KILLED');
    case 'reset':
      if (from !== 'KILLED') return refuse(from, `reset only leaves KILLED (mode is ${from}); use admin_set`);
      if (!event.authenticated) return refuse(from, 'reset from KILLED requires an authenticated admin');
      return to(from, 'NORMAL');
    case 'admin_set':
      if (from === 'KILLED') return refuse(from, 'KILLED is left only by an authenticated reset');
      if (!ADMIN_SETTABLE.includes(event.to)) return refuse(from, `admin cannot set ${String(event.to)}`);
      return to(from, event.to);
    case 'budget_alert':
      return from === 'KILLED' ? to(from, from) : to(from, 'PAUSED');
  }
}

export type ModeAction = 'entry' | 'exit';

/**
 * What the executor may do in each mode. OBSERVATION places no orders at all (signals are only
 * recorded); PAUSED and KILLED still run exits so a pause never strands a position without its
 * stop, and KILLED can flatten the book.
 */
export function modeAllows(mode: SystemMode, action: ModeAction): boolean {
  switch (mode) {
    case 'NORMAL':
      return true;
    case 'OBSERVATION':
      return false;
    case 'PAUSED':
    case 'KILLED':
      return action === 'exit';
  }
}

/**
 * Whether the tick should emit entry signals at all. Differs from modeAllows in OBSERVATION:
 * there the point is to record what the bot *would* do, so entries are emitted (and the executor
 * rejects them); PAUSED and KILLED emit none, which keeps the signal log quiet.
 */
export function modeEmitsEntries(mode: SystemMode): boolean {
  return mode === 'NORMAL' || mode === 'OBSERVATION';
}
