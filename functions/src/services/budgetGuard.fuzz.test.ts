/**
 * Budget notification fuzzing: hostile CloudEvents go through the real edge (decodePubSubEvent)
 * into handleBudgetMessage on the in-memory fakes (state store, budget notices). Properties: never a
 * throw; a message that is not a valid notification is dead-lettered exactly once with a reason and
 * changes nothing (mode, alerts, notices); a valid one raises at most one alert per
 * (budget, interval, threshold), pauses only at ≥ 100 % actual spend for an interval no older than
 * one already seen, never leaves KILLED, never touches the Scheduler (it has no handle on it); and
 * Object.prototype stays clean.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBudgetNotices } from '../adapters/memory/MemoryBudgetNotices.ts';
import { MemoryDb, MemoryStateStore } from '../adapters/memory/MemoryStateStore.ts';
import { decodePubSubEvent } from '../handlers/pubsub.ts';
import { createLogger } from '../lib/log.ts';
import { hostileNumber, hostileString, hostileTree, mutateAt, POLLUTION_KEYS, prototypeIsClean } from '../lib/testing/hostile.ts';
import type { SystemMode } from '../domain/trading.types.ts';
import { handleBudgetMessage, type BudgetDeps } from './budgetGuard.ts';

/** A Cloud Billing budget notification as Google sends it (schemaVersion 1.0). */
const NOTICE = {
  budgetDisplayName: 'eagle-eye monthly',
  costAmount: 0.6,
  costIntervalStart: '2026-11-01T07:00:00Z',
  budgetAmount: 1,
  budgetAmountType: 'SPECIFIED_AMOUNT',
  currencyCode: 'USD',
  alertThresholdExceeded: 0.5,
};
const ATTRS = { billingAccountId: '01D4EE-079462-DFD6EC', budgetId: 'de72f49d-779b-4945-a127-4d6ce8def0bb', schemaVersion: '1.0' };

function world() {
  const db = new MemoryDb();
  const store = new MemoryStateStore(db);
  const ops = new MemoryBudgetNotices();
  let deadLetterWrites = 0;
  const deps: BudgetDeps = {
    store: Object.assign(Object.create(store) as MemoryStateStore, {
      recordDeadLetter: (l: Parameters<MemoryStateStore['recordDeadLetter']>[0]) => (deadLetterWrites++, store.recordDeadLetter(l)),
    }),
    ops,
    clock: { now: () => Date.parse('2026-11-20T12:00:00Z') },
    log: createLogger('error', {}, () => undefined),
    pausePct: 100,
  };
  const state = () =>
    structuredClone({ mode: db.status?.mode ?? 'NORMAL', alerts: [...db.alerts.keys()].sort(), notices: [...ops.notices.keys()].sort() });
  const setMode = (m: SystemMode) =>
    store.changeMode(m === 'KILLED' ? { type: 'kill_switch' } : { type: 'admin_set', to: m as Exclude<SystemMode, 'KILLED'> }, 'test');
  return { db, deps, ops, state, deadLetterWrites: () => deadLetterWrites, setMode };
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const envelope = (data: string | undefined, attributes?: unknown, messageId: unknown = 'm-1') => ({
  message: { ...(data === undefined ? {} : { data }), ...(attributes === undefined ? {} : { attributes }), messageId },
  subscription: 'projects/p/subscriptions/budget-alerts-budgetGuard',
});

const hostileBody: fc.Arbitrary<string> = fc.oneof(
  mutateAt(NOTICE).map((m) => JSON.stringify(m) ?? 'undefined'),
  fc
    .record({ costAmount: hostileNumber, budgetAmount: hostileNumber, alertThresholdExceeded: hostileNumber })
    .map((e) => JSON.stringify({ ...NOTICE, ...e }) ?? ''),
  hostileString,
  hostileTree.map((t) => JSON.stringify(t) ?? ''),
  fc.constantFrom(
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    `{${'"a":1,'.repeat(50_000)}"b":2}`,
    '['.repeat(5_000),
    '{"costAmount":NaN}',
    '{"costAmount":1e309}',
    JSON.stringify({ ...NOTICE, costAmount: 1e308, budgetAmount: 5e-324 }),
  ),
);

const hostileEvent: fc.Arbitrary<{ data: unknown; id: unknown }> = fc.oneof(
  fc.record({ data: hostileTree, id: fc.oneof(hostileString, hostileNumber, fc.constant(undefined)) }),
  fc.record({
    data: fc.tuple(hostileBody, fc.oneof(fc.constant(ATTRS), mutateAt(ATTRS))).map(([b, a]) => envelope(b64(b), a)),
    id: fc.string({ maxLength: 20 }),
  }),
  fc.record({
    data: fc
      .oneof(
        hostileString,
        fc.uint8Array({ maxLength: 64 }).map((u) => Buffer.from(u).toString('base64')),
      )
      .map((d) => envelope(d, ATTRS)),
    id: fc.constant('e-2'),
  }),
  fc.record({
    data: fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc
        .dictionary(
          fc.oneof(fc.constantFrom(...POLLUTION_KEYS), fc.string({ maxLength: 300 })),
          fc.oneof(hostileString, hostileNumber) as fc.Arbitrary<unknown>,
          { maxKeys: 4 },
        )
        .map((a) => envelope(undefined, a)),
    ),
    id: fc.oneof(hostileString, fc.constant(undefined), fc.constant('')),
  }),
);

