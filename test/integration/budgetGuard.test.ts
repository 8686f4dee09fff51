import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import * as ff from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { PubSub } from '@google-cloud/pubsub';
import { makeBudgetGuardHandler } from '../../functions/src/handlers/budgetGuard.ts';
import { createOpsRuntime } from '../../functions/src/wiring/ops.ts';
import { FirestoreStateStore } from '../../functions/src/adapters/firestore/FirestoreStateStore.ts';
import { parseOpsEnv } from '../../functions/src/config/opsSchema.ts';
import { TOPICS } from '../../infra/definitions.ts';
import { functionPort, localPorts } from '../../infra/ports.ts';
import { fakeBotApi } from '../../functions/src/adapters/notify/fakeBotApi.testkit.ts';
import { emulatorEnv, eventually, freshSubscriptions, pubsubClient, resetFirestore, testRuntime } from './harness.ts';
import { PATHS, alertPath } from '../../functions/src/shared/store/index.ts';

/** A Cloud Billing budget notification as Google sends it (schemaVersion 1.0). */
function notification(over: Record<string, unknown> = {}) {
  return {
    budgetDisplayName: 'eagle-eye monthly',
    costAmount: 0.6,
    costIntervalStart: '2026-11-01T07:00:00Z',
    budgetAmount: 1.0,
    budgetAmountType: 'SPECIFIED_AMOUNT',
    currencyCode: 'USD',
    ...over,
  };
}
const ATTRS = { billingAccountId: '01D4EE-079462-DFD6EC', budgetId: 'de72f49d-779b-4945-a127-4d6ce8def0bb', schemaVersion: '1.0' };

