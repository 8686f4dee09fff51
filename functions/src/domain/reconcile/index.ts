export {
  baseOf,
  compareWithLedger,
  ledgerQuote,
  quoteOf,
  ReconcileError,
  type AssetBalance,
  type AssetRow,
  type Difference,
  type ExchangeOrder,
  type LookedUpOrder,
  type OrderKnowledge,
  type ReconcileInput,
  type ReconcileReport,
} from './compare.ts';
export { driftAlert } from './alert.ts';
export { adjustmentId, planAdjustment, type AdjustInput, type LedgerAdjustment, type MarketMark } from './adjust.ts';
