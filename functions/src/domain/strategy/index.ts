export {
  STRATEGY_API_VERSION,
  type Bars,
  type Strategy,
  type StrategyDefinition,
  type StrategyInput,
  type StrategyWindow,
} from './strategy.types.ts';
export { defineStrategy, MAX_HISTORY, type StrategyModule } from './api.ts';
export { ema, roc, rsi, sma, type BarField, type IndicatorSpec } from './indicators.ts';
export { DEFAULT_STRATEGY, SHIPPED_STRATEGIES, strategyRegistry, type StrategyRegistry } from './registry.ts';
export { REGIME_TREND_VERSION, RegimeTrendParamsSchema, adviseRegimeTrend, type RegimeTrendParams } from './regimeTrend.ts';
