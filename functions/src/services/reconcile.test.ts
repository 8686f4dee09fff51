/**
 * Reconciliation end to end on the in-memory fakes (state store, ledger, exchange account): the live
 * tick finds what happened behind the bot's back, raises REDUCING and a critical alert; `eagle
 * reconcile --confirm` books it, the audit stays exact, and the stops still fire in REDUCING.
 */
import { recordedExchangeRules } from '../adapters/paper/recordedRules.ts';
import { describe, expect, it } from 'vitest';
import { MemoryExchangeAccount } from '../adapters/memory/MemoryExchangeAccount.ts';
import { MemoryOrderLedger } from '../adapters/memory/MemoryStateStore.ts';
import { loadBundledCandles } from '../adapters/replay/ReplayMarketData.ts';
import { parseBotConfig } from '../config/load.ts';
import { toAmount as A } from '../domain/money.ts';
import { runAudit } from './auditLedger.ts';
import { executeSignalMessage } from './executeSignal.ts';
import { runReconcile } from './reconcile.ts';
import { runTick, type TickDeps } from './runTick.ts';
import { asMessage, memoryDeps, testConfigDoc } from '../wiring/memory.ts';
import { createLogger } from '../lib/log.ts';

const M = 60_000;
const OPEN = Date.parse('2023-04-10T12:00:00Z');

/** A live-mode stack on the fakes: a BTC position bought at OPEN, the exchange account holding exactly what the ledger says. */
async function liveStack(everyTicks = 1) {
  const w = memoryDeps({ SYMBOLS: 'BTC/USDT,ETH/USDT', TIMEFRAME: '4h' });
  w.db.config = testConfigDoc({
    timeframe: '4h',
    symbols: ['BTC/USDT'],
    strategy: { name: 'buy_and_hold', params: {} },
    risk: { trailingActivationAtrMult: 1000 },
    reconcile: { everyTicks, cashTolerance: '1' },
  });
  await runTick(w.tick, { tickId: 'entry', now: OPEN + 30_000 });
  expect(await executeSignalMessage(w.execute, asMessage(w.bus.published[0]!))).toMatchObject({ status: 'filled' });
  const p = w.db.ledger!.positions['BTC/USDT']!;
  const account = new MemoryExchangeAccount({ USDT: w.db.ledger!.cash, BTC: p.qty, BNB: A('0.5') });
  const live = { ...w.tick, env: { ...w.tick.env, TRADING_MODE: 'live' as const }, account };
  const ledger = new MemoryOrderLedger(w.db);
  const config = () => parseBotConfig(w.db.config);
  const reconcile = (now: number, confirm: { note: string; by: string } | null) =>
    runReconcile({ store: w.store, ledger, account, exchange: recordedExchangeRules() }, config(), config().symbols!, now, confirm);
  return { ...w, p, account, live, reconcile };
}

/**
 * A deposit behind the bot's back puts it in REDUCING; with the position's stop set 0.3 % below its
 * entry, tick a minute at a time (REDUCING on every tick) until the stop fires on the 1m candle that
 * crossed it. Returns the exit signal; `eachTick` sees every tick's result.
 */
async function stopFiresInReducing(
  s: Awaited<ReturnType<typeof liveStack>>,
  live: TickDeps,
  eachTick: (r: Awaited<ReturnType<typeof runTick>>) => void = () => {},
) {
  const stop = (s.p.entryPrice * 997n) / 1000n;
  s.db.ledger!.positions['BTC/USDT'] = { ...s.p, stopLoss: stop };
  const crossing = loadBundledCandles('BTC/USDT', '1m').find((c) => c.t >= s.p.entryTime && A(c.l) <= stop)!;
  await s.account.deposit('USDT', A('250'));
  let exit;
  for (let now = s.p.entryTime + 30_000; now < crossing.t + 3 * M && !exit; now += M) {
    eachTick(await runTick(live, { tickId: `m${now}`, now }));
    expect(s.db.status!.mode).toBe('REDUCING');
    exit = s.bus.published.find((x) => x.side === 'sell');
  }
  expect(exit).toMatchObject({ reason: 'stop_loss', candleTime: crossing.t });
  return exit!;
}

