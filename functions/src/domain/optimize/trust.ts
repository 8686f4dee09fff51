/**
 * How much to trust an optimiser's winner, over the trials actually run:
 * - the deflated Sharpe ratio (Bailey & López de Prado 2014): the probability that the winner's true
 *   Sharpe is above the Sharpe the best of N trials would show by luck alone (the expected maximum
 *   of N draws with the trials' Sharpe variance), given the winner's skew, kurtosis and sample length;
 * - the probability of backtest overfitting by combinatorially symmetric cross-validation (Bailey,
 *   Borwein, López de Prado & Zhu 2015): cut the time into S blocks, take every half of them as in
 *   sample and the rest as out of sample, and count how often the in-sample best ranks in the lower
 *   half out of sample;
 * - pooled over a walk-forward's windows: the DSR of the stitched out-of-sample returns, and the share
 *   of windows whose winner ranks in the lower half of its trials out of sample (walkForwardPbo).
 * Returns are per step (per candle), Sharpe ratios per step (not annualised). Floats throughout.
 */

/** Power sums of the step returns in one time block: any union of blocks has exact moments. */
export interface BlockStats {
  n: number;
  s1: number;
  s2: number;
  s3: number;
  s4: number;
}

const EMPTY: BlockStats = { n: 0, s1: 0, s2: 0, s3: 0, s4: 0 };

/** Step returns of an equity curve cut into `blocks` contiguous time blocks of (nearly) equal length. */
export function blockStats(equity: readonly number[], blocks: number): BlockStats[] {
  const out = Array.from({ length: blocks }, () => ({ ...EMPTY }));
  const n = equity.length - 1;
  for (let i = 1; i <= n; i++) {
    const prev = equity[i - 1]!;
    const r = prev > 0 ? equity[i]! / prev - 1 : 0;
    const b = out[Math.floor(((i - 1) * blocks) / n)]!;
    b.n += 1;
    b.s1 += r;
    b.s2 += r * r;
    b.s3 += r * r * r;
    b.s4 += r * r * r * r;
  }
  return out;
}

export function mergeStats(parts: readonly BlockStats[]): BlockStats {
  const m = { ...EMPTY };
  for (const p of parts) {
    m.n += p.n;
    m.s1 += p.s1;
    m.s2 += p.s2;
    m.s3 += p.s3;
    m.s4 += p.s4;
  }
  return m;
}

export interface Moments {
  n: number;
  mean: number;
  /** sample standard deviation (n − 1) */
  sd: number;
  /** skewness and (non-excess) kurtosis, population moments: a normal distribution has 0 and 3 */
  skew: number;
  kurtosis: number;
}

export function moments(st: BlockStats): Moments {
  const { n } = st;
  if (n === 0) return { n, mean: 0, sd: 0, skew: 0, kurtosis: 3 };
  const mean = st.s1 / n;
  const m2 = Math.max(0, st.s2 / n - mean * mean);
  const m3 = st.s3 / n - 3 * mean * (st.s2 / n) + 2 * mean ** 3;
  const m4 = st.s4 / n - 4 * mean * (st.s3 / n) + 6 * mean * mean * (st.s2 / n) - 3 * mean ** 4;
  const sd = n > 1 ? Math.sqrt((m2 * n) / (n - 1)) : 0;
  // below this the variance is rounding noise: a flat curve has no shape
  const flat = m2 <= 1e-24;
  return { n, mean, sd, skew: flat ? 0 : m3 / m2 ** 1.5, kurtosis: flat ? 3 : m4 / (m2 * m2) };
}

/** Per-step Sharpe ratio (mean over sample sd); 0 for a flat curve. */
export function stepSharpe(st: BlockStats): number {
  const m = moments(st);
  return m.sd > 1e-12 ? m.mean / m.sd : 0;
}

