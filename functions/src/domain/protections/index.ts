export { NO_PROTECTIONS, ProtectionParamsSchema, type ProtectionParams } from './params.ts';
export {
  activeLocks,
  ALL_SYMBOLS,
  EMPTY_PROTECTIONS,
  liftLocks,
  exitRecords,
  isStopOut,
  lockAlert,
  lockOn,
  PROTECTIONS,
  protectionsOn,
  stepProtections,
  type ExitRecord,
  type Lock,
  type ProtectionName,
  type ProtectionState,
} from './protections.ts';
