import { describe, expect, it } from 'vitest';
import { applyModeEvent, MODE_PRECEDENCE, modeAllows, modeEmitsEntries, transitionMode, type ModeEvent, type ModeRecord } from './mode.ts';
import { SYSTEM_MODES, type SystemMode } from './trading.types.ts';

const NOV = Date.parse('2026-11-01T07:00:00Z');
const DEC = Date.parse('2026-12-01T08:00:00Z');
const budget = (period: number, atLimit = true, budgetId = 'b1'): ModeEvent => ({ type: 'budget_alert', budgetId, period, atLimit });

describe('transitionMode', () => {
  it('kill switch moves any mode to KILLED', () => {
    for (const m of SYSTEM_MODES)
      expect(transitionMode(m, { type: 'kill_switch' })).toMatchObject({ ok: true, mode: 'KILLED', changed: m !== 'KILLED' });
  });

  it('leaves KILLED only through an authenticated reset', () => {
    expect(transitionMode('KILLED', { type: 'reset', authenticated: true })).toEqual({ ok: true, mode: 'NORMAL', changed: true });
    expect(transitionMode('KILLED', { type: 'reset', authenticated: false })).toMatchObject({ ok: false, mode: 'KILLED' });
    for (const target of ['NORMAL', 'OBSERVATION', 'PAUSED'] as const) {
      expect(transitionMode('KILLED', { type: 'admin_set', to: target })).toMatchObject({ ok: false, mode: 'KILLED' });
    }
    expect(transitionMode('KILLED', budget(NOV))).toMatchObject({ ok: true, mode: 'KILLED', changed: false });
  });

  it('reset is refused outside KILLED', () => {
    expect(transitionMode('PAUSED', { type: 'reset', authenticated: true })).toMatchObject({ ok: false, mode: 'PAUSED' });
  });

  it('admin moves freely between NORMAL, OBSERVATION, REDUCING and PAUSED but cannot set KILLED that way', () => {
    const three = ['NORMAL', 'OBSERVATION', 'REDUCING', 'PAUSED'] as const;
    for (const from of three)
      for (const target of three) {
        expect(transitionMode(from, { type: 'admin_set', to: target })).toEqual({ ok: true, mode: target, changed: from !== target });
      }
    expect(transitionMode('NORMAL', { type: 'admin_set', to: 'KILLED' as never })).toMatchObject({ ok: false, mode: 'NORMAL' });
  });

  it('budget alert pauses NORMAL and OBSERVATION', () => {
    expect(transitionMode('NORMAL', budget(NOV)).mode).toBe('PAUSED');
    expect(transitionMode('OBSERVATION', budget(NOV)).mode).toBe('PAUSED');
    expect(transitionMode('PAUSED', budget(NOV))).toMatchObject({ mode: 'PAUSED', changed: false });
    for (const m of SYSTEM_MODES) expect(transitionMode(m, budget(NOV, false))).toEqual({ ok: true, mode: m, changed: false });
  });

  // The whole table: rows are the stored mode, columns the events; '×' is a refusal (the mode stays).
  const EVENTS: [string, ModeEvent][] = [
    ['kill_switch', { type: 'kill_switch' }],
    ['budget_alert', budget(NOV)],
    ['initial', { type: 'initial' }],
    ['admin NORMAL', { type: 'admin_set', to: 'NORMAL' }],
    ['admin OBSERVATION', { type: 'admin_set', to: 'OBSERVATION' }],
    ['admin PAUSED', { type: 'admin_set', to: 'PAUSED' }],
    ['reduce', { type: 'reduce' }],
    ['reduce_cleared', { type: 'reduce_cleared' }],
    ['reset', { type: 'reset', authenticated: true }],
    ['unauthenticated reset', { type: 'reset', authenticated: false }],
  ];
  const TABLE: Record<SystemMode, string[]> = {
    //            kill      budget    initial        NORMAL    OBSERVATION    PAUSED    reduce      cleared     reset     unauth
    NORMAL: ['KILLED', 'PAUSED', 'NORMAL', 'NORMAL', 'OBSERVATION', 'PAUSED', 'REDUCING', 'NORMAL', '×', '×'],
    OBSERVATION: ['KILLED', 'PAUSED', 'OBSERVATION', 'NORMAL', 'OBSERVATION', 'PAUSED', 'REDUCING', 'OBSERVATION', '×', '×'],
    REDUCING: ['KILLED', 'PAUSED', 'REDUCING', 'NORMAL', 'OBSERVATION', 'PAUSED', 'REDUCING', 'NORMAL', '×', '×'],
    PAUSED: ['KILLED', 'PAUSED', 'PAUSED', 'NORMAL', 'OBSERVATION', 'PAUSED', 'PAUSED', 'PAUSED', '×', '×'],
    KILLED: ['KILLED', 'KILLED', 'KILLED', '×', '×', '×', 'KILLED', 'KILLED', 'NORMAL', '×'],
  };
  it.each(SYSTEM_MODES)('precedence table from %s', (from) => {
    EVENTS.forEach(([, event], i) => {
      const want = TABLE[from][i]!;
      const t = transitionMode(from, event);
      expect(t.ok ? t.mode : '×').toBe(want);
      if (!t.ok) expect(t.mode).toBe(from);
    });
  });

  it('automatic events (kill switch, budget, reduce, initial) only ever raise the mode, whatever order they come in', () => {
    const automatic = [...EVENTS.slice(0, 3), EVENTS[6]!].map(([, e]) => e);
    for (const from of SYSTEM_MODES)
      for (const e of automatic) expect(MODE_PRECEDENCE[transitionMode(from, e).mode]).toBeGreaterThanOrEqual(MODE_PRECEDENCE[from]);
    // any interleaving of a kill and a budget pause ends KILLED
    for (const from of SYSTEM_MODES) {
      expect(transitionMode(transitionMode(from, { type: 'kill_switch' }).mode, budget(NOV)).mode).toBe('KILLED');
      expect(transitionMode(transitionMode(from, budget(NOV)).mode, { type: 'kill_switch' }).mode).toBe('KILLED');
    }
  });
});

