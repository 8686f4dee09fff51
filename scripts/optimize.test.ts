import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './optimize.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

// two 60-day in-sample windows of BTC/USDT 4h, 8 trials each: real backtests, a few seconds
const SLICE = ['--symbols', 'BTC/USDT', '--timeframe', '4h', '--from', '2020-01-01', '--to', '2020-05-01', '--walk-forward', '60:30'];

describe('npm run optimize', { timeout: 60_000 }, () => {
  it('prints the stitched out-of-sample result, DSR and PBO; result.json is the same bytes for the same seed', async () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), 'opt-')), mkdtempSync(join(tmpdir(), 'opt-'))];
    const first = io();
    expect(await main([...SLICE, '--trials', '8', '--seed', '5', '--out', a], first.io)).toBe(0);
    const text = first.out.join('\n');
    expect(text).toMatch(/out of sample, chosen {2}: return [+−]?\d/);
    expect(text).toMatch(/out of sample, defaults: return/);
    expect(text).toMatch(/pooled: deflated Sharpe ratio of the stitched out-of-sample returns (\d\.\d\d|—) .*; walk-forward PBO/);
    expect(text).toMatch(/per window: deflated Sharpe ratio of the winner median .* PBO \(CSCV\) mean/);
    const result = JSON.parse(readFileSync(join(a, 'result.json'), 'utf8'));
    expect(result.walkForward).toEqual({ trainDays: 60, testDays: 30, windows: 2 });
    expect(result.windows).toHaveLength(2);
    for (const w of result.windows) {
      expect(w.trials).toBe(8);
      // the chosen point is inside the space
      expect(w.chosen['risk.stopAtrMult']).toBeGreaterThanOrEqual(1.5);
      expect(w.chosen['risk.stopAtrMult']).toBeLessThanOrEqual(6);
    }
    expect(result.stitched.length).toBeGreaterThan(100);
    // the pooled PBO is the share of windows whose winner ranked in the lower half out of sample
    const ranks = result.windows.map((w: { outOfSampleRank: { logit: number; trials: number } }) => w.outOfSampleRank);
    const { pooled } = result.trust;
    expect(pooled.pbo).toEqual({
      pbo: ranks.filter((x: { logit: number }) => x.logit <= 0).length / 2,
      windows: 2,
      meanLogit: expect.any(Number),
    });
    expect(pooled.deflatedSharpe.trials).toBe(8 - result.windows.reduce((s: number, w: { invalid: number }) => s + w.invalid, 0) / 2);
    expect(readFileSync(join(a, 'report.html'), 'utf8')).toContain(JSON.stringify(result.outOfSample).slice(0, 40));
    expect(await main([...SLICE, '--trials', '8', '--seed', '5', '--out', b, '--json'], io().io)).toBe(0);
    expect(readFileSync(join(b, 'result.json'))).toEqual(readFileSync(join(a, 'result.json')));
  });

  it('--space narrows the search; an unknown key or a value outside the space is refused, naming it (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opt-'));
    const space = join(dir, 'space.json');
    writeFileSync(
      space,
      JSON.stringify({ 'strategy.params.pullbackToEma50': { values: [false] }, 'risk.stopAtrMult': { min: 3, max: 3 } }),
    );
    const ok = io();
    expect(await main([...SLICE, '--trials', '3', '--space', space, '--json'], ok.io)).toBe(0);
    const r = JSON.parse(ok.out.join('\n'));
    for (const w of r.windows) expect([w.chosen['strategy.params.pullbackToEma50'], w.chosen['risk.stopAtrMult']]).toEqual([false, 3]);

    writeFileSync(space, JSON.stringify({ 'risk.stopAtrMul': { min: 2, max: 3 } }));
    const bad = io();
    expect(await main([...SLICE, '--space', space], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/--space .*: risk.stopAtrMul: not a searchable parameter/);
    writeFileSync(space, JSON.stringify({ 'regime.confirmCandles': { min: 0, max: 3 } }));
    const outside = io();
    expect(await main([...SLICE, '--space', space], outside.io)).toBe(2);
    expect(outside.err.join('\n')).toMatch(/regime.confirmCandles: 0 to 3/);
  });

  it('refuses bad flags before running anything', async () => {
    const cases: [string[], RegExp][] = [
      [SLICE.filter((x) => x !== '--walk-forward' && x !== '60:30'), /--walk-forward/],
      [[...SLICE, '--objective', 'luck'], /--objective/],
      [[...SLICE, '--trials', '0'], /--trials must be a number from 1/],
      [[...SLICE, '--strategy', 'nope'], /unknown strategy "nope"/],
      [
        ['--walk-forward', '3000:30', '--symbols', 'BTC/USDT', '--timeframe', '4h'],
        /shorter than one in-sample and one out-of-sample window/,
      ],
    ];
    for (const [argv, message] of cases) {
      const c = io();
      expect(await main(argv, c.io)).toBe(2);
      expect(c.err.join('\n')).toMatch(message);
    }
  });
});