describe('reconciliation in the live tick', () => {
  it('a clean account at the first live tick: recorded, mode unchanged; not again until due', async () => {
    const s = await liveStack(60);
    const first = await runTick(s.live, { tickId: 'l1', now: s.p.entryTime + 30_000 });
    expect(first.reconciled).toEqual({ clean: true, differences: [] });
    expect(s.db.status).toMatchObject({
      mode: 'NORMAL',
      reconcile: { at: s.p.entryTime + 30_000, clean: true, differences: 0, version: 'test' },
    });
    const calls = s.account.calls.balances;
    expect((await runTick(s.live, { tickId: 'l2', now: s.p.entryTime + 30_000 + M })).reconciled).toBeNull();
    expect(s.account.calls.balances).toBe(calls);
    expect((await runTick(s.live, { tickId: 'l3', now: s.p.entryTime + 30_000 + 60 * M })).reconciled).toEqual({
      clean: true,
      differences: [],
    });
  });

  it('a manual sell on the exchange → REDUCING + a critical alert naming it; reconcile --confirm books it, the audit is clean, NORMAL again', async () => {
    const s = await liveStack();
    s.account.trade('BTC/USDT', 'sell', s.p.qty, A('28000'));
    const t = s.p.entryTime + 30_000;
    const tick = await runTick(s.live, { tickId: 'l1', now: t });
    expect(tick.reconciled?.clean).toBe(false);
    expect(tick.reconciled?.differences.map((d) => d.split(':')[0])).toEqual(['manual_sell', 'manual_sell']);
    expect(s.db.status!.mode).toBe('REDUCING');
    const alert = [...s.db.alerts.values()].find((a) => a.kind === 'reconcile')!;
    expect(alert).toMatchObject({ severity: 'critical' });
    expect(alert.message).toMatch(/BTC: the exchange holds 0\.00000000, the ledger .*sold outside the bot/);
    // recorded beside the operators' calls, once: the shadow backtest explains the entries REDUCING holds
    expect(s.db.auditLog).toEqual([
      {
        at: t,
        who: 'reconciliation',
        via: 'system',
        action: 'reconcile-reduce',
        params: { differences: 2 },
        ok: true,
        status: 200,
        summary: 'mode REDUCING (was NORMAL): reconciliation: 2 difference(s) with the exchange (exits only)',
      },
    ]);
    // the next reconciliation finds the same drift: REDUCING holds, nothing new to record
    expect((await runTick(s.live, { tickId: 'l2', now: t + M })).reconciled?.clean).toBe(false);
    expect(s.db.auditLog).toHaveLength(1);

    const shown = await s.reconcile(t + M, null);
    expect(shown).toMatchObject({ booked: null, after: null, mode: 'REDUCING', report: { clean: false } });
    const done = await s.reconcile(t + M, { note: 'sold BTC by hand on Binance', by: 'cli:op' });
    expect(done.booked!.map((e) => [e.symbol, e.reason, e.adjustment?.cause])).toEqual([
      ['USDT', 'adjustment', 'manual_sell'],
      ['BTC/USDT', 'adjustment', 'manual_sell'],
    ]);
    expect(done).toMatchObject({ after: { clean: true }, mode: 'NORMAL' });
    expect(s.db.ledger!.positions).toEqual({});
    expect(s.db.ledger!.cash).toBe((await s.account.balances()).USDT!.free);
    expect(await runAudit(s.store, t + M, { full: true })).toMatchObject({ clean: true, discrepancies: [] });
    // booked once: a repeated confirm finds nothing left
    expect((await s.reconcile(t + 2 * M, { note: 'again', by: 'cli:op' })).booked).toEqual([]);
  });

  it('an unbooked fill and a deposit are found and booked; the adopted holding is a protected position', async () => {
    const s = await liveStack();
    const t = s.p.entryTime + 30_000;
    await runTick(s.live, { tickId: 'l0', now: t });
    // ETH joins the markets while entries are paused, so the only ETH on the account is the one below
    s.db.config = { ...(s.db.config as object), symbols: ['BTC/USDT', 'ETH/USDT'] };
    await s.store.changeMode({ type: 'admin_set', to: 'PAUSED' }, 'no entries');
    await runTick(s.live, { tickId: 'l1', now: t + M });
    await s.store.changeMode({ type: 'admin_set', to: 'NORMAL' }, 'resume');
    s.account.trade('ETH/USDT', 'buy', A('0.5'), A('1850'));
    const tick = await runTick(s.live, { tickId: 'l2', now: t + 2 * M });
    expect(tick.reconciled?.differences.map((d) => d.split(':').slice(0, 2).join(':'))).toEqual([
      'unbooked_fill: ETH',
      'unbooked_fill: USDT',
    ]);
    expect(s.db.status!.mode).toBe('REDUCING');
    const done = await s.reconcile(t + 3 * M, { note: 'lost booking', by: 'cli:op' });
    expect(done).toMatchObject({ after: { clean: true }, mode: 'NORMAL' });
    const eth = s.db.ledger!.positions['ETH/USDT']!;
    expect(eth.qty).toBe(A('0.5'));
    expect(eth.stopLoss).toBeLessThan(eth.entryPrice);
    expect(s.db.positionDocs.get('ETH/USDT')).toEqual(eth);
    expect(await runAudit(s.store, t + 3 * M, { full: true })).toMatchObject({ clean: true });

    await s.account.deposit('USDT', A('1000'));
    expect((await runTick(s.live, { tickId: 'l4', now: t + 4 * M })).reconciled?.differences).toEqual([
      expect.stringMatching(/^deposit: USDT: .*\(\+1000\.00000000\)/),
    ]);
    expect(s.db.status!.mode).toBe('REDUCING');
    const equity = s.db.status!.account!.equity;
    expect(await s.reconcile(t + 5 * M, { note: 'topped up', by: 'cli:op' })).toMatchObject({
      booked: [expect.objectContaining({ cashDelta: A('1000') })],
      mode: 'NORMAL',
    });
    // a deposit is not a gain: the marks move with it
    expect(s.db.status!.account!.equity).toBe(equity + A('1000'));
    expect(await runAudit(s.store, t + 5 * M, { full: true })).toMatchObject({ clean: true });
  });

  it('an unknown open order is looked up and reported, never booked; REDUCING stays until it is gone', async () => {
    const s = await liveStack();
    const id = await s.account.placeOpenOrder({ symbol: 'BTC/USDT', side: 'sell', amount: s.p.qty, clientOrderId: 'web_manual_1' });
    const t = s.p.entryTime + 30_000;
    const tick = await runTick(s.live, { tickId: 'l1', now: t });
    expect(tick.reconciled?.differences).toEqual([
      expect.stringMatching(/^unknown_open_order: sell .* BTC\/USDT \(order 1, clientOrderId web_manual_1.*not placed by the bot/),
    ]);
    expect(s.account.calls.order).toBe(1);
    const done = await s.reconcile(t + M, { note: 'checking', by: 'cli:op' });
    expect(done).toMatchObject({ booked: [], after: { clean: false }, mode: 'REDUCING' });
    s.account.cancel(id);
    expect(await s.reconcile(t + 2 * M, { note: 'cancelled it', by: 'cli:op' })).toMatchObject({ after: { clean: true }, mode: 'NORMAL' });
  });

  it('in REDUCING the position is still protected: its stop fires and the exit fills', async () => {
    const s = await liveStack();
    const exit = await stopFiresInReducing(s, s.live);
    expect(await executeSignalMessage(s.execute, asMessage(exit))).toMatchObject({ status: 'filled' });
    expect(s.db.ledger!.positions['BTC/USDT']).toBeUndefined();
    expect(s.db.status!.mode).toBe('REDUCING');
  });

  it('when audit_log cannot take the REDUCING record, REDUCING still holds and the stop still fires', async () => {
    const s = await liveStack();
    const logged: string[] = [];
    const live = {
      ...s.live,
      audit: { recordAudit: async () => Promise.reject(new Error('audit_log unavailable')) },
      log: createLogger('error', {}, (line) => void logged.push(line)),
    };
    const exit = await stopFiresInReducing(s, live, (r) => expect(r.reconciled?.clean).toBe(false));
    expect(await executeSignalMessage(s.execute, asMessage(exit))).toMatchObject({ status: 'filled' });
    expect(s.db.auditLog).toEqual([]);
    expect(logged.filter((l) => l.includes('REDUCING not recorded in audit_log'))).toHaveLength(1);
  });
});
