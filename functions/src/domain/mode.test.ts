import { describe, expect, it } from 'vitest';
import { modeAllows, modeEmitsEntries, transitionMode } from './mode.ts';
import { SYSTEM_MODES, type SystemMode } from './trading.types.ts';

describe('transitionMode', () => {
  it('kill switch moves any mode to KILLED', () => {
    for (const m of SYSTEM_MODES) expect(transitionMode(m, { type: 'kill_switch' })).toMatchObject({ ok: true, mode: 'KILLED', changed: m !== 'KILLED' });
  });

  it('leaves KILLED only through an authenticated reset', () => {
    expect(transitionMode('KILLED', { type: 'reset', authenticated: true })).toEqual({ ok: true, mode: 'NORMAL', changed: true });
    expect(transitionMode('KILLED', { type: 'reset', authenticated: false })).toMatchObject({ ok: false, mode: 'KILLED' });
    for (const target of ['NORMAL', 'OBSERVATION', 'PAUSED'] as const) {
      expect(transitionMode('KILLED', { type: 'admin_set', to: target })).toMatchObject({ ok: false, mode: 'KILLED' });
    }
    expect(transitionMode('KILLED', { type: 'budget_alert' })).toMatchObject({ ok: true, mode: 'KILLED', changed: false });
  });

  it('reset is refused outside KILLED', () => {
    expect(transitionMode('PAUSED', { type: 'reset', authenticated: true })).toMatchObject({ ok: false, mode: 'PAUSED' });
  });

  it('admin moves freely between NORMAL, OBSERVATION and PAUSED but cannot set KILLED that way', () => {
    const three = ['NORMAL', 'OBSERVATION', 'PAUSED'] as const;
    for (const from of three) for (const target of three) {
      expect(transitionMode(from, { type: 'admin_set', to: target })).toEqual({ ok: true, mode: target, changed: from !== target });
    }
    expect(transitionMode('NORMAL', { type: 'admin_set', to: 'KILLED' as never })).toMatchObject({ ok: false, mode: 'NORMAL' });
  });

  it('budget alert pauses NORMAL and OBSERVATION', () => {
    expect(transitionMode('NORMAL', { type: 'budget_alert' }).mode).toBe('PAUSED');
    expect(transitionMode('OBSERVATION', { type: 'budget_alert' }).mode).toBe('PAUSED');
    expect(transitionMode('PAUSED', { type: 'budget_alert' })).toMatchObject({ mode: 'PAUSED', changed: false });
  });
});

describe('modeAllows', () => {
  const table: Record<SystemMode, [entry: boolean, exit: boolean, emits: boolean]> = {
    NORMAL: [true, true, true],
    OBSERVATION: [false, false, true],
    PAUSED: [false, true, false],
    KILLED: [false, true, false],
  };
  it.each(Object.entries(table))('%s', (mode, [entry, exit, emits]) => {
    expect(modeAllows(mode as SystemMode, 'entry')).toBe(entry);
    expect(modeAllows(mode as SystemMode, 'exit')).toBe(exit);
    expect(modeEmitsEntries(mode as SystemMode)).toBe(emits);
  });
});
