/**
 * The optimiser's sampler: uniform random for the first trials, then a tree-structured Parzen
 * estimator (Bergstra et al. 2011, univariate as in hyperopt and Optuna's default): the trials so far
 * are split into the best `γ` and the rest, each dimension gets a density over each group (Gaussian
 * kernels over the unit interval for numbers, smoothed counts for choices), and of `candidates`
 * draws from the good density the one with the highest good/bad ratio is proposed.
 * No JS library on npm fits (the one TPE port, `hyperparameters`, is unmaintained since 2019), hence
 * this module. Pure: the random source is passed in, so a seed reproduces every proposal.
 */
import type { ChoiceValue, Dim, Point, Space } from './space.ts';

/** A finished trial: its point and its score (higher is better; -Infinity for a failed or refused one). */
export interface Observation {
  readonly point: Point;
  readonly score: number;
}

export interface TpeOptions {
  /** trials sampled uniformly before the model starts */
  startup: number;
  /** draws from the good density per proposed value */
  candidates: number;
}

export const TPE_DEFAULTS: TpeOptions = { startup: 16, candidates: 24 };

/** The good group's size for n observations: a quarter, at most 25 (hyperopt's γ, Optuna's cap). */
export const goodCount = (n: number) => Math.min(25, Math.max(1, Math.ceil(0.25 * n)));

const toUnit = (d: Exclude<Dim, { kind: 'choice' }>, v: number) =>
  d.kind === 'int' ? (v - d.min + 0.5) / (d.max - d.min + 1) : d.max === d.min ? 0.5 : (v - d.min) / (d.max - d.min);
const fromUnit = (d: Exclude<Dim, { kind: 'choice' }>, u: number): number => {
  const x = Math.min(1, Math.max(0, u));
  if (d.kind === 'int') return Math.min(d.max, d.min + Math.floor(x * (d.max - d.min + 1)));
  // two decimals: a config value a trader can read back, still inside the bounds
  return Math.min(d.max, Math.max(d.min, Math.round(100 * (d.min + x * (d.max - d.min))) / 100));
};

/** Box–Muller: one standard normal draw. */
const gauss = (rand: () => number) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

function uniform(dim: Dim, rand: () => number): ChoiceValue {
  if (dim.kind === 'choice') return dim.values[Math.min(dim.values.length - 1, Math.floor(rand() * dim.values.length))]!;
  return fromUnit(dim, rand());
}

/** A Parzen density over [0, 1]: kernels at the points (Scott's bandwidth, at least 0.05) plus a uniform prior of one point's weight. */
function parzen(points: readonly number[]) {
  const n = points.length;
  const mean = points.reduce((s, x) => s + x, 0) / Math.max(1, n);
  const sd = Math.sqrt(points.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, n));
  const bw = Math.min(1, Math.max(0.05, 1.06 * sd * n ** -0.2));
  const density = (x: number) => {
    let s = 1; // the prior: uniform density 1 on [0, 1]
    for (const p of points) s += Math.exp(-0.5 * ((x - p) / bw) ** 2) / (bw * Math.sqrt(2 * Math.PI));
    return s / (n + 1);
  };
  const sample = (rand: () => number) => {
    const k = Math.floor(rand() * (n + 1));
    return k === n ? rand() : Math.min(1, Math.max(0, points[k]! + bw * gauss(rand)));
  };
  return { density, sample };
}

function categorical(values: readonly ChoiceValue[], seen: readonly ChoiceValue[]) {
  const w = values.map((v) => 1 + seen.filter((s) => s === v).length);
  const total = w.reduce((s, x) => s + x, 0);
  return {
    p: (i: number) => w[i]! / total,
    sample: (rand: () => number) => {
      let r = rand() * total;
      for (let i = 0; i < w.length; i++) if ((r -= w[i]!) < 0) return i;
      return w.length - 1;
    },
  };
}

function proposeValue(
  dim: Dim,
  good: readonly ChoiceValue[],
  bad: readonly ChoiceValue[],
  rand: () => number,
  candidates: number,
): ChoiceValue {
  if (dim.kind === 'choice') {
    const [l, g] = [categorical(dim.values, good), categorical(dim.values, bad)];
    let best = l.sample(rand);
    for (let c = 1; c < candidates; c++) {
      const i = l.sample(rand);
      if (l.p(i) / g.p(i) > l.p(best) / g.p(best)) best = i;
    }
    return dim.values[best]!;
  }
  const unit = (vs: readonly ChoiceValue[]) => vs.map((v) => toUnit(dim, v as number));
  const [l, g] = [parzen(unit(good)), parzen(unit(bad))];
  let best = l.sample(rand);
  let bestRatio = l.density(best) / g.density(best);
  for (let c = 1; c < candidates; c++) {
    const x = l.sample(rand);
    const ratio = l.density(x) / g.density(x);
    if (ratio > bestRatio) [best, bestRatio] = [x, ratio];
  }
  return fromUnit(dim, best);
}

/**
 * `count` new points for the space given the finished trials (ties in score keep the earlier trial
 * first). Before `startup` trials, or with every score equal to -Infinity, uniform.
 */
export function proposeTpe(
  space: Space,
  history: readonly Observation[],
  count: number,
  rand: () => number,
  opts: TpeOptions = TPE_DEFAULTS,
): Point[] {
  const keys = Object.keys(space);
  const ranked = history.map((o, i) => ({ o, i })).sort((a, b) => b.o.score - a.o.score || a.i - b.i);
  const model = history.length >= opts.startup && ranked.some((r) => r.o.score > -Infinity);
  const nGood = goodCount(history.length);
  const good = ranked.slice(0, nGood).map((r) => r.o.point);
  const bad = ranked.slice(nGood).map((r) => r.o.point);
  return Array.from({ length: count }, () =>
    Object.fromEntries(
      keys.map((k) => {
        const dim = space[k]!;
        if (!model) return [k, uniform(dim, rand)];
        return [
          k,
          proposeValue(
            dim,
            good.map((p) => p[k]!),
            bad.map((p) => p[k]!),
            rand,
            opts.candidates,
          ),
        ];
      }),
    ),
  );
}