describe('budgetGuard over the real Pub/Sub push path', () => {
  const e = emulatorEnv();
  const runtime = testRuntime();
  const db = runtime.db;
  let pubsub: PubSub;
  let server: Server;
  let handled = 0;
  const telegram = fakeBotApi();

  beforeAll(async () => {
    const opsEnv = parseOpsEnv({
      TELEGRAM_BOT_TOKEN: '123456:AAbbCCddEEffGGhhIIjjKKllMMnnOOpp',
      TELEGRAM_CHAT_ID: '-1001',
      TELEGRAM_API_URL: await telegram.listen(),
      TELEGRAM_MIN_INTERVAL_MS: '0',
    });
    const handler = makeBudgetGuardHandler(createOpsRuntime(runtime, opsEnv).budgetDeps);
    ff.cloudEvent('budgetGuard_test', async (ce: Parameters<ff.CloudEventFunction>[0]) => {
      try {
        await handler(ce);
      } finally {
        handled++;
      }
    });
    await freshSubscriptions();
    server = getTestServer('budgetGuard_test');
    await new Promise<void>((r, j) =>
      server.once('error', j).listen(functionPort(localPorts(e.portOffset), 'budgetGuard'), '127.0.0.1', () => r()),
    );
    pubsub = pubsubClient();
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await pubsub.close();
    await db.terminate();
    await new Promise((r) => telegram.server.close(r));
  });
  beforeEach(async () => {
    await resetFirestore();
    handled = 0;
    telegram.received.length = 0;
  });

  const publish = (data: string | object, attributes: Record<string, string> = ATTRS) =>
    pubsub
      .topic(TOPICS.budgetAlerts)
      .publishMessage({ data: Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)), attributes });
  const sendAll = async (messages: Parameters<typeof publish>[]) => {
    const target = handled + messages.length;
    for (const m of messages) await publish(...m);
    await eventually(async () => (handled >= target ? true : undefined), 30_000, `${messages.length} deliveries`);
  };
  const alertIds = async () => (await db.collection(PATHS.alerts).get()).docs.map((d) => d.id).sort();
  const status = async () => (await db.doc(PATHS.status).get()).data() ?? {};

  it('records one alert per (budget, interval, threshold) however often and in whatever order; pauses at 100 % actual', async () => {
    await sendAll([
      [notification({ alertThresholdExceeded: 0.5 })],
      [notification({ alertThresholdExceeded: 0.5 })],
      [notification({ costAmount: 0.7 })], // the periodic resend with no threshold
      [notification({ costAmount: 0.7, forecastThresholdExceeded: 1.0 })],
      [notification({ costAmount: 0.95, alertThresholdExceeded: 0.9 })],
      [notification({ costAmount: 0.95, alertThresholdExceeded: 0.5 })], // late, out of order
    ]);
    expect(await alertIds()).toEqual([
      'budget_de72f49d-779b-4945-a127-4d6ce8def0bb_2026-11-01_actual_50',
      'budget_de72f49d-779b-4945-a127-4d6ce8def0bb_2026-11-01_actual_90',
      'budget_de72f49d-779b-4945-a127-4d6ce8def0bb_2026-11-01_forecast_100',
    ]);
    expect((await status()).mode ?? 'NORMAL').toBe('NORMAL'); // forecasts only warn

    await sendAll([
      [notification({ costAmount: 1.02, alertThresholdExceeded: 1.0 })],
      [notification({ costAmount: 1.05, alertThresholdExceeded: 1.0 })],
      [notification({ costAmount: 1.1 })],
    ]);
    expect(await alertIds()).toHaveLength(4);
    const critical = (await db.doc(alertPath('budget_de72f49d-779b-4945-a127-4d6ce8def0bb_2026-11-01_actual_100')).get()).data();
    expect(critical).toMatchObject({ kind: 'budget', severity: 'critical' });
    // PAUSED stops entries only: the Scheduler keeps ticking, so the stops keep running (DESIGN §4)
    expect(await status()).toMatchObject({ mode: 'PAUSED' });
    expect(await status()).not.toHaveProperty('schedulerPaused');

    // The fake Bot API received one message per alert, however often Google resent it.
    expect(telegram.received.map((m) => m.body.text.split('\n')[0])).toEqual([
      '⚠️ WARNING budget',
      '⚠️ WARNING budget',
      '⚠️ WARNING budget',
      '🚨 CRITICAL budget',
    ]);
    // A new month starts low: nothing resumes by itself.
    await sendAll([[notification({ costAmount: 0.01, costIntervalStart: '2026-12-01T08:00:00Z' })]]);
    expect((await status()).mode).toBe('PAUSED');
  });

  it('orders notices by their interval: a late resend of last month after a resume does not pause; a new month at 100 % does', async () => {
    await sendAll([[notification({ costAmount: 1.02, alertThresholdExceeded: 1.0 })]]);
    expect((await status()).mode).toBe('PAUSED');
    expect(await new FirestoreStateStore(db).changeMode({ type: 'admin_set', to: 'NORMAL' }, 'resume by test')).toMatchObject({
      ok: true,
      mode: 'NORMAL',
    });
    await sendAll([
      [notification({ costAmount: 1.1, alertThresholdExceeded: 1.0 })], // Google's resend of the same month
      [notification({ costAmount: 0.2, costIntervalStart: '2026-12-01T08:00:00Z' })],
      [notification({ costAmount: 1.2, alertThresholdExceeded: 1.0 })], // late, for November
    ]);
    expect(await status()).toMatchObject({ mode: 'NORMAL', modeReason: 'resume by test' });
    await sendAll([[notification({ costAmount: 1.01, costIntervalStart: '2026-12-01T08:00:00Z', alertThresholdExceeded: 1.0 })]]);
    expect(await status()).toMatchObject({ mode: 'PAUSED', modeReason: expect.stringMatching(/^budget "eagle-eye monthly" at 101 %/) });
    expect((await status()).budgets).toEqual({
      [ATTRS.budgetId]: {
        latest: Date.parse('2026-12-01T08:00:00Z'),
        paused: Date.parse('2026-12-01T08:00:00Z'),
        resumed: Date.parse('2026-11-01T07:00:00Z'),
      },
    });
  });

  it('never moves KILLED to PAUSED', async () => {
    await db.doc(PATHS.status).set({ mode: 'KILLED', modeReason: 'kill switch' });
    await sendAll([[notification({ costAmount: 2, alertThresholdExceeded: 1.0 })]]);
    expect(await status()).toMatchObject({ mode: 'KILLED', modeReason: 'kill switch' });
  });

  it('dead-letters malformed payloads without a retry loop or any effect', async () => {
    await sendAll([
      ['not json'],
      [notification({ costAmount: -1 })],
      [notification(), { ...ATTRS, schemaVersion: '2.0' }],
      [notification(), { budgetId: 'x', schemaVersion: '1.0' }],
    ]);
    const letters = await eventually(async () => {
      const docs = (await db.collection(PATHS.deadletters).get()).docs.map((d) => d.data());
      return docs.length === 4 ? docs : undefined;
    });
    expect(letters.map((l) => l.reason).sort()).toEqual([
      expect.stringMatching(/^attributes: billingAccountId/),
      expect.stringMatching(/^attributes: schemaVersion/),
      expect.stringMatching(/^costAmount/),
      'data is not JSON',
    ]);
    expect(letters.every((l) => l.source === 'budgetGuard')).toBe(true);
    expect(await alertIds()).toEqual([]);
    expect((await status()).mode).toBeUndefined();
    expect(telegram.received.map((m) => m.body.text.split('\n')[0])).toEqual(Array(4).fill('⚠️ WARNING dead_letter'));
  });
});
