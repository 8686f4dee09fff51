import { describe, expect, it } from 'vitest';
import { testPosition } from '../testing/builders.ts';
import { guardOf } from './guard.ts';
import { UNPROTECTED_AFTER_MS, unprotectedAlert, unprotectedLimitMs, unprotectedPositions } from './watchdog.ts';

const T = Date.parse('2023-04-26T12:00:00Z');
const M = 60_000;

describe('watchdog: every open position had its stops run within 3 minutes of market time', () => {
  const p = testPosition({ entryTime: T - 60 * M, openTradeId: 'btc' });
  const positions = { [p.symbol]: p };

  it('is quiet while the tick checks every minute, and alerts past 3 minutes, at the boundary', () => {
    const guards = new Map([[p.symbol, guardOf(p, T)]]);
    expect(unprotectedPositions(positions, guards, T + M)).toEqual([]);
    expect(unprotectedPositions(positions, guards, T + UNPROTECTED_AFTER_MS)).toEqual([]);
    expect(unprotectedPositions(positions, guards, T + UNPROTECTED_AFTER_MS + 1)).toEqual([
      { symbol: p.symbol, lastCheckAt: T, ageMs: UNPROTECTED_AFTER_MS + 1 },
    ]);
  });

  it('a position with no check of its own yet counts from its entry; a guard of an earlier trade does not count', () => {
    const stale = new Map([[p.symbol, { ...guardOf(p, T), tradeId: 'older' }]]);
    expect(unprotectedPositions(positions, stale, p.entryTime + 4 * M)).toEqual([
      { symbol: p.symbol, lastCheckAt: p.entryTime, ageMs: 4 * M },
    ]);
    expect(unprotectedPositions(positions, new Map(), p.entryTime + 2 * M)).toEqual([]);
  });

  it('one alert per outage: the same id on every run until a check happens', () => {
    const guards = new Map([[p.symbol, guardOf(p, T)]]);
    const a = unprotectedPositions(positions, guards, T + 5 * M).map(unprotectedAlert);
    const b = unprotectedPositions(positions, guards, T + 9 * M).map(unprotectedAlert);
    expect(a.map((x) => x.id)).toEqual(b.map((x) => x.id));
    expect(a[0]).toMatchObject({ severity: 'critical', symbol: p.symbol, createdAt: T });
  });
});

describe('watchdog in a fast replay: the limit is 3 minutes of wall time', () => {
  const p = testPosition({ entryTime: T, openTradeId: 'btc' });
  const positions = { [p.symbol]: p };

  it('at 600× an order in flight for 300 ms (3 market minutes) and ticks 2 market hours apart are not an outage', () => {
    expect(unprotectedLimitMs(600)).toBe(600 * UNPROTECTED_AFTER_MS);
    expect(unprotectedPositions(positions, new Map(), T + 120 * M, unprotectedLimitMs(600))).toEqual([]);
  });

  it('ticks that stopped for more than 3 wall minutes are, at any speed; live and slower replays keep 3 market minutes', () => {
    const limit = unprotectedLimitMs(600);
    expect(unprotectedPositions(positions, new Map(), T + limit + 1, limit)).toEqual([
      { symbol: p.symbol, lastCheckAt: T, ageMs: limit + 1 },
    ]);
    expect(unprotectedLimitMs()).toBe(UNPROTECTED_AFTER_MS);
    expect(unprotectedLimitMs(0.5)).toBe(UNPROTECTED_AFTER_MS);
  });
});
