/**
 * Protection first, on the in-memory fakes (the same contract as Firestore): whatever pauses trading,
 * an open position's stop still fires; and when nothing runs the stops, the watchdog says so.
 */
import { budgetNoticeEvent } from '../lib/testing/budgetNotice.ts';
import { describe, expect, it } from 'vitest';
import { MemoryBudgetNotices } from '../adapters/memory/MemoryBudgetNotices.ts';
import { loadBundledCandles } from '../adapters/replay/ReplayMarketData.ts';
import { decodePubSubEvent } from '../handlers/pubsub.ts';
import { createLogger } from '../lib/log.ts';
import { toAmount as A } from '../domain/money.ts';
import { handleBudgetMessage } from './budgetGuard.ts';
import { executeSignalMessage } from './executeSignal.ts';
import { runTick } from './runTick.ts';
import { runWatchdog } from './watchdog.ts';
import { asMessage, memoryDeps, testConfigDoc } from '../wiring/memory.ts';

const M = 60_000;
const OPEN = Date.parse('2023-04-10T12:00:00Z');
const quiet = createLogger('error', {}, () => undefined);

/** A 4h BTC position bought at OPEN's decision, its stop moved to 0.3 % under the entry. */
async function heldPosition() {
  const w = memoryDeps({ SYMBOLS: 'BTC/USDT', TIMEFRAME: '4h' });
  w.db.config = testConfigDoc({
    timeframe: '4h',
    strategy: { name: 'buy_and_hold', params: {} },
    risk: { trailingActivationAtrMult: 1000 },
  });
  await runTick(w.tick, { tickId: 'entry', now: OPEN + 30_000 });
  expect(await executeSignalMessage(w.execute, asMessage(w.bus.published[0]!))).toMatchObject({ status: 'filled' });
  const p = w.db.ledger!.positions['BTC/USDT']!;
  const stop = (p.entryPrice * 997n) / 1000n;
  w.db.ledger!.positions['BTC/USDT'] = { ...p, stopLoss: stop };
  const crossing = loadBundledCandles('BTC/USDT', '1m').find((c) => c.t >= p.entryTime && A(c.l) <= stop)!;
  return { ...w, p, crossing };
}

/** Ticks once a minute until a sell is published; the published exit. */
async function tickUntilExit(w: Awaited<ReturnType<typeof heldPosition>>, from: number, until: number) {
  for (let now = from; now < until; now += M) {
    await runTick(w.tick, { tickId: `m${now}`, now });
    const exit = w.bus.published.find((s) => s.side === 'sell');
    if (exit) return { exit, now };
  }
  return null;
}

describe('a pause never stops the stops', () => {
  it('a 100 % budget notice pauses entries; the open position is still stopped on the minute and the exit fills', async () => {
    const w = await heldPosition();
    const r = await handleBudgetMessage(
      { store: w.store, ops: new MemoryBudgetNotices(), clock: { now: () => OPEN + M }, log: quiet, pausePct: 100 },
      decodePubSubEvent(budgetNoticeEvent(), 'n1'),
    );
    expect(r).toMatchObject({ status: 'recorded', paused: true });
    expect(w.db.status!.mode).toBe('PAUSED');
    const sold = await tickUntilExit(w, w.p.entryTime + 30_000, w.crossing.t + 3 * M);
    expect(sold?.exit).toMatchObject({ reason: 'stop_loss', timeframe: '1m', candleTime: w.crossing.t });
    expect(await executeSignalMessage(w.execute, asMessage(sold!.exit))).toMatchObject({ status: 'filled' });
    expect(w.db.ledger!.positions['BTC/USDT']).toBeUndefined();
    expect(w.db.status!.mode).toBe('PAUSED');
  });

  it('an operator pause and a kill: the stop (or the liquidation) still goes out', async () => {
    const w = await heldPosition();
    await w.store.changeMode({ type: 'admin_set', to: 'PAUSED' }, 'operator');
    const sold = await tickUntilExit(w, w.p.entryTime + 30_000, w.crossing.t + 3 * M);
    expect(sold?.exit).toMatchObject({ reason: 'stop_loss', candleTime: w.crossing.t });

    const k = await heldPosition();
    await k.store.changeMode({ type: 'kill_switch' }, 'operator kill');
    const out = await tickUntilExit(k, k.p.entryTime + 30_000, k.p.entryTime + 5 * M);
    // KILLED flattens the book at the newest minute's close, without waiting for the stop
    expect(out?.exit).toMatchObject({ reason: 'kill_switch', timeframe: '1m' });
    expect(await executeSignalMessage(k.execute, asMessage(out!.exit))).toMatchObject({ status: 'filled' });
  });
});

describe('watchdog', () => {
  it('quiet while the tick runs every minute; one critical alert once the stops have not run for 3 minutes', async () => {
    const w = await heldPosition();
    const watchdog = (now: number) =>
      runWatchdog({ store: w.store, clock: { now: () => now }, metrics: { record: async () => undefined }, log: quiet });
    const start = w.p.entryTime + 30_000;
    for (let now = start; now < start + 3 * M; now += M) {
      await runTick(w.tick, { tickId: `m${now}`, now });
      expect((await watchdog(now + 30_000)).unprotected).toEqual([]);
    }
    // the Scheduler stops (an operator, a broken deploy): nothing ticks any more
    const last = start + 2 * M;
    expect((await watchdog(last + 3 * M)).unprotected).toEqual([]);
    const found = await watchdog(last + 3 * M + 1);
    expect(found.unprotected).toEqual([{ symbol: 'BTC/USDT', lastCheckAt: last, ageMs: 3 * M + 1 }]);
    await watchdog(last + 10 * M);
    expect([...w.db.alerts.values()].filter((a) => a.id.startsWith('unprotected_'))).toEqual([
      expect.objectContaining({ severity: 'critical', symbol: 'BTC/USDT', createdAt: last }),
    ]);
  });

  it('in a 600× replay it waits 3 wall minutes (30 market hours), so orders in flight and slow ticks are not outages', async () => {
    const w = await heldPosition();
    const watchdog = (now: number) =>
      runWatchdog({ store: w.store, clock: { now: () => now, speed: 600 }, metrics: { record: async () => undefined }, log: quiet });
    const last = w.p.entryTime + 30_000;
    await runTick(w.tick, { tickId: 'r1', now: last });
    expect((await watchdog(last + 2 * 60 * M)).unprotected).toEqual([]);
    expect((await watchdog(last + 600 * 3 * M + 1)).unprotected).toEqual([
      { symbol: 'BTC/USDT', lastCheckAt: last, ageMs: 600 * 3 * M + 1 },
    ]);
  });
});
