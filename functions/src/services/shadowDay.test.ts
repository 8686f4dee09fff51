/**
 * The shadow backtest on the in-memory fakes: a live day (runTick → executeOrder in lock-step, one
 * tick a minute on the bundled 1m candles) replayed from the day's recorded start gives the same
 * trades; an altered fee is a critical difference naming the trade; a late fill, a manual close, a
 * paused hour and a config change are each listed and explained, never skipped.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryShadowStore } from '../adapters/memory/MemoryShadowStore.ts';
import { toAmount } from '../domain/money.ts';
import { timeframeMs } from '../domain/candle.ts';
import { encodeSignal } from '../domain/signal.ts';
import { testSignal } from '../domain/testing/builders.ts';
import type { Trade } from '../domain/trading.types.ts';
import { executeSignalMessage } from './executeSignal.ts';
import { runTick } from './runTick.ts';
import { adminEvents, deadLetterEvents, runShadowDay, type ShadowDeps } from './shadowDay.ts';
import { makeAuditHandler } from '../handlers/audit.ts';
import { recorder } from './adminCall.ts';
import { decodePubSubEvent } from '../handlers/pubsub.ts';
import { MemoryBudgetNotices } from '../adapters/memory/MemoryBudgetNotices.ts';
import { createLogger } from '../lib/log.ts';
import { handleBudgetMessage } from './budgetGuard.ts';
import { budgetNoticeEvent } from '../lib/testing/budgetNotice.ts';
import { MemoryExchangeAccount } from '../adapters/memory/MemoryExchangeAccount.ts';
import { recordedExchangeRules } from '../adapters/paper/recordedRules.ts';
import { parseBotConfig } from '../config/load.ts';
import { reconcileInTick } from './reconcile.ts';
import { asMessage, memoryDeps } from '../wiring/memory.ts';

const DAY = '20230322';
const DAY_START = Date.parse('2023-03-22T00:00:00Z');
const MIN = 60_000;

/** Ticks a minute apart from `from` (market time, 30 s after each close) for `minutes`; each published signal is delivered before the next tick. */
async function live(w: ReturnType<typeof memoryDeps>, from: number, minutes: number, deliver: (k: number) => boolean = () => true) {
  let delivered = 0;
  const held: number[] = [];
  for (let k = 0; k < minutes; k++) {
    const now = from + k * MIN + 30_000;
    w.clock.t = now;
    await runTick(w.tick, { tickId: `t${now}`, now });
    for (; delivered < w.bus.published.length; delivered++) {
      if (!deliver(delivered)) {
        held.push(delivered);
        continue;
      }
      await executeSignalMessage(w.execute, asMessage(w.bus.published[delivered]!));
    }
  }
  return held;
}

function shadowOf(w: ReturnType<typeof memoryDeps>): ShadowDeps {
  return { store: w.store, shadow: new MemoryShadowStore(w.db), candles: recordedCandles, config: w.tick.config, env: w.tick.env };
}

const ENV = { SYMBOLS: 'BTC/USDT,ETH/USDT' };
let recorded: ReturnType<typeof memoryDeps>['db'];
let recordedCandles: ShadowDeps['candles'];
/** The day before from 22:00 (the first tick walks its history), the whole day, and the next day's first tick (its start closes the day): run once, copied per test. */
beforeAll(async () => {
  const w = memoryDeps(ENV);
  await live(w, DAY_START - 2 * 60 * MIN, 2 * 60 + 24 * 60 + 1);
  recorded = w.db;
  recordedCandles = w.execute.candles;
}, 60_000);
async function liveDay() {
  const w = memoryDeps(ENV);
  Object.assign(w.db, structuredClone(recorded));
  return w;
}

const dayTrades = (w: ReturnType<typeof memoryDeps>): Trade[] =>
  [...w.db.trades.values()].filter((t) => t.time >= DAY_START && t.time < DAY_START + 1440 * MIN);

/** The next day's recorded start, as if its first tick had found this order of `symbol` still in flight. */
function nextDayBeganWith(
  w: ReturnType<typeof memoryDeps>,
  symbol: string,
  pending: { signalId: string; side: 'buy' | 'sell'; emittedAt: number },
) {
  const next = w.db.shadow.get('20230323')!.start!;
  const s = next.start.symbols[symbol]!;
  w.db.shadow.set('20230323', {
    start: { ...next, start: { ...next.start, symbols: { ...next.start.symbols, [symbol]: { ...s, state: { ...s.state, pending } } } } },
  });
}

