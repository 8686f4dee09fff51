/**
 * Pub/Sub message fuzzing: hostile CloudEvent payloads go through the real edge
 * (decodePubSubEvent) into executeSignalMessage on the in-memory fakes. The book already holds the
 * position of one valid signal, so every generated message must be dead-lettered exactly once with
 * a reason, or be that signal's duplicate, or (a still-valid signal after the edit) be refused by
 * the gates: never a throw, never a change of cash, positions or trades, no prototype pollution.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBundledCandles } from '../adapters/replay/ReplayMarketData.ts';
import { toAmount as A } from '../domain/money.ts';
import { createSignal, signalId, toSignalMessage } from '../domain/signal.ts';
import { decodePubSubEvent } from '../handlers/pubsub.ts';
import { hostileNumber, hostileString, hostileTree, mutateAt, POLLUTION_KEYS, prototypeIsClean } from '../lib/testing/hostile.ts';
import { createLogger } from '../lib/log.ts';
import { executeSignalMessage } from './executeSignal.ts';
import { asMessage, memoryDeps } from '../wiring/memory.ts';

const T = Date.parse('2023-03-20T12:00:00Z');
const candle = loadBundledCandles('BTC/USDT', '1m').find((c) => c.t === T)!;
const signal = createSignal(
  {
    strategyVersion: 'fuzz@1',
    symbol: 'BTC/USDT',
    timeframe: '1m',
    candleTime: T,
    side: 'buy',
    reason: 'regime_entry',
    refPrice: A(String(candle.c)),
    atr: A('30'),
    qty: A('0.05'),
  },
  T + 60_000,
);
const WIRE = toSignalMessage(signal);

async function world() {
  const d = memoryDeps({ SYMBOLS: 'BTC/USDT,ETH/USDT' });
  await d.execute.candles.upsert('BTC/USDT', '1m', [candle]);
  d.clock.t = T + 90_000;
  expect(await executeSignalMessage(d.execute, asMessage(signal))).toMatchObject({ status: 'filled' });
  // 1,500 dead letters would each log an ERROR line: keep the test output readable.
  d.execute.log = createLogger('error', {}, () => undefined);
  let deadLetterWrites = 0;
  const record = d.store.recordDeadLetter.bind(d.store);
  d.execute.store = Object.assign(Object.create(d.store) as typeof d.store, {
    recordDeadLetter: (l: Parameters<typeof record>[0]) => (deadLetterWrites++, record(l)),
  });
  const money = () => structuredClone({ ledger: d.db.ledger, positions: [...d.db.positionDocs], trades: [...d.db.trades] });
  return { ...d, money, deadLetterWrites: () => deadLetterWrites };
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const envelope = (data: string | undefined, attributes?: unknown, messageId: unknown = 'm-1') => ({
  message: { ...(data === undefined ? {} : { data }), ...(attributes === undefined ? {} : { attributes }), messageId },
  subscription: 'projects/p/subscriptions/signals-executeOrder',
});

/** A signal body with one hostile edit; sometimes re-hashed, so it also reaches the checks after the schema. */
const hostileBody: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(mutateAt(WIRE), fc.boolean()).map(([m, rehash]) => {
    if (rehash && m && typeof m === 'object') {
      const o = m as Record<string, unknown>;
      try {
        o.id = signalId(o as unknown as Parameters<typeof signalId>[0]);
      } catch {
        // a key that cannot be hashed stays as it is
      }
    }
    return JSON.stringify(m) ?? 'undefined';
  }),
  fc
    .record({
      symbol: fc.constantFrom('DOGE/USDT', 'SOL/USDT', 'BTC/EUR', 'AAA/BBB'),
      qty: fc.constantFrom('999999999999.99999999', '0.00000001', '1.00000000'),
      candleTime: fc.integer({ min: Date.UTC(2010, 0, 1), max: Date.UTC(2100, 0, 1) }),
    })
    .map((e) => {
      // Schema-valid signals for symbols or times the bot has no candle for, or for absurd quantities.
      const m = { ...WIRE, ...e };
      return JSON.stringify({ ...m, id: signalId(m) });
    }),
  hostileString,
  hostileTree.map((t) => JSON.stringify(t) ?? ''),
  fc.constantFrom(
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    `{${'"a":1,'.repeat(50_000)}"b":2}`,
    '['.repeat(5_000),
    '{"id":NaN}',
    '{"qty":Infinity}',
  ),
);

