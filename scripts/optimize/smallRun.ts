/** A small optimiser run for tests (about a second per run): 2 windows of 120:60 days of bundled 4h BTC/USDT, 5 trials each. */
import { searchSpace } from '../../functions/src/domain/optimize/searchSpace.ts';
import { DEFAULT_STRATEGY } from '../../functions/src/domain/strategy/index.ts';
import { strategyDefinition } from '../../functions/src/strategies/registry.ts';
import type { OptimizeOptions } from './search.ts';
import { loadTrialContext, type DataSpec } from './trial.ts';

export const SMALL_DATA: DataSpec = {
  symbols: ['BTC/USDT'],
  timeframe: '4h',
  from: Date.parse('2019-01-01'),
  to: Date.parse('2019-09-01'),
  trainDays: 120,
  testDays: 60,
  blocks: 4,
  doc: {},
};

export function smallOptions(data = SMALL_DATA): OptimizeOptions {
  const def = strategyDefinition(DEFAULT_STRATEGY)!;
  const windows = loadTrialContext(data).windows;
  return { space: searchSpace(def), trials: 5, batch: 4, seed: 7, objective: 'sharpe', minTrades: 1, windows, data, strategy: def.name };
}
