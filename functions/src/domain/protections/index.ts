export { NO_PROTECTIONS, ProtectionParamsSchema, type ProtectionParams } from './params.ts';
export {
  ALL_SYMBOLS, EMPTY_PROTECTIONS, exitRecords, isStopOut, lockAlert, lockOn, PROTECTIONS, protectionsOn, stepProtections,
  type ExitRecord, type Lock, type ProtectionName, type ProtectionState,
} from './protections.ts';
