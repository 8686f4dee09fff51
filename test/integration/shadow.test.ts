/**
 * The shadow backtest on the local stack: a day run live (tick served by functions-framework →
 * Firestore → Pub/Sub push → executeOrder → Firestore, driven in lock-step as the parity test does,
 * on the product's defaults) and then the shadow: the day's first tick recorded its start, the replay
 * from it gives the ledger's trades exactly (day verified, shadow/latest says so); the same day with
 * one trade's fee altered in Firestore raises the critical alert naming that trade, and shadow/{day}
 * holds the whole diff. (The explained cases run on the in-memory fakes: services/shadowDay.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../functions/src/config/load.ts';
import { toDecimalString } from '../../functions/src/domain/money.ts';
import { runShadowDay } from '../../functions/src/services/shadowDay.ts';
import { shadowDeps } from '../../functions/src/wiring/shadow.ts';
import {
  alertPath,
  orderPath,
  parseDoc,
  PATHS,
  SHADOW_LATEST,
  shadowDayPath,
  shadowResultFromDoc,
  TradeDoc,
  tradePath,
} from '../../functions/src/shared/store/index.ts';
import { runLockStep } from '../../scripts/local/scheduler.ts';
import { lockStepLive } from './lockStep.ts';

const ENV = parseEnv({});
const DAY = '20230426';
const DAY_START = Date.parse('2023-04-26T00:00:00Z');
const HOUR = 3_600_000;

describe('shadow backtest on the local stack (real emulators, lock-step ticks)', () => {
  const { runtime, tickUrl } = lockStepLive({ SYMBOLS: ENV.SYMBOLS.join(','), TIMEFRAME: ENV.TIMEFRAME });

  it('a live day replays to the same trades (verified); one fee altered in Firestore → critical alert naming that trade, whole diff stored', async () => {
    // A cold start at 23:00 the day before (it walks its history), then a tick after each 4h close through the next day's first,
    // which records the next start. 2023-04-26 on the defaults: entries on 4h closes, stops on the 1m candles between them.
    const times = [DAY_START - HOUR + 30_000, ...Array.from({ length: 7 }, (_, k) => DAY_START + 4 * k * HOUR + 30_000)];
    const db = runtime.db;
    const ticks = await runLockStep({
      url: tickUrl(),
      times,
      settled: async (ids) => ids.length === 0 || (await db.getAll(...ids.map((id) => db.doc(orderPath(id))))).every((s) => s.exists),
    });
    expect(ticks.every((t) => t.pending.length === 0)).toBe(true);
    expect((await db.doc(shadowDayPath(DAY)).get()).get('start.at'), "the day's first tick recorded the start").toBe(DAY_START + 30_000);

    const deps = await shadowDeps(runtime);
    const report = await runShadowDay(deps, DAY, Date.now());
    if (report.ran && report.differences.length) console.error(JSON.stringify(report.differences, null, 2));
    expect(report).toMatchObject({ ran: true, status: 'verified', differences: [] });
    const trades = (await db.collection(PATHS.trades).get()).docs
      .map((d) => parseDoc(TradeDoc, d.ref.path, d.data()))
      .filter((t) => t.time >= DAY_START && t.time < DAY_START + 24 * HOUR);
    expect(report.ran && report.liveTrades, 'every trade of the day was compared').toBe(trades.length);
    expect(
      trades.map((t) => t.reason),
      'the day is worth comparing: entries and a protective exit',
    ).toEqual(expect.arrayContaining(['regime_entry', 'stop_loss']));
    expect((await db.doc(SHADOW_LATEST).get()).data()).toMatchObject({ day: DAY, status: 'verified', differences: 0 });
    expect((await db.doc(alertPath(`shadow_${DAY}`)).get()).exists).toBe(false);

    const victim = trades.find((t) => t.side === 'sell')!;
    await db.doc(tradePath(victim.id)).update({ fee: toDecimalString(victim.fee + 1n) });
    const altered = await runShadowDay(deps, DAY, Date.now());
    expect(altered).toMatchObject({ ran: true, status: 'different' });
    const alert = (await db.doc(alertPath(`shadow_${DAY}`)).get()).data();
    expect(alert).toMatchObject({ kind: 'shadow', severity: 'critical' });
    expect(alert?.message).toContain(victim.id);
    const stored = shadowResultFromDoc(shadowDayPath(DAY), (await db.doc(shadowDayPath(DAY)).get()).get('result'));
    expect(stored.differences).toEqual([expect.objectContaining({ id: victim.id, fields: ['fee'], explainedBy: null })]);
    expect((await db.doc(SHADOW_LATEST).get()).data()).toMatchObject({ day: DAY, status: 'different', unexplained: 1 });
  });
});
