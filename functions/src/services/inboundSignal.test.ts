/**
 * The signed inbound-signal door on the in-memory fakes, driven by the real tick (status/system's
 * markets, the stored candles) and the real executor: valid, expired, replayed, forged, malformed,
 * rate-limited and gated requests, a lost publish retried, and the stop of an inbound position.
 */
import { describe, expect, it } from 'vitest';
import { MemoryInboundStore } from '../adapters/memory/MemoryInboundStore.ts';
import { createLogger } from '../lib/log.ts';
import { inboundStrategyVersion, signAlert } from '../domain/inbound/index.ts';
import { toAmount as A } from '../domain/money.ts';
import { signalId } from '../domain/signal.ts';
import { inboundRejectionPath } from '../shared/store/index.ts';
import { loadBundledCandles } from '../adapters/replay/ReplayMarketData.ts';
import { executeSignalMessage } from './executeSignal.ts';
import { runTick } from './runTick.ts';
import { receiveInboundAlert, type InboundDeps, type InboundRequest } from './inboundSignal.ts';
import { asMessage, memoryDeps } from '../wiring/memory.ts';

const M = 60_000;
const OPEN = Date.parse('2023-04-10T12:00:00Z');
const SECRET = 'tv-secret-'.repeat(4);
const WALL = Date.parse('2026-12-05T06:00:00Z');

async function setup(opts: { burst?: number } = {}) {
  const w = memoryDeps({ SYMBOLS: 'BTC/USDT,ETH/USDT' });
  // the tick walks the candles: status/system.markets holds the last candle and its ATR (it decides no entry here: bear regime)
  await runTick(w.tick, { tickId: 't1', now: OPEN + 30_000 });
  expect(w.bus.published).toEqual([]);
  w.clock.t = OPEN + 30_000;
  const inbound = new MemoryInboundStore();
  const wall = { t: WALL };
  let failPublish = 0;
  const bus = {
    publish: async (s: Parameters<typeof w.bus.publish>[0]) =>
      failPublish-- > 0 ? Promise.reject(new Error('pubsub unavailable')) : w.bus.publish(s),
  };
  const deps: InboundDeps = {
    settings: { secrets: new Map([['tv', [SECRET]]]), windowMs: 300_000, limit: { perMinute: 6, burst: opts.burst ?? 3 } },
    inbound,
    store: w.store,
    candles: w.execute.candles,
    config: w.execute.config,
    symbols: ['BTC/USDT', 'ETH/USDT'],
    timeframe: '1m',
    bus: async () => bus,
    marketNow: async () => w.clock.now(),
    wallNow: () => wall.t,
    log: createLogger('error', {}, () => undefined),
  };
  const send = (alert: unknown, o: { secret?: string; ts?: number; source?: string; tamper?: (raw: string) => string } = {}) => {
    const raw = typeof alert === 'string' ? alert : JSON.stringify(alert);
    const ts = o.ts ?? Math.floor(wall.t / 1000);
    const req: InboundRequest = {
      source: o.source ?? 'tv',
      timestamp: String(ts),
      signature: signAlert(o.secret ?? SECRET, ts, raw),
      rawBody: Buffer.from(o.tamper ? o.tamper(raw) : raw),
    };
    return receiveInboundAlert(deps, req);
  };
  const rejections = (reason: string, source = 'tv') => inbound.rejections.get(inboundRejectionPath(wall.t, source, reason))?.count ?? 0;
  return { ...w, deps, inbound, wall, send, rejections, failNextPublish: (n: number) => (failPublish = n) };
}

