import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RISK_SEARCH_RANGES, RiskParamsSchema } from '../risk/params.ts';
import { REGIME_SEARCH_RANGES, RegimeParamsSchema } from '../regime/params.ts';
import { strategyDefinition } from '../../strategies/registry.ts';
import { dimOf, inDim, narrowSpace, SpaceError, spaceOfObject, spaceOfRanges } from './space.ts';
import { searchSpace } from './searchSpace.ts';

describe('search space from the params schemas', () => {
  it("reads a strategy's params: booleans as choices, numbers with the schema's bounds", () => {
    expect(spaceOfObject('strategy.params', strategyDefinition('regime_trend')!.paramsSchema)).toEqual({
      'strategy.params.exitOnUnknown': { kind: 'choice', values: [false, true] },
      'strategy.params.pullbackAtrMult': { kind: 'float', min: 0, max: 20 },
      'strategy.params.pullbackToEma50': { kind: 'choice', values: [false, true] },
    });
    expect(spaceOfObject('strategy.params', strategyDefinition('buy_and_hold')!.paramsSchema)).toEqual({});
  });

  it('reads enums, integers and nullable numbers; refuses an unbounded number without a declared range', () => {
    expect(dimOf('k', z.enum(['a', 'b']).default('a'))).toEqual({ kind: 'choice', values: ['a', 'b'] });
    expect(dimOf('k', z.number().int().min(1).max(9))).toEqual({ kind: 'int', min: 1, max: 9 });
    expect(dimOf('k', z.number().min(1).max(10).nullable().default(2), { min: 2, max: 3 })).toEqual({ kind: 'float', min: 2, max: 3 });
    expect(() => dimOf('k', z.number().min(0))).toThrow(/k: unbounded/);
    expect(() => dimOf('k', z.string())).toThrow(SpaceError);
  });

  it('the declared risk and regime ranges lie inside their schemas (and name only their fields)', () => {
    const risk = spaceOfRanges('risk', RiskParamsSchema, RISK_SEARCH_RANGES);
    expect(risk['risk.stopAtrMult']).toEqual({ kind: 'float', min: 1.5, max: 6 });
    expect(spaceOfRanges('regime', RegimeParamsSchema, REGIME_SEARCH_RANGES)['regime.confirmCandles']).toEqual({
      kind: 'int',
      min: 1,
      max: 6,
    });
    expect(() => spaceOfRanges('risk', RiskParamsSchema, { stopAtrMult: { min: 0, max: 5 } })).toThrow(/risk.stopAtrMult: .* leaves/);
    expect(() => spaceOfRanges('risk', RiskParamsSchema, { nope: { min: 0, max: 5 } })).toThrow(/risk.nope: not a field/);
    expect(() => spaceOfRanges('regime', RegimeParamsSchema, { confirmCandles: { min: 1.5, max: 3 } })).toThrow(/whole/);
  });

  it('the default space: strategy, risk and regime keys, sorted', () => {
    const keys = Object.keys(searchSpace(strategyDefinition('regime_trend')!));
    expect(keys).toEqual([...keys].sort());
    expect(keys).toContain('risk.trailingAtrMult');
    expect(keys).toContain('regime.highVolRelative');
    expect(keys).toContain('strategy.params.pullbackToEma50');
  });
});

describe('--space narrows', () => {
  const space = searchSpace(strategyDefinition('regime_trend')!);

  it('to a sub-range or a list of values', () => {
    const n = narrowSpace(space, { 'risk.stopAtrMult': { min: 2, max: 5 }, 'strategy.params.pullbackToEma50': { values: [false] } });
    expect(n['risk.stopAtrMult']).toEqual({ kind: 'float', min: 2, max: 5 });
    expect(n['strategy.params.pullbackToEma50']).toEqual({ kind: 'choice', values: [false] });
    expect(narrowSpace(space, { 'regime.confirmCandles': { values: [2, 3] } })['regime.confirmCandles']).toEqual({
      kind: 'choice',
      values: [2, 3],
    });
  });

  it('refuses an unknown key, naming it, and anything outside the space', () => {
    expect(() => narrowSpace(space, { 'risk.stopAtrMul': { min: 2, max: 3 } })).toThrow(/^risk.stopAtrMul: not a searchable parameter/);
    expect(() => narrowSpace(space, { 'risk.stopAtrMult': { min: 1, max: 3 } })).toThrow(/risk.stopAtrMult: 1 to 3 .* inside 1.5 to 6/);
    expect(() => narrowSpace(space, { 'risk.stopAtrMult': { min: 2, max: 3, step: 1 } })).toThrow(SpaceError);
    expect(() => narrowSpace(space, { 'regime.confirmCandles': { values: [0] } })).toThrow(/outside/);
    expect(() => narrowSpace(space, { 'strategy.params.exitOnUnknown': { min: 0, max: 1 } })).toThrow(/choice/);
    expect(() => narrowSpace(space, [])).toThrow(SpaceError);
  });

  it('inDim checks a value against a dimension', () => {
    expect(inDim({ kind: 'int', min: 1, max: 3 }, 2)).toBe(true);
    expect(inDim({ kind: 'int', min: 1, max: 3 }, 2.5)).toBe(false);
    expect(inDim({ kind: 'float', min: 1, max: 3 }, 3.5)).toBe(false);
    expect(inDim({ kind: 'choice', values: [null, 2] }, null)).toBe(true);
  });
});
