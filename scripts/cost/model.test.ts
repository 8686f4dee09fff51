import { describe, expect, it } from 'vitest';
import { projectBill, type PerDay, type PerTick } from './model.ts';

const tick: PerTick = {
  readsFixed: 2,
  readsPerSymbol: 0,
  writesFixed: 2,
  writesPerSymbol: 1,
  deletes: 0,
  dashboardReadsFixed: 2,
  dashboardReadsPerSymbol: 0,
  tickMs: 150,
  monitoringPointsFixed: 4,
  monitoringPointsPerSymbol: 1,
  ordersPerSymbol: 0.001,
  orderMs: 80,
};
const day: PerDay = { auditReads: 100 };

describe('projectBill', () => {
  it('counts a day of 1m ticks and stays inside every free tier for a small bot', () => {
    const b = projectBill(tick, day, { symbols: 5, tickMinutes: 1, dashboardHours: 8 }, 3);
    expect(b.writesPerDay).toBe(1440 * 7);
    expect(b.readsPerDay).toBe(1440 * 2 + 480 * 2 + 100);
    expect(b.invocationsPerMonth).toBeCloseTo(30 * (1440 + 1440 * 0.005 + 1), 6);
    expect(b.total).toBe(0);
  });

  it('adds the rollups: one write a day for the day close, and a day of history per dashboard opening', () => {
    const base = projectBill(tick, day, { symbols: 5, tickMinutes: 1, dashboardHours: 8 }, 3);
    const withRollups = projectBill(
      tick,
      { ...day, dayWrites: 1, dashboardOpenReads: 366 },
      { symbols: 5, tickMinutes: 1, dashboardHours: 8 },
      3,
    );
    expect(withRollups.writesPerDay - base.writesPerDay).toBe(1);
    expect(withRollups.readsPerDay - base.readsPerDay).toBe(366);
    // nobody opens the page: nothing read for it
    expect(projectBill(tick, { ...day, dashboardOpenReads: 366 }, { symbols: 5, tickMinutes: 1, dashboardHours: 0 }, 3).readsPerDay).toBe(
      1440 * 2 + 100,
    );
  });

  it('bills only what passes the free tier: writes over 20k/day at $0.18 per 100k', () => {
    const heavy = { ...tick, writesPerSymbol: 10 };
    const b = projectBill(heavy, day, { symbols: 2, tickMinutes: 1, dashboardHours: 0 }, 3);
    expect(b.writesPerDay).toBe(1440 * 22);
    expect(b.lines.firestore).toBeCloseTo((30 * (1440 * 22 - 20_000) * 0.18) / 1e5, 10);
    expect(b.lines.functions).toBe(0);
    expect(projectBill(tick, day, { symbols: 1, tickMinutes: 1, dashboardHours: 0 }, 4).lines.scheduler).toBeCloseTo(0.1, 10);
  });
});