/** The standard normal CDF, by the erfc approximation of Numerical Recipes (erfcc: fractional error < 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** The standard normal quantile (P. J. Acklam's algorithm, relative error < 1.2e-9), p in (0, 1). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1) (got ${p})`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

const EULER_GAMMA = 0.5772156649015329;

/** Expected maximum Sharpe of N independent trials with Sharpe variance `variance` when every true Sharpe is 0. */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (trials < 2 || !(variance > 0)) return 0;
  return (
    Math.sqrt(variance) * ((1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) + EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E)))
  );
}

/** Probabilistic Sharpe ratio: P(true Sharpe > benchmark) from `length` returns with this skew and kurtosis. */
export function probabilisticSharpe(sharpe: number, benchmark: number, length: number, skew: number, kurtosis: number): number | null {
  const denom = 1 - skew * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe;
  if (length < 2 || !(denom > 0)) return null;
  return normalCdf(((sharpe - benchmark) * Math.sqrt(length - 1)) / Math.sqrt(denom));
}

export interface DeflatedSharpe {
  /** the winner's per-step Sharpe, and what the best of the trials would show by luck */
  sharpe: number;
  expectedMax: number;
  trials: number;
  /** P(the winner's true Sharpe > expectedMax); null when undefined (fewer than 2 returns) */
  dsr: number | null;
}

/**
 * The winner's returns (its block stats merged) against every trial's per-step Sharpe (the winner's
 * included). One trial or trials of equal Sharpe: nothing was selected, the benchmark is 0 (the PSR).
 */
export function deflatedSharpe(winner: BlockStats, trialSharpes: readonly number[]): DeflatedSharpe {
  const { sharpe, expectedMax, trials, dsr } = pooledDeflatedSharpe([winner], [trialSharpes]);
  return { sharpe, expectedMax, trials, dsr };
}

export interface PooledDeflatedSharpe extends DeflatedSharpe {
  /** the within-window variance of the trials' Sharpes, pooled over the windows */
  variance: number;
}

/**
 * The deflated Sharpe ratio of a walk-forward's stitched out-of-sample returns (every window's
 * winner out of sample, block stats merged), each window's winner chosen from that window's trials
 * (their per-step in-sample Sharpes). The benchmark is the expected maximum of N̄ trials with variance
 * V̄: N̄ the mean number of trials per window, V̄ the within-window variances pooled (Σ over windows of
 * Σ (SR − window mean)² over Σ (n − 1)). Each stitched segment was picked from its own window's trials,
 * and the stitched Sharpe is close to a length-weighted mean of the segments', so its selection bias
 * is one window's E[max], not that of one pick among every window's trials together (Σn, which no
 * step of a walk-forward makes); and the spread between windows is the market changing, not the
 * search. Trials sampled near each other (TPE) are not independent, so N̄ overstates the paper's
 * "independent trials": the deflation errs on the strict side. `trials` is N̄.
 */
export function pooledDeflatedSharpe(
  outOfSample: readonly BlockStats[],
  trialSharpesByWindow: readonly (readonly number[])[],
): PooledDeflatedSharpe {
  const searched = trialSharpesByWindow.filter((xs) => xs.length > 0);
  const trials = searched.length ? searched.reduce((s, xs) => s + xs.length, 0) / searched.length : 0;
  let squares = 0;
  let dof = 0;
  for (const xs of searched) {
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    squares += xs.reduce((s, x) => s + (x - mean) ** 2, 0);
    dof += xs.length - 1;
  }
  const variance = dof > 0 ? squares / dof : 0;
  const expectedMax = expectedMaxSharpe(trials, variance);
  const st = mergeStats(outOfSample);
  const m = moments(st);
  const sharpe = stepSharpe(st);
  return { sharpe, expectedMax, trials, variance, dsr: probabilisticSharpe(sharpe, expectedMax, m.n, m.skew, m.kurtosis) };
}

/** Equal up to the rounding of summing the same returns in another order. */
const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** Every way to choose k of 0..n−1, in lexicographic order. */
function* combinations(n: number, k: number): Generator<number[]> {
  const idx = Array.from({ length: k }, (_, i) => i);
  while (true) {
    yield idx;
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return;
    idx[i]! += 1;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1]! + 1;
  }
}

