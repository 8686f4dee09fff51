/**
 * The watchdog function: a separate, cheap check (2 reads: status/system and wallet/paper) that
 * every open position's stops ran within the last 3 minutes of market time (of wall time in a fast replay). Its own Scheduler job
 * calls it every minute, so it notices when the tick does not run at all.
 */
import { unprotectedAlert, unprotectedLimitMs, unprotectedPositions, type Unprotected } from '../domain/engine/index.ts';
import type { Clock, Metrics } from '../ports/index.ts';
import type { StateStore } from '../ports/state.ts';
import type { Logger } from '../lib/log.ts';

export interface WatchdogDeps {
  store: Pick<StateStore, 'loadTick' | 'raiseAlert'>;
  clock: Clock;
  metrics: Metrics;
  log: Logger;
}

export interface WatchdogReport {
  marketTime: number;
  positions: number;
  unprotected: Unprotected[];
}

export async function runWatchdog(deps: WatchdogDeps): Promise<WatchdogReport> {
  const now = deps.clock.now();
  // The initial cash only matters for a ledger that does not exist yet, which holds no position.
  const snap = await deps.store.loadTick(0n, now);
  const guards = new Map([...snap.symbols].map(([symbol, p]) => [symbol, p.guard]));
  const unprotected = unprotectedPositions(snap.book.positions, guards, now, unprotectedLimitMs(deps.clock.speed));
  for (const u of unprotected) {
    await deps.store.raiseAlert(unprotectedAlert(u));
    deps.log.log('CRITICAL', 'open position without a protective check', {
      symbol: u.symbol,
      lastCheckAt: new Date(u.lastCheckAt).toISOString(),
      ageMs: u.ageMs,
    });
  }
  const oldest = unprotected[0]?.ageMs ?? 0;
  await deps.metrics.record([
    { name: 'unprotected_positions', value: unprotected.length },
    { name: 'protection_age_s', value: Math.round(oldest / 1000) },
  ]);
  return { marketTime: now, positions: Object.keys(snap.book.positions).length, unprotected };
}
