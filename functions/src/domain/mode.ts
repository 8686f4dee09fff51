/**
 * The system mode state machine. Modes only move through `transitionMode`, so every handler
 * (tick, executeOrder, budgetGuard, admin) applies the same rules:
 *
 *   any ──kill_switch──▶ KILLED            (drawdown limit or an admin "kill")
 *   KILLED ──reset (authenticated)──▶ NORMAL   the only way out of KILLED
 *   NORMAL / OBSERVATION / REDUCING / PAUSED ──admin_set──▶ any of those four (never into or out of KILLED)
 *   NORMAL / OBSERVATION / REDUCING ──budget_alert (at the limit)──▶ PAUSED; PAUSED and KILLED stay as they are
 *                                          (a budget alert never downgrades a kill to a pause)
 *   NORMAL / OBSERVATION ──reduce──▶ REDUCING   (a protection, e.g. reconciliation drift: exits only);
 *                                          REDUCING, PAUSED and KILLED stay as they are
 *   REDUCING ──reduce_cleared──▶ NORMAL     (an operator's confirmed reconciliation; any other mode stays)
 *   any ──initial──▶ itself                 (the first tick records the mode it found)
 *
 * Precedence KILLED > PAUSED > REDUCING > OBSERVATION > NORMAL: automatic events (kill switch, budget
 * alert, reduce, initial) only ever raise the mode; only an operator lowers it, and only a reset
 * leaves KILLED. PAUSED outranks REDUCING because it is an operator's (or the budget's) decision and
 * both block entries: a drift found while PAUSED is still alerted, and the next reconciliation raises
 * REDUCING again if the drift outlives the pause. REDUCING outranks OBSERVATION: a drift must show.
 * Every writer applies `applyModeEvent` to the stored record inside one transaction on
 * status/system (StateStore.changeMode), so concurrent writers compose by precedence.
 */
import type { SystemMode } from './trading.types.ts';

export type AdminSettableMode = Exclude<SystemMode, 'KILLED'>;

export type ModeEvent =
  | { readonly type: 'kill_switch' }
  | { readonly type: 'reset'; readonly authenticated: boolean }
  | { readonly type: 'admin_set'; readonly to: AdminSettableMode }
  /** a budget notice for the cost interval starting at `period` (ms); `atLimit`: actual spend ≥ the pause threshold */
  | { readonly type: 'budget_alert'; readonly budgetId: string; readonly period: number; readonly atLimit: boolean }
  /** a protection asks for exits only (reconciliation drift; shared with the strategies' protections) */
  | { readonly type: 'reduce' }
  /** an operator confirmed the cause of a REDUCING (e.g. `eagle reconcile --confirm` left the ledger clean) */
  | { readonly type: 'reduce_cleared' }
  | { readonly type: 'initial' };

export type ModeTransition =
  | { readonly ok: true; readonly mode: SystemMode; readonly changed: boolean }
  | { readonly ok: false; readonly mode: SystemMode; readonly reason: string };

/** Higher wins: automatic events only ever raise the mode. */
export const MODE_PRECEDENCE: Readonly<Record<SystemMode, number>> = { NORMAL: 0, OBSERVATION: 1, REDUCING: 2, PAUSED: 3, KILLED: 4 };

const ADMIN_SETTABLE: readonly SystemMode[] = ['NORMAL', 'OBSERVATION', 'REDUCING', 'PAUSED'];

const to = (from: SystemMode, next: SystemMode): ModeTransition => ({ ok: true, mode: next, changed: from !== next });
const raise = (from: SystemMode, next: SystemMode): ModeTransition => to(from, MODE_PRECEDENCE[next] > MODE_PRECEDENCE[from] ? next : from);
const refuse = (from: SystemMode, reason: string): ModeTransition => ({ ok: false, mode: from, reason });

export function transitionMode(from: SystemMode, event: ModeEvent): ModeTransition {
  switch (event.type) {
    case 'kill_switch':
      return raise(from, 'KILLED');
    case 'reset':
      if (from !== 'KILLED') return refuse(from, `reset only leaves KILLED (mode is ${from}); "resume" returns to NORMAL`);
      if (!event.authenticated) return refuse(from, 'reset from KILLED requires an authenticated admin');
      return to(from, 'NORMAL');
    case 'admin_set':
      if (from === 'KILLED') return refuse(from, 'KILLED is left only by an authenticated reset');
      if (!ADMIN_SETTABLE.includes(event.to)) return refuse(from, `admin cannot set ${String(event.to)}`);
      return to(from, event.to);
    case 'budget_alert':
      return event.atLimit ? raise(from, 'PAUSED') : to(from, from);
    case 'reduce':
      return raise(from, 'REDUCING');
    case 'reduce_cleared':
      return to(from, from === 'REDUCING' ? 'NORMAL' : from);
    case 'initial':
      return to(from, from);
  }
}

