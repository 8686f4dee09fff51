import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newStrategy, STRATEGIES_DIR, strategyTemplate, StrategyNameError } from './strategyNew.ts';

describe('eagle strategy new', () => {
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'strategies-'));
    writeFileSync(join(d, 'index.ts'), readFileSync(join(STRATEGIES_DIR, 'index.ts'), 'utf8'));
    return d;
  };

  it('writes the module and its test, and lists it in index.ts above the marker', () => {
    const d = dir();
    expect(newStrategy('my_idea', ['regime_trend'], d)).toEqual([join(d, 'myIdea.ts'), join(d, 'myIdea.test.ts'), join(d, 'index.ts')]);
    const index = readFileSync(join(d, 'index.ts'), 'utf8');
    expect(index).toContain("import { myIdea } from './myIdea.ts';");
    expect(index).toMatch(/ {2}myIdea,\n {2}\/\/ strategy new: entries above this line/);
    expect(readFileSync(join(d, 'myIdea.ts'), 'utf8')).toContain("name: 'my_idea'");
  });

  it('refuses a bad name, a taken one, and an existing file', () => {
    const d = dir();
    for (const bad of ['MyIdea', 'my-idea', '1idea', 'idea_', '']) expect(() => newStrategy(bad, [], d)).toThrow(StrategyNameError);
    expect(() => newStrategy('regime_trend', ['regime_trend'], d)).toThrow(/exists already/);
    newStrategy('twice', [], d);
    expect(() => newStrategy('twice', [], d)).toThrow(/exists already/);
  });

  it('is the template rsi_dip was written from', () => {
    expect(readFileSync(join(STRATEGIES_DIR, 'rsiDip.ts'), 'utf8')).toBe(strategyTemplate('rsi_dip').source);
    expect(readFileSync(join(STRATEGIES_DIR, 'rsiDip.test.ts'), 'utf8')).toBe(strategyTemplate('rsi_dip').test);
  });
});
