export { applyFill, tradeIdFor, type AppliedFill } from './applyFill.ts';
export { openingBook, type Book, type OrderContext } from './book.ts';
export { InvariantError } from './invariantError.ts';
export {
  auditLedger,
  describeDiscrepancy,
  findLedgerDiscrepancies,
  openingReplay,
  projectionDiscrepancies,
  replayLedger,
  type LedgerDiscrepancy,
  type LedgerReplay,
  type ReplayedPosition,
} from './ledger.ts';
export { markPositions, markToMarket, positionValue } from './markToMarket.ts';
export { cashDelta, paperFill, slippedPrice, type PaperFillInput } from './paperFill.ts';
export { planOrder, type OrderPlan, type OrderRejectReason } from './planOrder.ts';