describe('signed inbound signals', () => {
  it('a signed alert becomes a signal priced and sized from our own data; its id comes from the key; executeOrder fills it once', async () => {
    const w = await setup();
    const r = await w.send({ id: 'tv-1', symbol: 'ETHUSDT', side: 'buy', strategy: 'my pine', tag: 'x' });
    const candle = loadBundledCandles('ETH/USDT', '1m').find((c) => c.t === w.db.status!.markets['ETH-USDT']!.lastCandleAt)!;
    expect(r.status).toBe(202);
    const [signal] = w.bus.published;
    expect(signal).toMatchObject({
      symbol: 'ETH/USDT',
      side: 'buy',
      reason: 'inbound_entry',
      candleTime: candle.t,
      refPrice: A(String(candle.c)),
      strategyVersion: inboundStrategyVersion('tv', 'tv-1'),
    });
    expect(signal!.id).toBe(signalId(signal!));
    expect(r.body).toMatchObject({ status: 'accepted', signalId: signal!.id, symbol: 'ETH/USDT' });
    expect(signal!.qty).toBeGreaterThan(0n);
    expect(w.db.signals.get(signal!.id)).toBeDefined();
    expect(await executeSignalMessage(w.execute, asMessage(signal!))).toMatchObject({ status: 'filled' });
    expect(w.db.ledger!.positions['ETH/USDT']).toMatchObject({ qty: signal!.qty });
  });

  it('a replay of the same request, or the same id re-signed later, is refused (409) with the same signal id, and publishes nothing', async () => {
    const w = await setup();
    const alert = { id: 'tv-2', symbol: 'BTC/USDT', side: 'buy' };
    const first = await w.send(alert);
    w.wall.t += 10_000;
    const again = await w.send(alert);
    expect(again).toEqual({
      status: 409,
      body: { error: 'id tv-2 was already received', reason: 'replayed', signalId: first.body.signalId },
    });
    expect(w.bus.published).toHaveLength(1);
    expect(w.rejections('replayed')).toBe(1);
  });

  it('refuses expired, forged, tampered, unsigned and unknown-source requests (401) and counts them', async () => {
    const w = await setup();
    const alert = { id: 'tv-3', symbol: 'BTC/USDT', side: 'buy' };
    const now = Math.floor(WALL / 1000);
    expect(await w.send(alert, { ts: now - 301 })).toMatchObject({ status: 401, body: { reason: 'expired' } });
    expect(await w.send(alert, { ts: now + 301 })).toMatchObject({ status: 401, body: { reason: 'expired' } });
    expect(await w.send(alert, { secret: 'y'.repeat(40) })).toMatchObject({ status: 401, body: { reason: 'forged' } });
    expect(await w.send(alert, { tamper: (raw) => raw.replace('buy', 'sell') })).toMatchObject({ status: 401, body: { reason: 'forged' } });
    expect(await w.send(alert, { source: 'someone' })).toMatchObject({ status: 401, body: { reason: 'forged' } });
    expect(
      await receiveInboundAlert(w.deps, { source: 'tv', timestamp: undefined, signature: undefined, rawBody: Buffer.from('{}') }),
    ).toMatchObject({ status: 401, body: { reason: 'unsigned' } });
    expect(
      await receiveInboundAlert(w.deps, { source: 'TV/../x', timestamp: '1', signature: 'sha256=00', rawBody: Buffer.from('{}') }),
    ).toMatchObject({ status: 401, body: { reason: 'unsigned' } });
    expect(w.bus.published).toEqual([]);
    expect([
      w.rejections('expired'),
      w.rejections('forged'),
      w.rejections('forged', '_'),
      w.rejections('unsigned'),
      w.rejections('unsigned', '_'),
    ]).toEqual([2, 2, 1, 1, 1]);
    // nothing was claimed: the key is still free
    expect(await w.send(alert)).toMatchObject({ status: 202 });
  });

  it('refuses a malformed body naming the field (400): not JSON, a typo, a bad side, a bad key', async () => {
    const w = await setup();
    expect(await w.send('{"id":')).toMatchObject({ status: 400, body: { reason: 'malformed', error: 'the body is not JSON' } });
    expect(await w.send({ id: 'a', symbol: 'BTC/USDT', side: 'buy', sdie: 'sell' })).toMatchObject({
      status: 400,
      body: { reason: 'malformed', field: '(root)', error: expect.stringContaining('sdie') },
    });
    expect(await w.send({ id: 'a', symbol: 'BTC/USDT', side: 'long' })).toMatchObject({ status: 400, body: { field: 'side' } });
    expect(await w.send({ id: 'a/../b', symbol: 'BTC/USDT', side: 'buy' })).toMatchObject({ status: 400, body: { field: 'id' } });
    expect(await w.send([1])).toMatchObject({ status: 400 });
    expect(w.bus.published).toEqual([]);
  });

  it('rate-limits new keys per source (429 with retry-after); a refill lets the next one in', async () => {
    const w = await setup({ burst: 2 });
    expect((await w.send({ id: 'r1', symbol: 'BTC/USDT', side: 'buy' })).status).toBe(202);
    expect((await w.send({ id: 'r2', symbol: 'ETH/USDT', side: 'buy' })).status).toBe(202);
    const limited = await w.send({ id: 'r3', symbol: 'ETH/USDT', side: 'sell' });
    expect(limited).toMatchObject({ status: 429, retryAfterS: 10, body: { reason: 'rate_limited' } });
    w.wall.t += 10_000;
    expect(await w.send({ id: 'r3', symbol: 'ETH/USDT', side: 'sell' })).toMatchObject({ status: 409, body: { reason: 'no_position' } });
  });

  it('applies the same gates as every signal: configured symbol, mode, position, stale data', async () => {
    const w = await setup({ burst: 10 });
    expect(await w.send({ id: 'g1', symbol: 'SOL/USDT', side: 'buy' })).toMatchObject({
      status: 422,
      body: { reason: 'unconfigured_symbol' },
    });
    expect(await w.send({ id: 'g2', symbol: 'BTC/USDT', side: 'sell' })).toMatchObject({ status: 409, body: { reason: 'no_position' } });
    await w.store.changeMode({ type: 'admin_set', to: 'PAUSED' }, 'test');
    expect(await w.send({ id: 'g3', symbol: 'BTC/USDT', side: 'buy' })).toMatchObject({
      status: 409,
      body: { reason: 'mode_disallows_entry' },
    });
    // the tick's candle is two timeframes old at this market time: no entry on old data
    await w.store.changeMode({ type: 'admin_set', to: 'NORMAL' }, 'test');
    w.clock.t = OPEN + 3 * M;
    expect(await w.send({ id: 'g4', symbol: 'BTC/USDT', side: 'buy' })).toMatchObject({ status: 409, body: { reason: 'stale_signal' } });
    expect(w.bus.published).toEqual([]);
  });

  it('a publish that failed (503) is completed by a retry with the same id: one signal id, filled once', async () => {
    const w = await setup();
    w.failNextPublish(1);
    const alert = { id: 'p1', symbol: 'BTC/USDT', side: 'buy' };
    const failed = await w.send(alert);
    expect(failed).toMatchObject({ status: 503, retryAfterS: 5, body: { reason: 'publish_failed' } });
    w.wall.t += 5_000;
    const retried = await w.send(alert);
    expect(retried).toMatchObject({ status: 202, body: { signalId: failed.body.signalId, republished: true } });
    expect(await w.send(alert)).toMatchObject({ status: 409, body: { reason: 'replayed' } });
    expect(w.bus.published.map((s) => s.id)).toEqual([failed.body.signalId]);
  });

  it('protection first: an inbound position in a paused bot is still stopped by the tick; an inbound exit runs while PAUSED', async () => {
    const w = await setup({ burst: 10 });
    await w.send({ id: 'e1', symbol: 'BTC/USDT', side: 'buy' });
    await w.send({ id: 'e2', symbol: 'ETH/USDT', side: 'buy' });
    for (const s of w.bus.published) expect(await executeSignalMessage(w.execute, asMessage(s))).toMatchObject({ status: 'filled' });
    await w.store.changeMode({ type: 'admin_set', to: 'PAUSED' }, 'test');
    // an exit is never gated by a pause
    const exit = await w.send({ id: 'e3', symbol: 'ETH/USDT', side: 'sell' });
    expect(exit).toMatchObject({ status: 202 });
    expect(await executeSignalMessage(w.execute, asMessage(w.bus.published.at(-1)!))).toMatchObject({ status: 'filled' });
    expect(w.db.ledger!.positions['ETH/USDT']).toBeUndefined();
    // the BTC position's stop, moved just under the entry, fires on the tick like any position's
    const p = w.db.ledger!.positions['BTC/USDT']!;
    const stop = (p.entryPrice * 999n) / 1000n;
    w.db.ledger!.positions['BTC/USDT'] = { ...p, stopLoss: stop };
    const crossing = loadBundledCandles('BTC/USDT', '1m').find((c) => c.t >= p.entryTime && A(c.l) <= stop)!;
    const published = w.bus.published.length;
    for (let now = p.entryTime + 30_000; now < crossing.t + 3 * M && w.bus.published.length === published; now += M)
      await runTick(w.tick, { tickId: `m${now}`, now });
    expect(w.bus.published.at(-1)).toMatchObject({ symbol: 'BTC/USDT', side: 'sell', reason: 'stop_loss', candleTime: crossing.t });
    expect(w.db.status!.mode).toBe('PAUSED');
  });
});
