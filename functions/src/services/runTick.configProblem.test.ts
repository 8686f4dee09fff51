/**
 * Protection always runs, even when config/bot cannot be loaded (DESIGN §4): a config/bot written
 * straight to Firestore that fails validation leaves the tick running the stops with the last good
 * config (or the defaults on an instance that never had one), taking no entries, with one critical
 * alert naming the field; executeOrder fills the exits and refuses entries instead of looping.
 */
import { describe, expect, it } from 'vitest';
import { loadBundledCandles } from '../adapters/replay/ReplayMarketData.ts';
import { toAmount as A } from '../domain/money.ts';
import { createSignal } from '../domain/signal.ts';
import type { Position } from '../domain/trading.types.ts';
import { executeSignalMessage } from './executeSignal.ts';
import { runTick } from './runTick.ts';
import { asMessage, memoryDeps, testConfigDoc } from '../wiring/memory.ts';

const M = 60_000;
const T = Date.parse('2023-03-21T14:00:30Z');
const configAlerts = (alerts: Map<string, { id: string; severity: string; message: string }>) =>
  [...alerts.values()].filter((a) => a.id.startsWith('config_invalid_'));

describe('a tick whose config/bot cannot be loaded still protects', () => {
  it('warm instance: the last good config runs the stop, no entries, one critical alert naming the field; executeOrder exits and refuses entries', async () => {
    const { db, tick, execute, bus } = memoryDeps();
    const good = testConfigDoc({
      symbols: ['BTC/USDT'],
      strategy: { name: 'buy_and_hold', params: {} },
      risk: { trailingActivationAtrMult: 1000 },
    });
    db.config = good;
    const first = await runTick(tick, { tickId: 't1', now: T });
    expect(first.published).toHaveLength(1);
    expect(await executeSignalMessage(execute, asMessage(bus.published[0]!))).toMatchObject({ status: 'filled' });

    // Written straight to Firestore: a typo, and SOL added (which buy_and_hold would enter at once if this config were used).
    db.config = { ...good, symbols: ['BTC/USDT', 'SOL/USDT'], risk: { ...(good.risk as object), riskPerTradPct: 5 } };
    db.ledger!.positions['BTC/USDT'] = { ...db.ledger!.positions['BTC/USDT']!, stopLoss: A('100000') };
    const broken = await runTick(tick, { tickId: 't2', now: T + M });
    expect(broken.symbols.map((s) => s.symbol)).toEqual(['BTC/USDT']); // the last good config, not the broken document
    expect(bus.published.slice(1).map((s) => [s.symbol, s.side, s.reason])).toEqual([['BTC/USDT', 'sell', 'stop_loss']]);
    const [alert] = configAlerts(db.alerts);
    expect(alert).toMatchObject({ severity: 'critical', message: expect.stringContaining('config/bot.risk.riskPerTradPct') });
    expect(alert!.message).toContain('last good config');

    // The exit fills with the broken config in place: no redelivery loop.
    expect(await executeSignalMessage(execute, asMessage(bus.published[1]!))).toMatchObject({ status: 'filled' });
    expect(db.ledger!.positions['BTC/USDT']).toBeUndefined();

    // Flat now, and still no entry while the document is broken; still one alert, not one per tick.
    const third = await runTick(tick, { tickId: 't3', now: T + 2 * M });
    expect(third.published).toEqual([]);
    expect(configAlerts(db.alerts)).toHaveLength(1);

    // An entry that reaches executeOrder meanwhile is refused and recorded, never thrown.
    const btc = loadBundledCandles('BTC/USDT', '1m').find((c) => c.t === T + M - 30_000)!; // a candle the ticks stored
    const buy = createSignal(
      {
        strategyVersion: 'test@1',
        symbol: 'BTC/USDT',
        timeframe: '1m',
        candleTime: btc.t,
        side: 'buy',
        reason: 'regime_entry',
        refPrice: A(btc.c),
        atr: A('30'),
        qty: A('0.01'),
      },
      T + 2 * M,
    );
    const refused = await executeSignalMessage(execute, asMessage(buy));
    expect(refused).toMatchObject({ status: 'rejected' });
    expect(refused.status === 'rejected' && refused.change.order.outcome).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/^config_invalid: .*config\/bot\.risk\.riskPerTradPct/),
    });

    // Fixed: the new document is in force at once (the cache of these fakes is 0 ms).
    db.config = { ...good, symbols: ['BTC/USDT', 'SOL/USDT'] };
    expect((await tick.config.load()).problem).toBeNull();
    const fixed = await runTick(tick, { tickId: 't4', now: T + 3 * M });
    expect(fixed.symbols.map((s) => s.symbol)).toEqual(['BTC/USDT', 'SOL/USDT']);
    expect(fixed.mode).toBe('NORMAL');
    expect(fixed.published.length).toBeGreaterThan(0); // entries again (t3, flat under the broken config, took none)
  });

  it('cold instance that never had a good config: the schema defaults run the stop of a held position', async () => {
    const { db, tick, bus } = memoryDeps();
    db.config = { strategy: { name: 'no_such_strategy' } };
    const eth = loadBundledCandles('ETH/USDT', '1m').find((c) => c.t === T - 30_000 - 120 * M)!;
    const p: Position = {
      symbol: 'ETH/USDT',
      qty: A('0.5'),
      entryPrice: A(eth.c),
      entryTime: eth.t + M,
      checkedUntil: eth.t + M,
      costBasis: A(eth.c) / 2n,
      stopLoss: A('100000'),
      takeProfit: A('1000000'),
      trailingStop: null,
      highWater: A(eth.c),
      openTradeId: 'eth-open',
      lastPrice: A(eth.c),
    };
    db.ledger = {
      initialCash: A('10000'),
      cash: A('10000') - p.costBasis,
      realizedPnl: 0n,
      feesPaid: 0n,
      tradeSeq: 1,
      positions: { 'ETH/USDT': p },
    };
    const report = await runTick(tick, { tickId: 't1', now: T });
    expect(bus.published.map((s) => [s.symbol, s.side, s.reason])).toEqual([['ETH/USDT', 'sell', 'stop_loss']]);
    expect(report.published).toHaveLength(1);
    const alerts = configAlerts(db.alerts);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.message).toMatch(/config\/bot\.strategy\.name.*schema defaults|schema defaults.*config\/bot\.strategy\.name/s);
  });
});
