import { describe, expect, it } from 'vitest';
import { searchSpace } from '../../functions/src/domain/optimize/searchSpace.ts';
import { mergeStats } from '../../functions/src/domain/optimize/trust.ts';
import { strategyDefinition } from '../../functions/src/strategies/registry.ts';
import { parseWindowOutcome } from './outcomeCodec.ts';
import { resultJson } from './output.ts';
import { searchWindow, summarize, type OptimizeOptions, type WindowOutcome } from './search.ts';
import { inProcessEvaluator, loadTrialContext, runTrial, type DataSpec, type Evaluator } from './trial.ts';

const DATA: DataSpec = {
  symbols: ['BTC/USDT'],
  timeframe: '4h',
  from: Date.parse('2020-01-01'),
  to: Date.parse('2020-05-01'),
  trainDays: 60,
  testDays: 30,
  blocks: 16,
  doc: {},
};
const ctx = loadTrialContext(DATA);
const OPTS: OptimizeOptions = {
  space: searchSpace(strategyDefinition('regime_trend')!),
  trials: 20,
  batch: 8,
  seed: 3,
  objective: 'sharpe',
  minTrades: 1,
  windows: ctx.windows,
  data: DATA,
  strategy: 'regime_trend',
};

/** As K workers would: each batch cut into K parts run in reverse order, the results put back in the batch's order. */
function workers(k: number): Evaluator & { calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    evaluate: async (batch) => {
      calls.push(batch.length);
      const size = Math.ceil(batch.length / k);
      const parts = Array.from({ length: k }, (_, i) => batch.slice(i * size, (i + 1) * size)).reverse();
      const done = parts.map((p) => p.map((spec) => runTrial(ctx, spec))).reverse();
      return done.flat();
    },
    close: async () => {},
  };
}

describe('the search', { timeout: 60_000 }, () => {
  it('proposes in batches of a fixed size: the same outcome whatever the number of workers', async () => {
    const one = await searchWindow(0, OPTS, inProcessEvaluator(DATA, ctx));
    const three = workers(3);
    expect(await searchWindow(0, OPTS, three)).toEqual(one);
    // 20 trials: batches of 8, 8, 4, then out of sample the winner, the defaults and every other valid trial
    const valid = one.trials.filter((t) => t.metrics).map((t) => t.trial);
    expect(three.calls).toEqual([8, 8, 4, 2 + valid.length - 1]);
    expect(one.outOfSampleAll.flatMap((st, i) => (st ? [i] : []))).toEqual(valid);
    expect(one.outOfSampleAll[one.winner]).toEqual(mergeStats(one.outOfSample.blocks));
    expect(one.trials.map((t) => t.trial)).toEqual([...Array(20).keys()]);
    expect(one.outOfSample.params).toEqual(one.trials[one.winner]!.params);
    expect(one.defaults.params).toEqual({});
  });

  it('summarize gives the same bytes whatever order the windows come in, and needs every window', async () => {
    const outcomes: WindowOutcome[] = [];
    for (let w = 0; w < ctx.windows.length; w++)
      outcomes.push(await searchWindow(w, { ...OPTS, trials: 4 }, inProcessEvaluator(DATA, ctx)));
    // as shards would hand them over: through JSON, in another order
    const shuffled = JSON.parse(JSON.stringify([...outcomes].reverse())) as WindowOutcome[];
    expect(resultJson(summarize(shuffled, { ...OPTS, trials: 4 }))).toBe(resultJson(summarize(outcomes, { ...OPTS, trials: 4 })));
    expect(() => summarize(outcomes.slice(1), { ...OPTS, trials: 4 })).toThrow(/one outcome per window/);
  });

  it('refuses an evaluator that loses or reorders results', async () => {
    const reorder: Evaluator = {
      evaluate: async (batch) => batch.map((spec) => runTrial(ctx, spec)).reverse(),
      close: async () => {},
    };
    await expect(searchWindow(0, { ...OPTS, trials: 2 }, reorder)).rejects.toThrow(/in the order of the batch/);
  });

  it('a point that is not a valid config is a failed trial with the reason, not a crash', () => {
    const r = runTrial(ctx, { window: 0, trial: 0, sample: 'in', params: { 'risk.stopAtrMult': -1 } });
    expect(r.metrics).toBeNull();
    expect(r.error).toMatch(/stopAtrMult/);
  });
});

describe('a window outcome crossing a process boundary', { timeout: 60_000 }, () => {
  it('round-trips through JSON and refuses a changed or extra field, naming it', async () => {
    const o = await searchWindow(0, { ...OPTS, trials: 2 }, inProcessEvaluator(DATA, ctx));
    const json = JSON.parse(JSON.stringify(o));
    expect(parseWindowOutcome(json, 'shard 0')).toEqual(o);
    expect(() => parseWindowOutcome({ ...json, extra: 1 }, 'shard 0')).toThrow(/shard 0: .*extra/);
    const bad = structuredClone(json);
    bad.trials[1].metrics.sharpe = 'high';
    expect(() => parseWindowOutcome(bad, 'shard 0')).toThrow(/shard 0: trials.1.metrics.sharpe/);
    expect(() => parseWindowOutcome({ ...json, winner: 5 }, 'shard 0')).toThrow(/winner 5/);
    expect(() => parseWindowOutcome({ ...json, outOfSampleAll: [null] }, 'shard 0')).toThrow(/outOfSampleAll has 1 entries for 2 trials/);
  });
});
