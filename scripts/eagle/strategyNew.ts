/**
 * `eagle strategy new NAME`: a strategy module from the template (RSI dip-buying, a working
 * example of every part of the API) and its test, in functions/src/strategies/, listed in that
 * folder's index.ts so the registry, config/bot, the backtester and the functions bundle see it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const STRATEGIES_DIR = fileURLToPath(new URL('../../functions/src/strategies', import.meta.url));
const MARKER = '  // strategy new: entries above this line';

export class StrategyNameError extends Error {}

/** `rsi_dip` → `rsiDip`: the file and export name. */
export const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());

export function strategyTemplate(name: string): { source: string; test: string } {
  const id = camel(name);
  const source = `/**
 * ${name}: buy a dip (RSI below \`entryBelow\`) unless the market is in a bear trend or the regime is
 * unknown; sell when RSI recovers above \`exitAbove\`. Written from the strategy template
 * (\`npm run eagle -- strategy new ${name}\`): change the idea, keep the shape. The engine's stops,
 * sizing, exposure limits and modes apply to every position whatever this returns.
 */
import { z } from 'zod';
import { defineStrategy, rsi, STRATEGY_API_VERSION, type Advice } from '../domain/strategy/api.ts';

/** Every parameter with a default and a range: config/bot \`strategy.params\` is checked against this. */
export const ${id}Params = z.strictObject({
  rsiPeriod: z.number().int().min(2).max(50).default(14),
  entryBelow: z.number().min(1).max(50).default(30),
  exitAbove: z.number().min(50).max(99).default(60),
  /** the stop hook: this strategy's own stop and target, in ATRs from the fill (unset: config/bot.risk's); the risk's stop wins where it is tighter */
  stopAtr: z.number().min(0.1).max(10).optional(),
  targetAtr: z.number().min(0.1).max(100).optional(),
});

const HOLD: Advice = Object.freeze({ action: 'hold' });
const ENTER: Advice = Object.freeze({ action: 'enter_long', reason: 'strategy_entry' });
const enter = (p: z.output<typeof ${id}Params>): Advice =>
  p.stopAtr === undefined && p.targetAtr === undefined
    ? ENTER
    : { ...ENTER, ...(p.stopAtr === undefined ? {} : { stop: p.stopAtr }), ...(p.targetAtr === undefined ? {} : { target: p.targetAtr }) };
const EXIT: Advice = Object.freeze({ action: 'exit', reason: 'strategy_exit' });

export const ${id} = defineStrategy({
  apiVersion: STRATEGY_API_VERSION,
  name: '${name}',
  version: '${name}@1',
  description: 'RSI dip-buying outside bear trends (from the template).',
  params: ${id}Params,
  indicators: (p) => ({ rsi: rsi(p.rsiPeriod) }),
  // RSI remembers its start: ten periods of history keep RSI(14) within 0.03 % of the full-history value (eagle recursive)
  history: (p) => ({ candles: 10 * p.rsiPeriod }),
  advise({ regime, indicators, hasPosition }, p) {
    if (indicators.rsi === null) return HOLD;
    if (hasPosition) return indicators.rsi > p.exitAbove ? EXIT : HOLD;
    return regime !== 'bear_trend' && regime !== 'unknown' && indicators.rsi < p.entryBelow ? enter(p) : HOLD;
  },
});
`;
  const test = `import { describe, expect, it } from 'vitest';
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

describe('${name}', () => {
  const s = getStrategy('${name}');

  it('is in the registry with its defaults, its RSI and a bounded window of closes', () => {
    expect(s.version).toBe('${name}@1');
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
    expect(getStrategy('${name}', { stopAtr: 1, targetAtr: 2.5 }).advise(input(25))).toEqual({
      action: 'enter_long',
      reason: 'strategy_entry',
      stop: 1,
      target: 2.5,
    });
    expect(getStrategy('${name}', { stopAtr: 1 }).advise(input(25))).toEqual({
      action: 'enter_long',
      reason: 'strategy_entry',
      stop: 1,
    });
    expect(() => getStrategy('${name}', { stopAtr: 0 })).toThrow('strategy.params.stopAtr');
  });

  it('refuses an unknown or out-of-range param, naming it', () => {
    expect(() => getStrategy('${name}', { rsiPeriodd: 14 })).toThrow(ConfigError);
    expect(() => getStrategy('${name}', { rsiPeriodd: 14 })).toThrow('strategy.params.rsiPeriodd');
    expect(() => getStrategy('${name}', { entryBelow: 80 })).toThrow('strategy.params.entryBelow');
  });
});
`;
  // Written as the formatter writes it, for any name up to 40 characters (objects kept expanded, no line near 140
  // columns): a new strategy passes `npm run lint` as written, with no formatter loaded (strategyNew.test.ts checks it).
  return { source, test };
}

/** Write the module, its test and the index entry; refuses a bad or taken name. Returns the files written. */
export function newStrategy(name: string, taken: readonly string[], dir = STRATEGIES_DIR): string[] {
  if (!/^[a-z][a-z0-9_]{0,39}$/.test(name) || name.endsWith('_'))
    throw new StrategyNameError(`strategy name "${name.slice(0, 64)}" must be lower_snake_case, 1–40 characters`);
  if (taken.includes(name)) throw new StrategyNameError(`a strategy named ${name} exists already`);
  const id = camel(name);
  const file = join(dir, `${id}.ts`);
  const testFile = join(dir, `${id}.test.ts`);
  if (existsSync(file) || existsSync(testFile)) throw new StrategyNameError(`${file} exists already`);
  const indexFile = join(dir, 'index.ts');
  const index = readFileSync(indexFile, 'utf8');
  if (!index.includes(MARKER)) throw new StrategyNameError(`${indexFile} lost its "${MARKER.trim()}" line: add the entry by hand`);
  const { source, test } = strategyTemplate(name);
  writeFileSync(file, source);
  writeFileSync(testFile, test);
  const lines = index.split('\n');
  const lastImport = lines.findLastIndex((l) => l.startsWith('import '));
  lines.splice(lastImport + 1, 0, `import { ${id} } from './${id}.ts';`);
  writeFileSync(indexFile, lines.join('\n').replace(MARKER, `  ${id},\n${MARKER}`));
  return [file, testFile, indexFile];
}
