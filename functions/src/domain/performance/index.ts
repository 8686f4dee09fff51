export {
  summarizeTrades,
  unrealizedPnl,
  type EquityPoint,
  type MarkedPosition,
  type PerfTrade,
  type PerformanceSummary,
} from './summarize.ts';
export * from './daily.ts';
export { roundTrips, type RoundTrip } from './roundTrips.ts';
export * from './periods.ts';
export { curveStats, monthlyReturns } from './returns.ts';