/**
 * One budget's notices, by cost interval start (ms): the newest interval seen, the one whose notice
 * last asked for a pause, and the newest an operator resumed past (notices for it or older never pause again).
 */
export interface BudgetPeriods {
  readonly latest: number;
  readonly paused: number | null;
  readonly resumed: number | null;
}

/** What status/system holds for the mode: `mode` null when none is stored yet. */
export interface ModeRecord {
  readonly mode: SystemMode | null;
  readonly budgets: Readonly<Record<string, BudgetPeriods>>;
}

export type AppliedMode = ModeTransition & {
  readonly from: SystemMode;
  /** a budget notice at the limit that does not pause: an older interval than one already seen, or one an operator resumed past */
  readonly ignored?: 'older_period' | 'resumed_period';
};

export interface ModeStep {
  readonly applied: AppliedMode;
  readonly record: ModeRecord;
  /** the mode must be written (it changed, or none was stored) */
  readonly writeMode: boolean;
  readonly budgetsChanged: boolean;
}

/**
 * `transitionMode` over the stored record, with the budget periods: a notice at the limit pauses only
 * for an interval at least as new as every one seen for its budget and newer than the last one an
 * operator resumed past; an operator's resume (admin_set to NORMAL or OBSERVATION) resumes past every
 * interval seen so far. A reset does not: a resend of an unresumed interval pauses again.
 */
export function applyModeEvent(record: ModeRecord, event: ModeEvent): ModeStep {
  const from = record.mode ?? 'NORMAL';
  let budgets = record.budgets;
  let ignored: AppliedMode['ignored'];
  let effective = event;
  if (event.type === 'budget_alert') {
    const seen = budgets[event.budgetId];
    if (event.atLimit && seen && event.period < seen.latest) ignored = 'older_period';
    else if (event.atLimit && seen?.resumed != null && event.period <= seen.resumed) ignored = 'resumed_period';
    const atLimit = event.atLimit && ignored === undefined;
    const next: BudgetPeriods = {
      latest: Math.max(seen?.latest ?? event.period, event.period),
      paused: atLimit ? event.period : (seen?.paused ?? null),
      resumed: seen?.resumed ?? null,
    };
    if (!seen || next.latest !== seen.latest || next.paused !== seen.paused) budgets = { ...budgets, [event.budgetId]: next };
    effective = { ...event, atLimit };
  }
  const t = transitionMode(from, effective);
  if (t.ok && event.type === 'admin_set' && MODE_PRECEDENCE[t.mode] < MODE_PRECEDENCE.PAUSED) {
    const resumed = Object.entries(budgets).filter(([, b]) => b.resumed !== b.latest);
    if (resumed.length > 0) budgets = { ...budgets, ...Object.fromEntries(resumed.map(([id, b]) => [id, { ...b, resumed: b.latest }])) };
  }
  return {
    applied: { ...t, from, ...(ignored ? { ignored } : {}) },
    record: { mode: t.mode, budgets },
    writeMode: t.ok && (t.changed || (record.mode === null && event.type !== 'budget_alert')),
    budgetsChanged: budgets !== record.budgets,
  };
}

export type ModeAction = 'entry' | 'exit';

/**
 * What the executor may do in each mode. OBSERVATION places no orders at all (signals are only
 * recorded); REDUCING, PAUSED and KILLED still run exits so no mode strands a position without its
 * stop, and KILLED can flatten the book.
 */
export function modeAllows(mode: SystemMode, action: ModeAction): boolean {
  switch (mode) {
    case 'NORMAL':
      return true;
    case 'OBSERVATION':
      return false;
    case 'REDUCING':
    case 'PAUSED':
    case 'KILLED':
      return action === 'exit';
  }
}

/**
 * Whether the tick should emit entry signals at all. Differs from modeAllows in OBSERVATION:
 * there the point is to record what the bot *would* do, so entries are emitted (and the executor
 * rejects them); REDUCING, PAUSED and KILLED emit none, which keeps the signal log quiet.
 */
export function modeEmitsEntries(mode: SystemMode): boolean {
  return mode === 'NORMAL' || mode === 'OBSERVATION';
}
