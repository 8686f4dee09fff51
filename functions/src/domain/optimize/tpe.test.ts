import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mulberry32 } from '../testing/prng.ts';
import { inDim, type Point, type Space } from './space.ts';
import { goodCount, proposeTpe, TPE_DEFAULTS, type Observation } from './tpe.ts';

const SPACE: Space = {
  a: { kind: 'float', min: 0, max: 10 },
  b: { kind: 'int', min: 1, max: 6 },
  c: { kind: 'choice', values: [false, true] },
  d: { kind: 'choice', values: ['x', 'y', 'z', null] },
};

/** the best is a = 7.3, b = 2, c = true, d = 'z' */
const objective = (p: Point) => -Math.abs((p.a as number) - 7.3) - Math.abs((p.b as number) - 2) - (p.c ? 0 : 3) - (p.d === 'z' ? 0 : 3);

function search(seed: number, trials: number, batch: number, startup = TPE_DEFAULTS.startup): Observation[] {
  const history: Observation[] = [];
  for (let b = 0; history.length < trials; b++) {
    const points = proposeTpe(SPACE, history, batch, mulberry32(seed * 1000 + b), { ...TPE_DEFAULTS, startup });
    history.push(...points.map((point) => ({ point, score: objective(point) })));
  }
  return history;
}

describe('TPE sampler', () => {
  it('is reproducible for a seed and differs between seeds', () => {
    expect(search(7, 48, 8)).toEqual(search(7, 48, 8));
    expect(search(7, 48, 8)).not.toEqual(search(8, 48, 8));
  });

  it('keeps every value inside its dimension (random and model phases)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        for (const o of search(seed, 40, 8, 8)) for (const [k, dim] of Object.entries(SPACE)) expect(inDim(dim, o.point[k])).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it('the model finds better points than uniform sampling on the same budget (a smooth objective)', () => {
    const smooth: Space = {
      x: { kind: 'float', min: 0, max: 10 },
      y: { kind: 'float', min: -5, max: 5 },
      z: { kind: 'float', min: 0, max: 1 },
      on: { kind: 'choice', values: [false, true] },
    };
    const f = (p: Point) =>
      -(((p.x as number) - 7.3) ** 2) - ((p.y as number) + 1) ** 2 - 10 * ((p.z as number) - 0.2) ** 2 - (p.on ? 0 : 2);
    const best = (seed: number, startup: number) => {
      const history: Observation[] = [];
      for (let b = 0; history.length < 64; b++) {
        const points = proposeTpe(smooth, history, 8, mulberry32(seed * 1000 + b), { ...TPE_DEFAULTS, startup });
        history.push(...points.map((point) => ({ point, score: f(point) })));
      }
      return Math.max(...history.map((o) => o.score));
    };
    const seeds = Array.from({ length: 30 }, (_, i) => i + 1);
    const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
    // the same seeds, with the model after 16 trials and uniform throughout
    const tpe = mean(seeds.map((s) => best(s, 16)));
    const uniform = mean(seeds.map((s) => best(s, 1_000)));
    expect(tpe).toBeGreaterThan(uniform);
  });

  it('stays uniform while every trial failed; the good group is a quarter, at most 25', () => {
    const failed: Observation[] = Array.from({ length: 20 }, () => ({ point: { a: 1, b: 1, c: false, d: 'x' }, score: -Infinity }));
    const props = proposeTpe(SPACE, failed, 32, mulberry32(3));
    // the model would crowd a around 1; uniform spreads it
    expect(props.filter((p) => (p.a as number) > 5).length).toBeGreaterThan(8);
    expect([1, 4, 5, 100, 1000].map(goodCount)).toEqual([1, 1, 2, 25, 25]);
  });
});