/**
 * The logit of values[at]'s relative rank among the other values (CSCV's λ): ω = (1 + below + ties/2)
 * / (N + 1), ties (equal up to rounding) ranked in the middle; ≤ 0 means at or below the median.
 */
export function rankLogit(values: readonly number[], at: number): number {
  const x = values[at]!;
  let lower = 0;
  let ties = 0;
  for (let i = 0; i < values.length; i++) {
    if (i === at) continue;
    if (same(values[i]!, x)) ties++;
    else if (values[i]! < x) lower++;
  }
  const omega = (1 + lower + ties / 2) / (values.length + 1);
  return Math.log(omega / (1 - omega));
}

export interface Pbo {
  /** share of the splits whose in-sample best ranks at or below the median out of sample */
  pbo: number;
  /** the splits evaluated: C(S, S/2) */
  splits: number;
  /** the mean logit of the in-sample best's relative out-of-sample rank (positive: it tends to stay good) */
  meanLogit: number;
}

/**
 * PBO by CSCV over a trials × blocks matrix of block stats (every row the same S blocks, S even).
 * Performance of a trial on a set of blocks: its per-step Sharpe over their union. Ties rank in the
 * middle (equal up to rounding); the earliest trial wins an in-sample tie. Null with fewer than 2
 * trials or S < 2 (no selection, or no split to make).
 */
export function pboCscv(matrix: readonly (readonly BlockStats[])[]): Pbo | null {
  const trials = matrix.length;
  const blocks = matrix[0]?.length ?? 0;
  if (trials < 2 || blocks < 2) return null;
  if (blocks % 2 !== 0) throw new RangeError(`PBO: the number of blocks must be even (got ${blocks})`);
  if (matrix.some((row) => row.length !== blocks)) throw new RangeError('PBO: every trial needs the same blocks');
  const total = matrix.map((row) => mergeStats(row));
  let splits = 0;
  let below = 0;
  let logits = 0;
  for (const chosen of combinations(blocks, blocks / 2)) {
    const isStats = matrix.map((row) => mergeStats(chosen.map((b) => row[b]!)));
    const perfIn = isStats.map(stepSharpe);
    const perfOut = isStats.map((st, i) => {
      const t = total[i]!;
      return stepSharpe({ n: t.n - st.n, s1: t.s1 - st.s1, s2: t.s2 - st.s2, s3: t.s3 - st.s3, s4: t.s4 - st.s4 });
    });
    let best = 0;
    for (let i = 1; i < trials; i++) if (perfIn[i]! > perfIn[best]! && !same(perfIn[i]!, perfIn[best]!)) best = i;
    const logit = rankLogit(perfOut, best);
    splits++;
    if (logit <= 0) below++;
    logits += logit;
  }
  return { pbo: below / splits, splits, meanLogit: logits / splits };
}

export interface WalkForwardPbo {
  /** share of the windows whose in-sample winner ranks at or below the median of its trials out of sample */
  pbo: number;
  /** windows ranked (those with 2 or more trials) */
  windows: number;
  meanLogit: number;
}

/**
 * The walk-forward's own overfitting test, pooled over windows: in each window every trial is run on
 * the next window out of sample, and the in-sample winner's out-of-sample performance is ranked among
 * theirs (`rankLogit`, as CSCV ranks). CSCV's trial matrix cannot be pooled across windows, since
 * trial i of one window and trial i of another are different points (each window's sampler goes its
 * own way), so the pooled figure is the share of windows whose winner fell to the lower half. Null
 * when no window had 2 trials.
 */
export function walkForwardPbo(windows: readonly { winner: number; outOfSample: readonly number[] }[]): WalkForwardPbo | null {
  const logits = windows.filter((w) => w.outOfSample.length >= 2).map((w) => rankLogit(w.outOfSample, w.winner));
  if (logits.length === 0) return null;
  return {
    pbo: logits.filter((l) => l <= 0).length / logits.length,
    windows: logits.length,
    meanLogit: logits.reduce((s, l) => s + l, 0) / logits.length,
  };
}