describe('runShadowDay on the in-memory fakes', () => {
  it('a live day replays to the same trades: verified, stored, no alert; an altered fee is a critical difference naming the trade', async () => {
    const w = await liveDay();
    const trades = dayTrades(w);
    expect(trades.length, 'the day is worth comparing').toBeGreaterThanOrEqual(4);
    const report = await runShadowDay(shadowOf(w), DAY, 1);
    expect(report).toMatchObject({
      ran: true,
      status: 'verified',
      differences: [],
      liveTrades: trades.length,
      replayTrades: trades.length,
    });
    expect(w.db.shadowLatest).toMatchObject({ day: DAY, status: 'verified' });
    expect(w.db.alerts.has(`shadow_${DAY}`)).toBe(false);

    const victim = trades[1]!;
    w.db.trades.set(victim.id, { ...victim, fee: victim.fee + 1n });
    const altered = await runShadowDay(shadowOf(w), DAY, 2);
    expect(altered).toMatchObject({ status: 'different' });
    expect(altered.ran && altered.differences).toEqual([expect.objectContaining({ id: victim.id, fields: ['fee'], explainedBy: null })]);
    const alert = w.db.alerts.get(`shadow_${DAY}`)!;
    expect(alert).toMatchObject({ kind: 'shadow', severity: 'critical' });
    expect(alert.message).toContain(victim.id);
  });

  it('no recorded start (the bot did not run that day): not run, nothing stored', async () => {
    const w = memoryDeps();
    expect(await runShadowDay(shadowOf(w), DAY, 1)).toMatchObject({ ran: false, reason: expect.stringMatching(/no day start recorded/) });
    expect(w.db.shadowLatest).toBeNull();
  });

  it('a manual close (a reconciliation adjustment) is listed and explains what follows it', async () => {
    const w = await liveDay();
    const [entry] = dayTrades(w).filter((t) => t.side === 'buy');
    // what reconciliation books when the position was sold on the exchange by hand: reason 'adjustment'
    const seq = Math.max(...[...w.db.trades.values()].map((t) => t.seq)) + 1;
    const adj: Trade = {
      ...entry!,
      id: 'adj-1',
      seq,
      signalId: 'adj-1',
      side: 'sell',
      reason: 'adjustment',
      time: entry!.time + MIN,
      fee: 0n,
      realizedPnl: 0n,
      adjustment: { cause: 'manual_sell', asset: 'BTC', exchange: 0n, ledger: entry!.qty, note: 'sold by hand', by: 'cli:test' },
    };
    w.db.trades.set(adj.id, adj);
    const next = w.db.shadow.get('20230323')!.start!;
    w.db.shadow.set('20230323', {
      start: { ...next, start: { ...next.start, book: { ...next.start.book, wallet: { ...next.start.book.wallet, tradeSeq: seq } } } },
    });
    const r = await runShadowDay(shadowOf(w), DAY, 1);
    expect(r).toMatchObject({ status: 'explained' });
    expect(r.ran && r.differences.find((d) => d.id === 'adj-1')).toMatchObject({
      fields: ['missing_in_replay'],
      explainedBy: { cause: 'manual_close', at: adj.time },
    });
    expect(w.db.alerts.get(`shadow_${DAY}`)).toMatchObject({ severity: 'warning' });
  });

  it('a paused hour and a config change (admin calls) explain the trades after them, not before', async () => {
    const w = await liveDay();
    const trades = dayTrades(w).sort((a, b) => a.time - b.time);
    const pauseAt = trades[2]!.time - 1;
    // as if the operator had paused at pauseAt: the live ledger lost the trades after it
    for (const t of trades.slice(2)) w.db.trades.delete(t.id);
    w.db.auditLog.push({
      at: pauseAt,
      who: 'ops@example.com',
      via: 'user',
      action: 'pause',
      params: {},
      ok: true,
      status: 200,
      summary: 'paused for an hour',
    });
    w.db.auditLog.push({
      at: pauseAt - 5,
      who: 'ops@example.com',
      via: 'user',
      action: 'pause',
      params: {},
      ok: false,
      status: 403,
      summary: 'refused',
    });
    const r = await runShadowDay(shadowOf(w), DAY, 1);
    expect(r).toMatchObject({ status: 'explained' });
    expect(r.ran && r.differences.length).toBe(trades.length - 2);
    expect(r.ran && r.differences.every((d) => d.explainedBy?.cause === 'mode_change' && d.fields[0] === 'missing_in_live')).toBe(true);

    // the same loss before any event is unexplained
    w.db.auditLog.length = 0;
    w.db.auditLog.push({
      at: pauseAt,
      who: 'ops@example.com',
      via: 'cli',
      action: 'config',
      params: { set: { risk: {} } },
      ok: true,
      status: 200,
      summary: 'risk changed',
    });
    expect(await runShadowDay(shadowOf(w), DAY, 2)).toMatchObject({
      status: 'explained',
      events: [expect.objectContaining({ cause: 'config_change' })],
    });
    w.db.trades.delete(trades[0]!.id);
    const early = await runShadowDay(shadowOf(w), DAY, 3);
    expect(early).toMatchObject({ status: 'different' });
    expect(early.ran && early.differences[0]).toMatchObject({ id: trades[0]!.id, explainedBy: null });
  });

  it('a pause the admin recorder records on a replay stack carries its market time: it explains the replayed day', async () => {
    const w = await liveDay();
    const trades = dayTrades(w).sort((a, b) => a.time - b.time);
    const pauseAt = trades[2]!.time - 1;
    for (const t of trades.slice(2)) w.db.trades.delete(t.id);
    // the wall clock is years later than the replay's market time
    const wall = Date.parse('2026-12-05T12:00:00Z');
    const deps = {
      ops: new MemoryBudgetNotices(w.db.auditLog),
      log: createLogger('error'),
      wallNow: () => wall,
      marketNow: async () => pauseAt,
    };
    await recorder(deps, { kind: 'user', id: 'ops@example.com' }, { action: 'pause' })(200, 'paused');
    expect(w.db.auditLog.map((e) => [e.at, e.marketAt])).toEqual([[wall, pauseAt]]);
    const r = await runShadowDay(shadowOf(w), DAY, 1);
    expect(r).toMatchObject({ status: 'explained', events: [expect.objectContaining({ cause: 'mode_change', at: pauseAt })] });

    // a market clock that cannot be read: the call is still recorded, by the wall clock
    await recorder(
      { ...deps, marketNow: () => Promise.reject(new Error('status/system unreadable')) },
      { kind: 'cli', id: 'cli:ops' },
      { action: 'resume' },
    )(200, 'resumed');
    expect(w.db.auditLog.map((e) => [e.at, e.marketAt])).toEqual([
      [wall, pauseAt],
      [wall, undefined],
    ]);
    // a refused call moved nothing: no market time
    await recorder(deps, { kind: 'user', id: 'x@example.com' }, { action: 'kill' })(403, 'no');
    expect(w.db.auditLog.at(-1)).not.toHaveProperty('marketAt');
  });

  it("the budget guard's pause is in audit_log and explains the entries the live book did not make after it", async () => {
    const w = await liveDay();
    const trades = dayTrades(w).sort((a, b) => a.time - b.time);
    const pauseAt = trades[2]!.time - 1;
    // as if the budget had been spent at pauseAt: the live ledger has none of the trades after it
    for (const t of trades.slice(2)) w.db.trades.delete(t.id);
    const paused = await handleBudgetMessage(
      {
        store: w.store,
        ops: new MemoryBudgetNotices(w.db.auditLog),
        clock: { now: () => pauseAt },
        log: createLogger('error', {}, () => undefined),
        pausePct: 100,
      },
      decodePubSubEvent(budgetNoticeEvent({ costIntervalStart: new Date(DAY_START).toISOString() }), 'n1'),
    );
    expect(paused).toMatchObject({ status: 'recorded', paused: true });
    expect(w.db.auditLog).toEqual([
      expect.objectContaining({ at: pauseAt, who: 'budget-guard', via: 'system', action: 'budget-pause', ok: true }),
    ]);
    const r = await runShadowDay(shadowOf(w), DAY, 1);
    expect(r).toMatchObject({ status: 'explained' });
    expect(r.ran && r.differences.length).toBe(trades.length - 2);
    expect(
      r.ran &&
        r.differences.every((d) => d.explainedBy?.cause === 'mode_change' && /^budget-pause by budget-guard/.test(d.explainedBy.detail)),
    ).toBe(true);
  });

  it("a reconciliation's REDUCING is in audit_log and explains the entries the live book did not make after it", async () => {
    const w = await liveDay();
    const trades = dayTrades(w).sort((a, b) => a.time - b.time);
    const reduceAt = trades[2]!.time - 1;
    for (const t of trades.slice(2)) w.db.trades.delete(t.id);
    // an exchange account that holds nothing the ledger says: drift → REDUCING (exits only)
    const config = parseBotConfig(w.db.config);
    const report = await reconcileInTick(
      {
        store: w.store,
        account: new MemoryExchangeAccount({}),
        exchange: recordedExchangeRules(),
        audit: new MemoryBudgetNotices(w.db.auditLog),
      },
      config,
      config.symbols ?? w.tick.env.SYMBOLS,
      reduceAt,
      'test',
      { loaded: await w.store.loadTick(toAmount(config.paper.initialCash), reduceAt), pending: new Set() },
    );
    expect(report.clean).toBe(false);
    expect(w.db.auditLog).toEqual([
      expect.objectContaining({ at: reduceAt, who: 'reconciliation', via: 'system', action: 'reconcile-reduce' }),
    ]);
    const r = await runShadowDay(shadowOf(w), DAY, 1);
    expect(r).toMatchObject({ status: 'explained' });
    expect(r.ran && r.differences.length).toBe(trades.length - 2);
    expect(
      r.ran &&
        r.differences.every(
          (d) => d.explainedBy?.cause === 'mode_change' && /^reconcile-reduce by reconciliation/.test(d.explainedBy.detail),
        ),
    ).toBe(true);
  });

  it("a late exit (repriced at the current candle) is explained as a late fill; an order in flight at the day's end is listed", async () => {
    const w = await liveDay();
    const exit = dayTrades(w).find((t) => t.side === 'sell')!;
    // executeOrder sold it one candle later, at that candle's price
    w.db.trades.set(exit.id, { ...exit, time: exit.time + MIN, price: exit.price + toAmount('1') });
    const r = await runShadowDay(shadowOf(w), DAY, 1);
    expect(r).toMatchObject({ status: 'explained' });
    expect(r.ran && r.differences.find((d) => d.id === exit.id)).toMatchObject({
      fields: ['time', 'price'],
      explainedBy: { cause: 'late_fill' },
    });

    // the next day began with an order of the day still in flight: it is booked there, and the day says so
    const emittedAt = DAY_START + 1440 * MIN - 30_000;
    nextDayBeganWith(w, 'ETH/USDT', { signalId: 'x'.repeat(32), side: 'buy', emittedAt });
    const inFlight = await runShadowDay(shadowOf(w), DAY, 2);
    expect(inFlight.ran && inFlight.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ cause: 'late_fill', at: emittedAt, detail: expect.stringMatching(/still in flight/) }),
      ]),
    );
  });

  it("an entry still in flight when the next day began explains itself from the replay's fill of it, before the tick that emitted it", async () => {
    const w = await liveDay();
    const entry = dayTrades(w).findLast((t) => t.side === 'buy')!;
    // the live ledger booked it after the next day's start (its seq is outside the day): the day does not have it
    w.db.trades.delete(entry.id);
    nextDayBeganWith(w, entry.symbol, { signalId: entry.signalId, side: 'buy', emittedAt: entry.time + 30_000 });
    const r = await runShadowDay(shadowOf(w), DAY, 1);
    expect(r.ran && r.differences.find((d) => d.id === entry.id)).toMatchObject({
      fields: ['missing_in_live'],
      explainedBy: { cause: 'late_fill', at: entry.time, detail: expect.stringMatching(/still in flight/) },
    });
  });

  it('an entry executeOrder refused as stale (delivered too late) is explained by its dead letter; without one it is critical', async () => {
    const w = await liveDay();
    const entry = dayTrades(w).find((t) => t.side === 'buy')!;
    const signal = w.db.signals.get(entry.signalId)!;
    // the live book never filled it: no trade, no order record (the ledger after it differs too)
    w.db.trades.delete(entry.id);
    w.db.orders.delete(entry.signalId);
    const unexplained = await runShadowDay(shadowOf(w), DAY, 1);
    expect(unexplained).toMatchObject({ status: 'different' });

    // the message reaches executeOrder 5 candles late: it refuses the stale entry into deadletters/ with the reason
    w.clock.t = signal.createdAt + 5 * MIN;
    const outcome = await executeSignalMessage({ ...w.execute, candles: recordedCandles }, asMessage(signal));
    expect(outcome).toMatchObject({ status: 'dead_lettered', reason: expect.stringMatching(/stale/) });
    const r = await runShadowDay(shadowOf(w), DAY, 2);
    expect(r).toMatchObject({ status: 'explained' });
    expect(r.ran && r.differences.find((d) => d.id === entry.id)).toMatchObject({
      fields: ['missing_in_live'],
      explainedBy: { cause: 'dead_letter', at: entry.time, detail: expect.stringMatching(/dead-lettered by executeOrder .*stale/) },
    });
    expect(r.ran && r.differences.every((d) => d.explainedBy !== null)).toBe(true);
  });

  it('a dead letter explains from its candle close, on that day only; another source or no signal explains nothing', () => {
    const letter = (candleTime: number, over: { source?: string; payload?: string } = {}) => {
      const signal = testSignal({ candleTime });
      return {
        id: signal.id,
        source: over.source ?? 'executeOrder',
        reason: 'stale signal',
        payload: over.payload ?? encodeSignal(signal),
        attributes: {},
        receivedAt: candleTime + 90 * MIN,
      };
    };
    const end = DAY_START + 1440 * MIN;
    const tf = timeframeMs(testSignal().timeframe);
    const events = deadLetterEvents([letter(DAY_START + 60 * MIN), letter(DAY_START - tf - MIN), letter(end - tf)], DAY_START, end);
    expect(events.map((e) => [e.cause, e.at])).toEqual([['dead_letter', DAY_START + 60 * MIN + tf]]);
    expect(events[0]!.detail).toMatch(/^BTC\/USDT buy signal [0-9a-f]{32} of .* dead-lettered by executeOrder at .*: stale signal$/);
    const others = [letter(DAY_START, { source: 'budgetGuard' }), letter(DAY_START, { payload: 'not json' })];
    expect(deadLetterEvents(others, DAY_START, end)).toEqual([]);
  });

  it('the daily audit runs the shadow of the day before: 200 when verified, 409 with the difference when not', async () => {
    const w = await liveDay();
    const handler = makeAuditHandler(
      async () => ({ store: w.store, clock: { now: () => DAY_START + 1440 * MIN + 15 * MIN } }),
      async () => shadowOf(w),
    );
    const call = async () => {
      const res = {
        code: 0,
        body: undefined as unknown,
        status(c: number) {
          this.code = c;
          return this;
        },
        json(b: unknown) {
          this.body = b;
          return this;
        },
        set() {
          return this;
        },
      };
      await handler({ method: 'POST', is: () => true, body: {} } as never, res as never);
      return res as { code: number; body: { clean: boolean; shadow: { day: string; status: string; differences: { id: string }[] } } };
    };
    expect(await call()).toMatchObject({ code: 200, body: { clean: true, shadow: { day: DAY, status: 'verified' } } });
    const victim = dayTrades(w)[0]!;
    w.db.trades.set(victim.id, { ...victim, qty: victim.qty + 1n });
    const different = await call();
    expect(different).toMatchObject({ code: 409, body: { shadow: { day: DAY, status: 'different' } } });
    expect(different.body.shadow.differences.map((d) => d.id)).toContain(victim.id);
  });
});

describe('adminEvents', () => {
  const call = (action: string, params: Record<string, unknown>, ok = true) => ({
    at: DAY_START + MIN,
    who: 'ops@example.com',
    via: 'user' as const,
    action,
    params,
    ok,
    status: ok ? 200 : 409,
    summary: 'done',
  });
  it('a confirmed reconciliation (it books the drift and lifts REDUCING) is a mode change; a comparison or a refused call is none', () => {
    expect(adminEvents([call('reconcile', { confirm: true, reason: 'sold by hand' })])).toEqual([
      expect.objectContaining({ cause: 'mode_change', at: DAY_START + MIN }),
    ]);
    expect(adminEvents([call('reconcile', {}), call('reconcile', { confirm: true }, false), call('health', {})])).toEqual([]);
  });
});
