import { describe, expect, it } from 'vitest';
import {
  blockStats,
  deflatedSharpe,
  expectedMaxSharpe,
  mergeStats,
  moments,
  normalCdf,
  normalQuantile,
  pboCscv,
  pooledDeflatedSharpe,
  probabilisticSharpe,
  rankLogit,
  stepSharpe,
  walkForwardPbo,
} from './trust.ts';

/** an equity curve from step returns, starting at 100 */
const curveOf = (returns: readonly number[]) => returns.reduce((eq, r) => [...eq, eq.at(-1)! * (1 + r)], [100]);

describe('normal distribution', () => {
  it('matches tabulated values', () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 6);
    expect(normalCdf(-3)).toBeCloseTo(0.0013499, 6);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 6);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});

describe('deflated Sharpe ratio (Bailey & López de Prado 2014)', () => {
  it("reproduces the paper's example: 100 trials, annual Sharpe variance 0.5, SR 2.5 over 1,250 days, skew −3, kurtosis 10", () => {
    const sr0 = expectedMaxSharpe(100, 0.5 / 250);
    expect(sr0).toBeCloseTo(0.113172, 5);
    expect(probabilisticSharpe(2.5 / Math.sqrt(250), sr0, 1250, -3, 10)).toBeCloseTo(0.900397, 4);
  });

  it('the expected maximum grows with the trials and the variance; one trial or no variance selects nothing', () => {
    expect(expectedMaxSharpe(10, 1)).toBeCloseTo(1.574598, 5);
    expect(expectedMaxSharpe(2, 0.25)).toBeCloseTo(0.259878, 5);
    expect(expectedMaxSharpe(1, 1)).toBe(0);
    expect(expectedMaxSharpe(50, 0)).toBe(0);
  });

  it('with one trial it is the probabilistic Sharpe ratio against 0', () => {
    const returns = Array.from({ length: 200 }, (_, i) => (i % 2 ? 0.02 : -0.01));
    const st = mergeStats(blockStats(curveOf(returns), 4));
    const m = moments(st);
    expect(m.n).toBe(200);
    expect(m.mean).toBeCloseTo(0.005, 12);
    expect(m.skew).toBeCloseTo(0, 9);
    expect(m.kurtosis).toBeCloseTo(1, 9); // two equally likely values
    const d = deflatedSharpe(st, [stepSharpe(st)]);
    expect(d.expectedMax).toBe(0);
    expect(d.dsr).toBeCloseTo(probabilisticSharpe(d.sharpe, 0, 200, 0, 1)!, 12);
    // and the same when every trial had the same Sharpe: nothing was selected
    expect(deflatedSharpe(st, [d.sharpe, d.sharpe, d.sharpe]).dsr).toBeCloseTo(d.dsr!, 12);
  });

  it('more trials with spread-out Sharpes deflate the same winner', () => {
    const returns = Array.from({ length: 500 }, (_, i) => ((i * 7) % 11) / 1000 - 0.004);
    const st = mergeStats(blockStats(curveOf(returns), 2));
    const few = deflatedSharpe(st, [stepSharpe(st), 0]).dsr!;
    const many = deflatedSharpe(st, [stepSharpe(st), ...Array.from({ length: 99 }, (_, i) => (i - 50) / 500)]).dsr!;
    expect(many).toBeLessThan(few);
  });

  it('a flat curve has Sharpe 0 and no shape', () => {
    const st = mergeStats(blockStats([100, 100, 100, 100], 2));
    expect(stepSharpe(st)).toBe(0);
    expect(moments(st)).toMatchObject({ n: 3, sd: 0, skew: 0, kurtosis: 3 });
  });
});

describe('PBO by CSCV (Bailey, Borwein, López de Prado & Zhu 2015)', () => {
  // per block: a run of returns with this mean (and some spread, so the Sharpe is defined)
  const block = (mean: number) => blockStats(curveOf([mean + 0.01, mean - 0.01, mean + 0.01, mean - 0.01]), 1)[0]!;

  it('cuts the returns into equal contiguous blocks', () => {
    const [a, b] = blockStats(curveOf([0.1, 0.1, 0.2, 0.2]), 2);
    expect([a!.n, b!.n]).toEqual([2, 2]);
    expect(a!.s1).toBeCloseTo(0.2, 12);
    expect(b!.s1).toBeCloseTo(0.4, 12);
    expect(b!.s2).toBeCloseTo(0.08, 12);
  });

  it('is 1 when the in-sample best is always the out-of-sample worst, 0 when one trial is best everywhere', () => {
    // A is good in blocks 0-1 and bad in 2-3, B the reverse; S = 4 gives C(4, 2) = 6 splits
    const a = [block(0.01), block(0.01), block(-0.01), block(-0.01)];
    const b = [block(-0.01), block(-0.01), block(0.01), block(0.01)];
    const flip = pboCscv([a, b])!;
    expect(flip.splits).toBe(6);
    // splits {0,1} and {2,3}: the winner is last out of sample; the four mixed splits: a tie, ranked in the middle (logit 0)
    expect(flip.pbo).toBe(1);
    const dominant = [block(0.02), block(0.02), block(0.02), block(0.02)];
    const r = pboCscv([dominant, a, b])!;
    expect(r.pbo).toBe(0);
    expect(r.meanLogit).toBeGreaterThan(0);
  });

  it('needs two trials; the blocks must be even and the same for every trial', () => {
    expect(pboCscv([[block(0.01), block(0.02)]])).toBeNull();
    expect(pboCscv([])).toBeNull();
    expect(() =>
      pboCscv([
        [block(0), block(0), block(0)],
        [block(0), block(0), block(0)],
      ]),
    ).toThrow(/even/);
    expect(() => pboCscv([[block(0), block(0)], [block(0)]])).toThrow(/same blocks/);
  });

  it('counts C(16, 8) splits for 16 blocks', () => {
    const rows = [0, 1, 2].map((k) => Array.from({ length: 16 }, (_, i) => block(((i * (k + 3)) % 5) / 1000 - 0.002)));
    const r = pboCscv(rows)!;
    expect(r.splits).toBe(12_870);
    expect(r.pbo).toBeGreaterThanOrEqual(0);
    expect(r.pbo).toBeLessThanOrEqual(1);
  });
});

