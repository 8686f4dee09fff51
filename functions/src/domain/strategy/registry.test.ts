import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { SHIPPED_STRATEGIES, strategyRegistry } from './registry.ts';

const { getStrategy, strategyNames } = strategyRegistry(SHIPPED_STRATEGIES);

describe('strategy registry', () => {
  it('builds regime_trend with defaults and a version', () => {
    const s = getStrategy('regime_trend');
    expect(s.name).toBe('regime_trend');
    expect(s.version).toBe('regime_trend@1');
    expect(s.params).toEqual({ pullbackToEma50: false, pullbackAtrMult: 1, exitOnUnknown: false });
    expect(strategyNames()).toContain('regime_trend');
  });

  it('refuses two strategies with one name', () => {
    expect(() => strategyRegistry([...SHIPPED_STRATEGIES, SHIPPED_STRATEGIES[0]!])).toThrow(/regime_trend: two strategies have this name/);
  });

  it('applies params', () => {
    expect(getStrategy('regime_trend', { pullbackToEma50: true }).params).toMatchObject({ pullbackToEma50: true });
  });

  it('throws ConfigError on an unknown name, including prototype keys', () => {
    expect(() => getStrategy('moon_shot')).toThrow(ConfigError);
    expect(() => getStrategy('toString')).toThrow(/unknown strategy/);
  });

  it.each([
    [{ pullbackAtrMult: -1 }, 'strategy.params.pullbackAtrMult'],
    [{ pullbackToEma50: 'yes' }, 'strategy.params.pullbackToEma50'],
    [{ pullbakcAtrMult: 1 }, 'strategy.params'],
    ['not an object', 'strategy.params'],
  ])('throws ConfigError naming the field for %j', (params, field) => {
    expect(() => getStrategy('regime_trend', params)).toThrow(ConfigError);
    expect(() => getStrategy('regime_trend', params)).toThrow(field);
  });
});
