import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../domain/errors.ts';
import { hostileTree, mutateAt, prototypeIsClean } from '../lib/testing/hostile.ts';
import { parseBotConfig } from './load.ts';
import { validateBotConfig } from './botRuntime.ts';
import { recordedExchangeRules } from '../adapters/paper/recordedRules.ts';

/** A complete, valid config/bot document (every default written out) to mutate field by field. */
const VALID = JSON.parse(
  JSON.stringify(parseBotConfig({ symbols: ['BTC/USDT', 'ETH/USDT'], timeframe: '1m' }), (_k, v: unknown) =>
    typeof v === 'bigint' ? String(v) : v,
  ),
) as unknown;

function outcome(doc: unknown): 'ok' | 'config_error' {
  try {
    validateBotConfig(doc, '4h', recordedExchangeRules());
    return 'ok';
  } catch (err) {
    // the only acceptable failure: a ConfigError whose message names config/bot fields
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^invalid config\/bot document:\nconfig\/bot\.[^\n]+: /);
    return 'config_error';
  }
}

describe('config/bot fuzz: hostile documents give a ConfigError, never a crash', () => {
  it('1,000 arbitrary documents (wrong types, NaN/Infinity, huge, prototype-pollution keys)', () => {
    const seen = { ok: 0, config_error: 0 };
    fc.assert(
      fc.property(hostileTree, (doc) => void seen[outcome(doc)]++),
      { numRuns: 1_000, seed: 11 },
    );
    expect(seen.config_error).toBeGreaterThan(500);
    expect(prototypeIsClean()).toBe(true);
  });

  it('1,000 valid documents with one field made hostile', () => {
    const seen = { ok: 0, config_error: 0 };
    fc.assert(
      fc.property(mutateAt(VALID), (doc) => void seen[outcome(doc)]++),
      { numRuns: 1_000, seed: 12 },
    );
    // both branches are exercised: some mutations are harmless (a valid value), most are refused (an unknown key too)
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.config_error).toBeGreaterThan(300);
    expect(prototypeIsClean()).toBe(true);
  });
});
