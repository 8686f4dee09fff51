import { describe, expect, it } from 'vitest';
import { ConfigError } from '../domain/errors.ts';
import { getStrategy } from './registry.ts';
import type { StrategyInput } from '../domain/strategy/api.ts';
import type { IndicatorSnapshot } from '../domain/regime.types.ts';

const market: IndicatorSnapshot = { t: 0, close: 100, adx: 20, pdi: 20, mdi: 20, atr: 1, atrPct: 1, atrPctAvg: 1, ema50: 100, ema200: 100 };
const input = (rsiValue: number | null, over: Partial<StrategyInput> = {}): StrategyInput => ({
  regime: 'sideways_range',
  market,
  indicators: { rsi: rsiValue },
  history: {},
  hasPosition: false,
  ...over,
});

describe('rsi_dip', () => {
  const s = getStrategy('rsi_dip');

  it('is in the registry with its defaults, its RSI and a bounded window of closes', () => {
    expect(s.version).toBe('rsi_dip@1');
    expect(s.params).toEqual({ rsiPeriod: 14, entryBelow: 30, exitAbove: 60 });
    expect(s.indicators).toEqual({ rsi: { kind: 'rsi', period: 14 } });
    expect(s.window).toEqual({ size: 140, fields: ['c'] });
  });

  it('enters on a dip outside bear trends, exits on the recovery, holds otherwise', () => {
    expect(s.advise(input(25))).toEqual({ action: 'enter_long', reason: 'strategy_entry' });
    expect(s.advise(input(25, { regime: 'bear_trend' }))).toEqual({ action: 'hold' });
    expect(s.advise(input(25, { regime: 'unknown' }))).toEqual({ action: 'hold' });
    expect(s.advise(input(null))).toEqual({ action: 'hold' });
    expect(s.advise(input(65, { hasPosition: true }))).toEqual({ action: 'exit', reason: 'strategy_exit' });
    expect(s.advise(input(50, { hasPosition: true }))).toEqual({ action: 'hold' });
  });

  it('states its own stop and target when configured (the stop hook), none otherwise', () => {
    expect(getStrategy('rsi_dip', { stopAtr: 1, targetAtr: 2.5 }).advise(input(25))).toEqual({
      action: 'enter_long',
      reason: 'strategy_entry',
      stop: 1,
      target: 2.5,
    });
    expect(getStrategy('rsi_dip', { stopAtr: 1 }).advise(input(25))).toEqual({
      action: 'enter_long',
      reason: 'strategy_entry',
      stop: 1,
    });
    expect(() => getStrategy('rsi_dip', { stopAtr: 0 })).toThrow('strategy.params.stopAtr');
  });

  it('refuses an unknown or out-of-range param, naming it', () => {
    expect(() => getStrategy('rsi_dip', { rsiPeriodd: 14 })).toThrow(ConfigError);
    expect(() => getStrategy('rsi_dip', { rsiPeriodd: 14 })).toThrow('strategy.params.rsiPeriodd');
    expect(() => getStrategy('rsi_dip', { entryBelow: 80 })).toThrow('strategy.params.entryBelow');
  });
});
