export type { Strategy, StrategyDefinition, StrategyInput } from './strategy.types.ts';
export { DEFAULT_STRATEGY, getStrategy, strategyNames } from './registry.ts';
export { REGIME_TREND_VERSION, RegimeTrendParamsSchema, adviseRegimeTrend, type RegimeTrendParams } from './regimeTrend.ts';
