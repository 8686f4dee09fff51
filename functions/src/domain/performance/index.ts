export { summarizeTrades, type EquityPoint, type MarkedPosition, type PerfTrade, type PerformanceSummary } from './summarize.ts';
