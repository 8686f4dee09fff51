/**
 * Protection always runs, even when config/bot cannot be loaded (DESIGN §4), through the real tick
 * function on the emulators: a config/bot written straight to Firestore (bypassing the admin
 * function) that fails validation. The tick answers 200, runs the held position's stop with the
 * last good config, takes no entries and raises one critical alert naming the field.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTickHandler } from '../../functions/src/handlers/tick.ts';
import { decodeSignal } from '../../functions/src/domain/signal.ts';
import { executeSignalMessage } from '../../functions/src/services/executeSignal.ts';
import { asMessage, testConfigDoc } from '../../functions/src/wiring/memory.ts';
import type { TickReport } from '../../functions/src/services/runTick.ts';
import { resetFirestore, serveHttp, testRuntime } from './harness.ts';
import { PATHS, signalPath } from '../../functions/src/shared/store/index.ts';

const M = 60_000;
const T0 = Date.parse('2023-03-21T14:00:30Z');

describe('a tick whose config/bot fails validation still protects (real tick function, emulators)', () => {
  const runtime = testRuntime({ SYMBOLS: 'BTC/USDT', CONFIG_CACHE_MS: '0' });
  const db = runtime.db;
  let server: Awaited<ReturnType<typeof serveHttp>>;
  beforeEach(async () => {
    await resetFirestore();
    server ??= await serveHttp('tick', makeTickHandler(runtime.tickDeps));
  });
  afterAll(async () => {
    await server?.close();
    await db.terminate();
  });

  const tick = async (asOf: number): Promise<TickReport> => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ asOf }),
    });
    const body = (await res.json()) as TickReport;
    expect(res.status, JSON.stringify(body)).toBe(200);
    return body;
  };
  const configAlerts = async () =>
    (await db.collection(PATHS.alerts).get()).docs
      .map((d) => ({ id: d.id, ...d.data() }))
      .filter((a) => a.id.startsWith('config_invalid_'));

  it('runs the stop of a held position with the last good config, takes no entries, one critical alert', async () => {
    const good = testConfigDoc({
      symbols: ['BTC/USDT'],
      strategy: { name: 'buy_and_hold', params: {} },
      risk: { trailingActivationAtrMult: 1000 },
    });
    await db.doc(PATHS.config).set(good);
    const first = await tick(T0);
    expect(first.published).toHaveLength(1);
    const buy = decodeSignal((await db.doc(signalPath(first.published[0]!)).get()).data());
    expect(await executeSignalMessage(await runtime.executeDeps(), asMessage(buy))).toMatchObject({ status: 'filled' });

    // Bypassing the admin function: a typo in config/bot, and ETH added (which buy_and_hold would enter at once).
    await db.doc(PATHS.config).set({ ...good, symbols: ['BTC/USDT', 'ETH/USDT'], risk: { ...(good.risk as object), riskPerTradPct: 5 } });
    await db.doc(PATHS.wallet).update({ 'positions.BTC-USDT.stopLoss': '100000.00000000' });
    const broken = await tick(T0 + M);
    expect(broken.symbols.map((s) => s.symbol)).toEqual(['BTC/USDT']); // the last good config
    expect(broken.published).toHaveLength(1);
    const exit = decodeSignal((await db.doc(signalPath(broken.published[0]!)).get()).data());
    expect([exit.symbol, exit.side, exit.reason]).toEqual(['BTC/USDT', 'sell', 'stop_loss']);
    const alerts = await configAlerts();
    expect(alerts).toEqual([
      expect.objectContaining({ kind: 'error', severity: 'critical', message: expect.stringContaining('config/bot.risk.riskPerTradPct') }),
    ]);

    // The exit fills with the broken document in place; the next tick, flat, still enters nothing and adds no alert.
    expect(await executeSignalMessage(await runtime.executeDeps(), asMessage(exit))).toMatchObject({ status: 'filled' });
    const third = await tick(T0 + 2 * M);
    expect(third.published).toEqual([]);
    expect((await configAlerts()).map((a) => a.id)).toEqual(alerts.map((a) => a.id));

    // Fixed: the same flat book enters again at once, so the empty tick above was the config's doing.
    await db.doc(PATHS.config).set({ ...good, symbols: ['BTC/USDT', 'ETH/USDT'] });
    const fixed = await tick(T0 + 3 * M);
    expect(fixed.published.length).toBeGreaterThan(0);
  });
});
