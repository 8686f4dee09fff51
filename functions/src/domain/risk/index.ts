export {
  sizeEntry,
  SIZE_REJECT_REASONS,
  type SizeEntryInput,
  type SizeEntryResult,
  type SizeLimit,
  type SizeRejectReason,
} from './sizing.ts';
export { activeStop, evaluateExit, initialStops, stopDistance, type ProtectiveExit, type ProtectiveExitReason } from './stops.ts';
export { nextUtcDayStart, riskLimits, type RiskLimits } from './limits.ts';
export { percentOf, times } from './scale.ts';
