export { adxSeries, type AdxPoint } from './adx.ts';
export { atrSeries } from './atr.ts';
export { emaSeries } from './ema.ts';
export {
  ADX_PERIOD,
  ATR_PERIOD,
  EMA_FAST_PERIOD,
  EMA_SLOW_PERIOD,
  INDICATOR_WARMUP,
  computeIndicators,
  cloneStream,
  indicatorStreamInit,
  nextIndicators,
  type IndicatorStream,
} from './computeIndicators.ts';