const hostileEvent: fc.Arbitrary<{ data: unknown; id: unknown }> = fc.oneof(
  // whatever the trigger hands over as the event's data, with any event id
  fc.record({ data: hostileTree, id: fc.oneof(hostileString, hostileNumber, fc.constant(undefined)) }),
  // a well-formed envelope around a hostile body
  fc.record({ data: hostileBody.map((b) => envelope(b64(b), { signalId: signal.id })), id: fc.string({ maxLength: 20 }) }),
  // data that is not base64, or not UTF-8
  fc.record({
    data: fc
      .oneof(
        hostileString,
        fc.uint8Array({ maxLength: 64 }).map((u) => Buffer.from(u).toString('base64')),
      )
      .map((d) => envelope(d)),
    id: fc.constant('e-2'),
  }),
  // attributes only: no data at all, or an envelope without data; hostile attributes and ids
  fc.record({
    data: fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc
        .tuple(
          fc.dictionary(
            fc.oneof(fc.constantFrom(...POLLUTION_KEYS), fc.string({ maxLength: 300 })),
            fc.oneof(hostileString, hostileNumber) as fc.Arbitrary<unknown>,
            { maxKeys: 4 },
          ),
          fc.oneof(hostileString, fc.constant(undefined)),
        )
        .map(([a, id]) => envelope(undefined, a, id)),
    ),
    id: fc.oneof(hostileString, fc.constant(undefined), fc.constant('')),
  }),
);

describe('executeOrder under hostile Pub/Sub messages (fast-check)', () => {
  it('dead-letters each once with a reason, or acks a duplicate / refuses by the gates; never throws, never moves money', async () => {
    const w = await world();
    const money = w.money();
    const statuses = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(hostileEvent, async (event) => {
        const before = w.deadLetterWrites();
        const result = await executeSignalMessage(w.execute, decodePubSubEvent(event.data, event.id));
        statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
        if (result.status === 'dead_lettered') {
          expect(result.reason.length).toBeGreaterThan(0);
          expect(result.reason.length).toBeLessThan(2_000);
          expect(w.deadLetterWrites()).toBe(before + 1);
        } else {
          expect(w.deadLetterWrites()).toBe(before);
          if (result.status === 'rejected') expect(result.change.order.outcome.status).toBe('rejected');
          else expect(result.status).toBe('duplicate');
        }
        expect(w.money()).toEqual(money);
        expect(prototypeIsClean()).toBe(true);
      }),
      { numRuns: 1_500, seed: 20261123 },
    );
    // the generators reach every branch: poison, duplicates and gate refusals
    expect(statuses.get('dead_lettered')).toBeGreaterThan(1_000);
    expect(statuses.get('duplicate')).toBeGreaterThan(0);
    expect(statuses.get('filled')).toBeUndefined();
  }, 60_000);

  it('an attributes-only message and an envelope with no data are dead-lettered once each, with the reason', async () => {
    const w = await world();
    const a = await executeSignalMessage(w.execute, decodePubSubEvent(undefined, 'evt-1'));
    const b = await executeSignalMessage(w.execute, decodePubSubEvent(envelope(undefined, { signalId: signal.id }, 'msg-2'), 'evt-2'));
    expect(a).toEqual({ status: 'dead_lettered', reason: 'message has no data (attributes only)' });
    expect(b).toEqual({ status: 'dead_lettered', reason: 'message has no data (attributes only)' });
    expect(w.deadLetterWrites()).toBe(2);
    expect([...w.db.deadletters.keys()].sort()).toEqual(['evt-1', 'msg-2']);
  });
});
