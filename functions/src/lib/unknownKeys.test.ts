import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { closestKey, unknownKeyError } from './unknownKeys.ts';
import { AdminRequestSchema } from '../services/adminActions.ts';
import { TickRequestSchema } from '../handlers/tick.ts';

describe('unknown keys are named, with the key they probably meant', () => {
  const Risk = z.strictObject({
    riskPerTradePct: z.number().optional(),
    maxPositions: z.number().optional(),
    dailyLossPct: z.number().optional(),
  });
  const Doc = z.strictObject({ risk: Risk.optional(), symbols: z.array(z.string()).optional() });
  const message = (input: unknown) => {
    const r = Doc.safeParse(input, { error: unknownKeyError });
    return r.success ? null : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('suggests the close key at any depth', () => {
    expect(message({ risk: { riskPerTradPct: 5 } })).toEqual(['risk: unknown key "riskPerTradPct", did you mean "riskPerTradePct"?']);
    expect(message({ symbol: ['BTC/USDT'] })).toEqual([': unknown key "symbol", did you mean "symbols"?']);
    expect(message({ risk: { MaxPositions: 2 } })).toEqual(['risk: unknown key "MaxPositions", did you mean "maxPositions"?']);
  });

  it('names a key nothing is close to, without a guess', () => {
    expect(message({ risk: { leverage: 10 } })).toEqual(['risk: unknown key "leverage"']);
  });

  it('does not suggest a key the input already has', () => {
    expect(message({ risk: { riskPerTradePct: 1, riskPerTradPct: 5 } })).toEqual(['risk: unknown key "riskPerTradPct"']);
  });

  it('names every unknown key of an object, each bounded', () => {
    const long = 'x'.repeat(500);
    const [m] = message({ risk: { maxPosition: 1, [long]: 1 } })!;
    expect(m).toBe(`risk: unknown key "maxPosition", did you mean "maxPositions"?; unknown key "${'x'.repeat(64)}…"`);
  });

  it('leaves every other issue to zod', () => {
    expect(message({ risk: { maxPositions: 'two' } })).toEqual(['risk.maxPositions: Invalid input: expected number, received string']);
  });

  it('guesses only within a third of the letters', () => {
    expect(closestKey('timeframe', ['timeframe', 'symbols'])).toBe('timeframe');
    expect(closestKey('tf', ['timeframe'])).toBeUndefined();
    expect(closestKey('stategy', ['strategy', 'regime'])).toBe('strategy');
    expect(closestKey('abc', [])).toBeUndefined();
  });

  it('in the bodies a person sends: an admin request, a tick', () => {
    const first = (schema: z.ZodType, body: unknown) => {
      const r = schema.safeParse(body, { error: unknownKeyError });
      return r.success ? null : r.error.issues[0]!.message;
    };
    expect(first(AdminRequestSchema, { action: 'pause', reasn: 'maintenance' })).toBe('unknown key "reasn", did you mean "reason"?');
    expect(first(TickRequestSchema, { asof: '2023-04-10T00:00:00Z' })).toBe('unknown key "asof", did you mean "asOf"?');
  });
});