describe('applyModeEvent (the record changeMode keeps in status/system)', () => {
  const run = (events: ModeEvent[], start: ModeRecord = { mode: 'NORMAL', budgets: {} }) =>
    events.reduce<{ record: ModeRecord; applied: ReturnType<typeof applyModeEvent>['applied'][] }>(
      (acc, e) => {
        const step = applyModeEvent(acc.record, e);
        return { record: step.record, applied: [...acc.applied, step.applied] };
      },
      { record: start, applied: [] },
    );

  it('a budget notice at the limit after a kill leaves KILLED', () => {
    const { record, applied } = run([{ type: 'kill_switch' }, budget(NOV)]);
    expect(record.mode).toBe('KILLED');
    expect(applied[1]).toMatchObject({ ok: true, from: 'KILLED', mode: 'KILLED', changed: false });
  });

  it('a notice older than the newest interval seen does not pause (even one below the limit moved it on)', () => {
    const { record, applied } = run([budget(DEC, false), budget(NOV)]);
    expect(record.mode).toBe('NORMAL');
    expect(applied[1]).toMatchObject({ changed: false, ignored: 'older_period' });
    expect(record.budgets.b1).toEqual({ latest: DEC, paused: null, resumed: null });
  });

  it('after a resume, a notice for the same or an older interval never pauses again; a new interval does', () => {
    const paused = run([budget(NOV)]);
    expect(paused.record).toEqual({ mode: 'PAUSED', budgets: { b1: { latest: NOV, paused: NOV, resumed: null } } });
    const resumed = run([{ type: 'admin_set', to: 'NORMAL' }, budget(NOV), budget(NOV - 86_400_000 * 30)], paused.record);
    expect(resumed.record.mode).toBe('NORMAL');
    expect(resumed.applied.slice(1).map((a) => a.ignored)).toEqual(['resumed_period', 'older_period']);
    expect(resumed.record.budgets.b1).toEqual({ latest: NOV, paused: NOV, resumed: NOV });
    const next = run([budget(DEC)], resumed.record);
    expect(next.record).toEqual({ mode: 'PAUSED', budgets: { b1: { latest: DEC, paused: DEC, resumed: NOV } } });
  });

  it('a reset out of KILLED does not resume past the budget: a resend of the interval pauses again', () => {
    const { record } = run([{ type: 'kill_switch' }, budget(NOV), { type: 'reset', authenticated: true }, budget(NOV)]);
    expect(record.mode).toBe('PAUSED');
  });

  it('budgets are independent; a refused resume (KILLED) resumes past nothing', () => {
    const { record } = run([
      budget(DEC, true, 'monthly'),
      budget(NOV, false, 'quarterly'),
      { type: 'kill_switch' },
      { type: 'admin_set', to: 'NORMAL' },
    ]);
    expect(record.mode).toBe('KILLED');
    expect(record.budgets).toEqual({
      monthly: { latest: DEC, paused: DEC, resumed: null },
      quarterly: { latest: NOV, paused: null, resumed: null },
    });
  });

  it('writes the mode when it changes or none is stored (not for a budget notice); budgets only when they move', () => {
    expect(applyModeEvent({ mode: null, budgets: {} }, { type: 'initial' })).toMatchObject({
      writeMode: true,
      budgetsChanged: false,
      record: { mode: 'NORMAL' },
    });
    expect(applyModeEvent({ mode: 'PAUSED', budgets: {} }, { type: 'initial' })).toMatchObject({
      writeMode: false,
      record: { mode: 'PAUSED' },
    });
    expect(applyModeEvent({ mode: null, budgets: {} }, budget(NOV, false))).toMatchObject({ writeMode: false, budgetsChanged: true });
    const seen = { b1: { latest: NOV, paused: null, resumed: null } };
    expect(applyModeEvent({ mode: 'NORMAL', budgets: seen }, budget(NOV, false))).toMatchObject({
      writeMode: false,
      budgetsChanged: false,
    });
    expect(applyModeEvent({ mode: 'KILLED', budgets: {} }, { type: 'admin_set', to: 'NORMAL' })).toMatchObject({
      writeMode: false,
      applied: { ok: false },
    });
  });
});

describe('modeAllows', () => {
  const table: Record<SystemMode, [entry: boolean, exit: boolean, emits: boolean]> = {
    NORMAL: [true, true, true],
    OBSERVATION: [false, false, true],
    REDUCING: [false, true, false],
    PAUSED: [false, true, false],
    KILLED: [false, true, false],
  };
  it.each(Object.entries(table))('%s', (mode, [entry, exit, emits]) => {
    expect(modeAllows(mode as SystemMode, 'entry')).toBe(entry);
    expect(modeAllows(mode as SystemMode, 'exit')).toBe(exit);
    expect(modeEmitsEntries(mode as SystemMode)).toBe(emits);
  });
});
