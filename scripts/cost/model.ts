/**
 * The monthly bill from operation counts. Pure: measured per-tick counts in, dollars out, so the
 * table for other symbol counts and timeframes is a projection of one measured run, and the
 * arithmetic is unit-tested.
 */
import { PRICES } from './prices.ts';

/** Counts for one steady-state tick, split into a fixed part and a per-symbol part. */
export interface PerTick {
  readsFixed: number;
  readsPerSymbol: number;
  writesFixed: number;
  writesPerSymbol: number;
  deletes: number;
  /** dashboard listener reads caused by one tick's writes */
  dashboardReadsFixed: number;
  dashboardReadsPerSymbol: number;
  /** function wall time, ms (billed as vCPU-s and GiB-s at the function's size) */
  tickMs: number;
  monitoringPointsFixed: number;
  monitoringPointsPerSymbol: number;
  /** executeOrder invocations per symbol per tick (their reads and writes are in the counts above) */
  ordersPerSymbol: number;
  /** executeOrder wall time, ms */
  orderMs: number;
}

export interface PerDay {
  /** the daily audit reads this many documents */
  auditReads: number;
  /** once-a-day writes outside the tick's steady state (the tick closing yesterday's rollup) */
  dayWrites?: number;
  /** reads of opening the dashboard once a day (the horizons panel's rollups: one document per day of history, and the cost document) */
  dashboardOpenReads?: number;
}

export interface Scenario {
  symbols: number;
  /** minutes between ticks */
  tickMinutes: number;
  /** hours a day a dashboard is open */
  dashboardHours: number;
}

export interface Bill {
  scenario: Scenario;
  readsPerDay: number;
  writesPerDay: number;
  invocationsPerMonth: number;
  pubsubGiB: number;
  monitoringMiB: number;
  lines: Record<'firestore' | 'functions' | 'pubsub' | 'scheduler' | 'monitoring', number>;
  total: number;
}

const DAYS = 30;
const over = (used: number, free: number) => Math.max(0, used - free);

export function projectBill(t: PerTick, d: PerDay, s: Scenario, schedulerJobs: number): Bill {
  const P = PRICES;
  const ticksPerDay = (24 * 60) / s.tickMinutes;
  const dashTicks = ticksPerDay * (s.dashboardHours / 24);
  const orders = ticksPerDay * t.ordersPerSymbol * s.symbols;
  const dashboardOpen = s.dashboardHours > 0 ? (d.dashboardOpenReads ?? 0) : 0;
  const readsPerDay =
    ticksPerDay * (t.readsFixed + t.readsPerSymbol * s.symbols) +
    dashTicks * (t.dashboardReadsFixed + t.dashboardReadsPerSymbol * s.symbols) +
    d.auditReads +
    dashboardOpen;
  const writesPerDay = ticksPerDay * (t.writesFixed + t.writesPerSymbol * s.symbols) + (d.dayWrites ?? 0);
  const deletesPerDay = ticksPerDay * t.deletes;
  const firestore =
    (DAYS * over(readsPerDay, P.firestore.freeReadsPerDay) * P.firestore.readPer100k) / 1e5 +
    (DAYS * over(writesPerDay, P.firestore.freeWritesPerDay) * P.firestore.writePer100k) / 1e5 +
    (DAYS * over(deletesPerDay, P.firestore.freeDeletesPerDay) * P.firestore.deletePer100k) / 1e5;
  const invocationsPerMonth = DAYS * (ticksPerDay + orders + 1);
  // tick: 512 MiB ⇒ 1/3 vCPU; executeOrder: 256 MiB ⇒ 1/6 vCPU (gen2 defaults).
  const tickS = (DAYS * ticksPerDay * t.tickMs) / 1000;
  const orderS = (DAYS * orders * t.orderMs) / 1000;
  const vcpuS = tickS / 3 + orderS / 6;
  const gibS = tickS * 0.5 + orderS * 0.25;
  const functions =
    (over(invocationsPerMonth, P.functions.freeRequestsPerMonth) * P.functions.requestPerMillion) / 1e6 +
    over(vcpuS, P.functions.freeVcpuSecondsPerMonth) * P.functions.vcpuSecond +
    over(gibS, P.functions.freeGibSecondsPerMonth) * P.functions.gibSecond;
  // Each order is one message published and one delivered, each billed at ≥ 1 KB.
  const pubsubGiB = (DAYS * orders * 2 * P.pubsub.minBytesPerMessage) / 2 ** 30;
  const pubsub = (over(pubsubGiB, P.pubsub.freeGiBPerMonth) / 1024) * P.pubsub.perTiB;
  const scheduler = over(schedulerJobs, P.scheduler.freeJobsPerBillingAccount) * P.scheduler.perJobMonth;
  const monitoringMiB =
    (DAYS * ticksPerDay * (t.monitoringPointsFixed + t.monitoringPointsPerSymbol * s.symbols) * P.monitoring.bytesPerPoint) / 2 ** 20;
  const monitoring = over(monitoringMiB, P.monitoring.freeMiBPerMonth) * P.monitoring.perMiB;
  const lines = { firestore, functions, pubsub, scheduler, monitoring };
  return {
    scenario: s,
    readsPerDay,
    writesPerDay,
    invocationsPerMonth,
    pubsubGiB,
    monitoringMiB,
    lines,
    total: Object.values(lines).reduce((a, b) => a + b, 0),
  };
}