describe('pooled over walk-forward windows', () => {
  it("deflated Sharpe: the stitched returns' moments, N̄ = mean trials per window, the within-window variances pooled", () => {
    // 200 out-of-sample returns alternating +2 % and −1 %, stitched from two windows of 100
    const returns = Array.from({ length: 200 }, (_, i) => (i % 2 ? 0.02 : -0.01));
    const segments = [returns.slice(0, 100), returns.slice(100)].map((r) => mergeStats(blockStats(curveOf(r), 4)));
    // window means 0.2 and 5.2 apart: only the spread inside each window counts, (0.25 + 0.25) / 2 = 0.25
    const d = pooledDeflatedSharpe(segments, [
      [0, Math.SQRT1_2],
      [5, 5 + Math.SQRT1_2],
    ]);
    expect(d.trials).toBe(2);
    expect(d.variance).toBeCloseTo(0.25, 12);
    expect(d.expectedMax).toBeCloseTo(0.259878, 5); // expectedMaxSharpe(2, 0.25), as tabulated above
    // mean 0.005 over a sample sd of 0.015·√(200/199): SR 0.332499; skew 0, kurtosis 1: Φ((SR − SR*)·√199) = 0.847187
    expect(d.sharpe).toBeCloseTo(0.332499, 6);
    expect(d.dsr).toBeCloseTo(0.847187, 4);
  });

  it('deflated Sharpe: windows of different sizes weigh by their degrees of freedom; one window is the per-window DSR', () => {
    const st = mergeStats(blockStats(curveOf(Array.from({ length: 300 }, (_, i) => ((i * 7) % 11) / 1000 - 0.004)), 4));
    // squares 0.02 (3 trials) + 0 (1 trial) over 2 + 0 degrees of freedom; 2 trials per window on average
    const d = pooledDeflatedSharpe([st], [[0.1, 0.2, 0.3], [0.5]]);
    expect([d.trials, d.variance]).toEqual([2, expect.closeTo(0.01, 12)]);
    expect(d.expectedMax).toBeCloseTo(expectedMaxSharpe(2, 0.01), 12);
    const sharpes = [stepSharpe(st), 0.01, -0.02, 0.03];
    expect(pooledDeflatedSharpe([st], [sharpes])).toEqual({ ...deflatedSharpe(st, sharpes), variance: expect.any(Number) });
    expect(pooledDeflatedSharpe([], [])).toMatchObject({ trials: 0, variance: 0, expectedMax: 0, dsr: null });
  });

  it("rankLogit is CSCV's λ: the logit of (1 + below + ties/2) / (N + 1)", () => {
    expect(rankLogit([1, 2, 3, 4], 3)).toBeCloseTo(Math.log(4), 12);
    expect(rankLogit([1, 2, 3, 4], 0)).toBeCloseTo(-Math.log(4), 12);
    expect(rankLogit([1, 1, 1], 0)).toBe(0);
  });

  it("walk-forward PBO: the share of windows whose winner is at or below its trials' median out of sample", () => {
    const r = walkForwardPbo([
      { winner: 0, outOfSample: [3, 1, 2] }, // best out of sample: logit ln 3
      { winner: 1, outOfSample: [3, 1, 2] }, // worst: −ln 3
      { winner: 0, outOfSample: [5] }, // nothing to rank against
    ])!;
    expect(r).toEqual({ pbo: 0.5, windows: 2, meanLogit: expect.closeTo(0, 12) });
    expect(walkForwardPbo([{ winner: 3, outOfSample: [1, 2, 3, 4] }])!.pbo).toBe(0);
    expect(walkForwardPbo([{ winner: 1, outOfSample: [1, 2, 3, 4] }])!.pbo).toBe(1);
    expect(walkForwardPbo([{ winner: 0, outOfSample: [7] }])).toBeNull();
    expect(walkForwardPbo([])).toBeNull();
  });
});
