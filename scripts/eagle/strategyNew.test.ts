import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as prettier from 'prettier';
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
    const { source, test } = strategyTemplate('rsi_dip');
    expect(readFileSync(join(STRATEGIES_DIR, 'rsiDip.ts'), 'utf8')).toBe(source);
    expect(readFileSync(join(STRATEGIES_DIR, 'rsiDip.test.ts'), 'utf8')).toBe(test);
  });

  it('writes files the formatter leaves as they are (npm run lint checks them), whatever the name', async () => {
    for (const name of ['x', 'rsi_dip', 'a_rather_long_name_for_a_long_idea_forty']) {
      const { source, test } = strategyTemplate(name);
      const options = (await prettier.resolveConfig(join(STRATEGIES_DIR, 'x.ts'))) ?? {};
      expect(await prettier.check(source, { ...options, filepath: 'x.ts' }), `${name}: source`).toBe(true);
      expect(await prettier.check(test, { ...options, filepath: 'x.test.ts' }), `${name}: test`).toBe(true);
    }
  });
});