describe('budgetGuard under hostile Pub/Sub messages (fast-check)', () => {
  it('dead-letters each invalid one once and changes nothing; a valid one keeps one alert per threshold and pauses only at ≥ 100 %', async () => {
    const statuses = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(hostileEvent, fc.constantFrom<SystemMode>('NORMAL', 'PAUSED', 'KILLED'), async (event, mode) => {
        const w = world();
        if (mode !== 'NORMAL') await w.setMode(mode);
        const before = w.state();
        const result = await handleBudgetMessage(w.deps, decodePubSubEvent(event.data, event.id));
        statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
        const after = w.state();
        if (result.status === 'dead_lettered') {
          expect(result.reason.length).toBeGreaterThan(0);
          expect(result.reason.length).toBeLessThan(5_000);
          expect(w.deadLetterWrites()).toBe(1);
          expect(after).toEqual(before);
        } else {
          expect(w.deadLetterWrites()).toBe(0);
          expect(after.alerts).toEqual(after.notices); // one alert per claimed (budget, interval, threshold)
          expect(Number.isFinite(result.spendPct)).toBe(true);
          if (!result.paused) expect(after.mode).toBe(before.mode);
          if (mode === 'KILLED') expect(after.mode).toBe('KILLED');
          if (result.paused && mode === 'NORMAL') expect(after.mode).toBe('PAUSED');
        }
        expect(prototypeIsClean()).toBe(true);
      }),
      { numRuns: 1_500, seed: 20261124 },
    );
    expect(statuses.get('dead_lettered')).toBeGreaterThan(1_000);
    expect(statuses.get('recorded')).toBeGreaterThan(0);
  }, 60_000);

  it('valid notifications repeated in any order: exactly one alert per (budget, interval, threshold); paused iff actual ≥ 100 % for an interval not older than one seen', async () => {
    const notice = fc.record({
      budgetId: fc.constantFrom('b-1', 'b-2'),
      interval: fc.constantFrom('2026-10-01T07:00:00Z', '2026-11-01T07:00:00Z'),
      costAmount: fc.constantFrom(0, 0.3, 0.6, 0.95, 1, 1.4),
      actual: fc.option(fc.constantFrom(0.5, 0.9, 1, 1.2), { nil: undefined }),
      forecast: fc.option(fc.constantFrom(0.9, 1, 1.5), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(notice, { minLength: 1, maxLength: 12 }), async (notices) => {
        const w = world();
        const messages = [...notices, ...notices.slice().reverse()]; // every one arrives twice, the second time in reverse order
        for (const [k, n] of messages.entries()) {
          const body = {
            ...NOTICE,
            costAmount: n.costAmount,
            costIntervalStart: n.interval,
            alertThresholdExceeded: n.actual,
            forecastThresholdExceeded: n.forecast,
          };
          expect(
            await handleBudgetMessage(
              w.deps,
              decodePubSubEvent(envelope(b64(JSON.stringify(body)), { ...ATTRS, budgetId: n.budgetId }, `m-${k}`), `e-${k}`),
            ),
          ).toMatchObject({ status: 'recorded' });
        }
        const expected = new Set(
          notices.flatMap((n) => [
            ...(n.actual === undefined ? [] : [`budget_${n.budgetId}_${n.interval.slice(0, 10)}_actual_${Math.round(n.actual * 100)}`]),
            ...(n.forecast === undefined
              ? []
              : [`budget_${n.budgetId}_${n.interval.slice(0, 10)}_forecast_${Math.round(n.forecast * 100)}`]),
          ]),
        );
        expect(w.state().alerts).toEqual([...expected].sort());
        // a notice at the limit pauses unless its budget already saw a newer interval (by arrival order)
        const newest = new Map<string, number>();
        let shouldPause = false;
        for (const n of messages) {
          const period = Date.parse(n.interval);
          const atLimit = n.costAmount >= 1 || (n.actual ?? 0) >= 1;
          if (atLimit && period >= (newest.get(n.budgetId) ?? period)) shouldPause = true;
          newest.set(n.budgetId, Math.max(newest.get(n.budgetId) ?? period, period));
        }
        expect(w.state().mode).toBe(shouldPause ? 'PAUSED' : 'NORMAL');
      }),
      { numRuns: 300, seed: 20261124 },
    );
  }, 60_000);

  it('bounds amounts: a 5e-324 budget (any spend an infinite %) is dead-lettered, not a pause at "Infinity %" (found by the fuzz)', async () => {
    const w = world();
    const body = JSON.stringify({ ...NOTICE, costAmount: 1e308, budgetAmount: 5e-324 });
    const out = await handleBudgetMessage(w.deps, decodePubSubEvent(envelope(b64(body), ATTRS), 'e-inf'));
    expect(out).toMatchObject({ status: 'dead_lettered', reason: expect.stringMatching(/costAmount.*budgetAmount|budgetAmount/) });
    expect(w.state()).toMatchObject({ mode: 'NORMAL', alerts: [] });
  });
});
