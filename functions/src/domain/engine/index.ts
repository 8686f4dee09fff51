export {
  accountStep,
  KILL_SWITCH_VERSION,
  type AccountStepInput,
  type AccountStepResult,
  type ExecutionParams,
  type SkippedIntent,
} from './accountStep.ts';
export { engineStep, type EngineStepInput, type EngineStepResult, type SymbolSlot } from './engineStep.ts';
export {
  backtestLoop,
  equityPoints,
  type BacktestInput,
  type BacktestResult,
  type EquityPoint,
  type EquitySeries,
  type Rejection,
} from './backtestLoop.ts';
export { signalPriceMismatch } from './checkSignal.ts';
export {
  atCurrentPrice,
  entryNotCurrent,
  exitNeedsCurrentCandle,
  repriceExit,
  takeProfitBelowTarget,
  timeframesBehind,
  type CurrentPrice,
} from './currentPrice.ts';
export {
  expiredPendingAlert,
  PENDING_TIMEOUT_CANDLES,
  resolvePending,
  settledInBook,
  type ExecutorOutcome,
  type PendingResolution,
} from './pending.ts';
export {
  atrAmount,
  initialSymbolState,
  type CandleReading,
  isStale,
  RECENT_ATR,
  symbolStep,
  type Mark,
  type PendingOrder,
  type SignalIntent,
  type SymbolState,
  type SymbolStepInput,
  type SymbolStepResult,
} from './symbolStep.ts';
export { GUARD_TIMEFRAME, GUARD_WINDOW, guardOf, guardTimeframeFor, withGuard, type Guard } from './guard.ts';
export { UNPROTECTED_AFTER_MS, unprotectedAlert, unprotectedLimitMs, unprotectedPositions, type Unprotected } from './watchdog.ts';
