import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runEagle } from '../../scripts/eagle/program.ts';
import { createFirestore } from '../../functions/src/adapters/firestore/client.ts';
import { makeTickHandler } from '../../functions/src/handlers/tick.ts';
import { makeExecuteOrderHandler } from '../../functions/src/handlers/executeOrder.ts';
import { PubSubSignalBus } from '../../functions/src/adapters/pubsub/PubSubSignalBus.ts';
import { FirestoreCandleStore } from '../../functions/src/adapters/firestore/FirestoreCandleStore.ts';
import { createSignal } from '../../functions/src/domain/signal.ts';
import { toAmount } from '../../functions/src/domain/money.ts';
import { TOPICS } from '../../infra/definitions.ts';
import { emulatorEnv, eventually, pubsubClient, resetFirestore, serveCloudEvent, serveHttp, steppedClock, testRuntime } from './harness.ts';
import type { Io } from '../../scripts/lib/cli.ts';
import { PATHS, candleBucketPath, candleBucketsPath } from '../../functions/src/shared/store/index.ts';

function capture(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

/** `npm run eagle -- …` in-process, against the test stack's emulators (its port offset and demo project). */
describe('eagle CLI against the emulators', () => {
  const e = emulatorEnv();
  const db = createFirestore(e.projectId);
  const stack = ['--port-offset', String(e.portOffset), '--project', e.projectId];
  const eagle = async (...args: string[]) => {
    const io = capture();
    const code = await runEagle([...args, ...stack], { io });
    return { code, out: io.lines.join('\n'), err: io.errors.join('\n') };
  };
  const setMarketTime = (iso: string) => db.doc(PATHS.status).set({ marketTime: Date.parse(iso) }, { merge: true });
  afterAll(() => db.terminate());
  beforeEach(resetFirestore);

  it('--help lists every command; unknown flags and bad values exit 2 with the valid ones', async () => {
    const help = await runEagle(['--help'], { io: capture() });
    expect(help).toBe(0);
    const io = capture();
    await runEagle(['--help'], { io });
    for (const c of [
      'tick',
      'backfill',
      'check-gaps',
      'regenerate-signal',
      'pause',
      'resume',
      'kill',
      'reset',
      'scheduler-pause',
      'force-exit',
      'health',
      'audit',
      'reconcile',
      'access-sync',
      'config',
      'invoke',
      'indicators',
      'backtest',
      'cost',
      'status',
      'positions',
      'profit',
      'daily',
      'weekly',
      'monthly',
      'performance',
      'trades',
      'locks',
      'unlock',
      'stop-entries',
      'show-config',
      'reload-config',
    ]) {
      expect(io.lines.join('\n')).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    }
    const bogus = await eagle('audit', '--bogus');
    expect(bogus.code).toBe(2);
    expect(bogus.err).toMatch(/unknown option '--bogus'[\s\S]*Usage: eagle audit/);
    const days = await eagle('check-gaps', '--days', 'many');
    expect(days.code).toBe(2);
    expect(days.err).toMatch(/--days must be a whole number/);
    const tf = await eagle('backfill', '--symbol', 'BTC/USDT', '--timeframe', '7m', '--since', '2023-03-20');
    expect(tf.code).toBe(2);
    expect(tf.err).toMatch(/--timeframe/);
    const sym = await eagle('backfill', '--symbol', 'BTCUSDT', '--timeframe', '1m', '--since', '2023-03-20');
    expect(sym.code).toBe(2);
    expect(sym.err).toMatch(/symbol/);
  });

  it('backfill never writes past the stack clock; check-gaps finds the real 2023-03-24 outage', async () => {
    await setMarketTime('2023-03-25T00:00:30Z');
    const bf = await eagle('backfill', '--symbol', 'ETH/USDT', '--timeframe', '1m', '--since', '2023-03-23');
    expect(bf.code).toBe(0);
    expect(bf.out).toMatch(
      /^backfill ETH\/USDT 1m: \d+ candles from 2023-03-23T00:00:00.000Z to 2023-03-25T00:00:00.000Z .* 1 gaps .*stopped at the stack's clock/,
    );
    expect((await db.collection(candleBucketsPath('ETH/USDT', '1m')).get()).docs.map((d) => d.id)).toEqual(['20230323', '20230324']);
    const before = (await db.doc(candleBucketPath('ETH/USDT', '1m', Date.UTC(2023, 2, 24))).get()).data();
    expect(
      (await eagle('backfill', '--symbol', 'ETH/USDT', '--timeframe', '1m', '--since', '2023-03-24', '--until', '2023-03-25')).code,
    ).toBe(0);
    expect((await db.doc(candleBucketPath('ETH/USDT', '1m', Date.UTC(2023, 2, 24))).get()).data()).toEqual(before);
    const future = await eagle('backfill', '--symbol', 'ETH/USDT', '--timeframe', '1m', '--since', '2023-03-26');
    expect(future.code).toBe(2);
    expect(future.err).toMatch(/nothing to do/);

    const gaps = await eagle('check-gaps', '--timeframe', '1m', '--days', '3');
    expect(gaps.code).toBe(1);
    expect(gaps.out).toMatch(/ETH\/USDT 1m: .* 1 gaps \(80 missing\)/);
    // 'all' (the default): only the timeframes the bot stores, not a line per timeframe nobody trades
    const all = await eagle('check-gaps', '--days', '3');
    const checked = all.out
      .split('\n')
      .filter((l) => /^\w+\/\w+ \w+:/.test(l))
      .map((l) => l.split(':')[0]!);
    expect(checked).toContain('ETH/USDT 1m');
    expect(checked.filter((l) => !l.endsWith(' 1m'))).toEqual([]);
    const json = await eagle('check-gaps', '--timeframe', '1m', '--days', '3', '--json');
    expect(JSON.parse(json.out).gaps).toBe(1);
  });

  it('pause, resume, kill, reset change the mode through the state machine and are audit-logged as the CLI', async () => {
    expect((await eagle('pause', '--reason', 'deploy')).out).toBe('mode PAUSED (was NORMAL)');
    expect((await eagle('resume')).out).toBe('mode NORMAL (was PAUSED)');
    expect((await eagle('kill')).out).toBe('mode KILLED (was NORMAL)');
    const refused = await eagle('resume');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/KILLED is left only by an authenticated reset/);
    expect((await eagle('reset')).out).toBe('mode NORMAL (was KILLED)');
    expect((await eagle('reset')).err).toMatch(/reset only leaves KILLED \(mode is NORMAL\); "resume" returns to NORMAL/);
    const log = (await db.collection(PATHS.auditLog).orderBy('at').get()).docs.map((d) => d.data());
    expect(log.map((l) => `${l.action}:${l.status}`)).toEqual([
      'pause:200',
      'resume:200',
      'kill:200',
      'resume:409',
      'reset:200',
      'reset:409',
    ]);
    expect(log[0]).toMatchObject({ via: 'cli', params: { reason: 'deploy' } });
    expect(String(log[0]!.who)).toMatch(/^cli:/);
  });

  it('scheduler-pause stops the Scheduler only with --confirm (400 naming confirm, exit 2, without); resume starts it again', async () => {
    const flag = async () => (await db.doc(PATHS.status).get()).get('schedulerPaused') as unknown;
    const refused = await eagle('scheduler-pause', '--reason', 'maintenance');
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/confirm: must be true: a stopped Scheduler runs no tick/);
    expect(await flag()).toBeUndefined();
    expect(await eagle('scheduler-pause', '--confirm', '--reason', 'maintenance')).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^trading Scheduler stopped/),
    });
    expect(await flag()).toBe(true);
    expect((await eagle('resume')).code).toBe(0);
    expect(await flag()).toBe(false);
    const log = (await db.collection(PATHS.auditLog).orderBy('at').get()).docs.map((d) => d.data());
    expect(log.map((l) => `${l.action}:${l.status}`)).toEqual(['scheduler-pause:200', 'resume:200']); // the local CLI audits what passed validation
  });

  it("locks lists the protections' locks in force; unlock SYMBOL lifts that symbol's, unlock all the rest (one transaction on status/system)", async () => {
    const T = Date.parse('2023-03-20T12:00:00Z');
    const lock = (protection: string, symbol: string, minutes: number) => ({
      id: `${protection}_${symbol === '*' ? 'all' : symbol.replace('/', '-')}_${T}`,
      symbol,
      protection,
      from: T,
      until: T + minutes * 60_000,
      reason: 'test',
    });
    await db.doc(PATHS.status).set(
      {
        marketTime: T + 60_000,
        protections: {
          exits: [],
          locks: [lock('cooldown', 'BTC/USDT', 60), lock('max_drawdown', '*', 120), lock('low_profit', 'ETH/USDT', 0)],
        },
      },
      { merge: true },
    );
    const listed = await eagle('locks');
    expect(listed.code).toBe(0);
    // the expired one (until = from) is not in force
    const protectionLines = (out: string) => out.split('\n').filter((l) => l.includes(' protection: '));
    expect(protectionLines(listed.out)).toEqual([
      expect.stringMatching(/^ {2}BTC\/USDT protection: cooldown: test until 2023-03-20 13:00 → unlock \[cooldown_BTC-USDT_\d+\]$/),
      expect.stringMatching(/^ {2}all protection: max_drawdown: test until 2023-03-20 14:00 → unlock/),
    ]);
    expect(await eagle('unlock', 'BTC/USDT', '--reason', 'checked the feed')).toMatchObject({
      code: 0,
      out: `lifted cooldown on BTC/USDT [cooldown_BTC-USDT_${T}]; entries resume at the next tick`,
    });
    expect((await eagle('locks')).out).not.toMatch(/BTC\/USDT/);
    expect((await eagle('unlock', 'all')).out).toMatch(/lifted max_drawdown on all symbols/);
    const after = await eagle('locks');
    expect(after.code).toBe(0);
    expect(protectionLines(after.out)).toEqual([]);
    expect((await eagle('unlock', 'not a target')).code).toBe(2);
    // every stored lock not lifted yet (the expired one too: the next tick drops it either way)
    expect((await db.doc(PATHS.status).get()).get('locksLifted')).toEqual([
      `cooldown_BTC-USDT_${T}`,
      `max_drawdown_all_${T}`,
      `low_profit_ETH-USDT_${T}`,
    ]);
  });

  it('audit, health, config, force-exit and regenerate-signal', async () => {
    expect(await eagle('audit')).toMatchObject({
      code: 0,
      out: 'audit: clean (full: 0 trades replayed, ledger sequence 0 → 0, 0 open positions)',
    });
    const health = await eagle('health', '--since', '72h');
    expect(health.code).toBe(1);
    expect(health.out).toMatch(/FAIL ticking +no tick recorded/);
    expect(health.out).toMatch(/ok {3}ledger/);
    expect((await eagle('health', '--since', 'soon')).code).toBe(2);

    const dir = mkdtempSync(join(tmpdir(), 'eagle-cli-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ risk: { killSwitchDrawdownPct: 500 } }));
    writeFileSync(join(dir, 'good.json'), JSON.stringify({ risk: { killSwitchDrawdownPct: 12 } }));
    const bad = await eagle('config', '--set', join(dir, 'bad.json'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/risk\.killSwitchDrawdownPct/);
    expect((await eagle('config', '--set', join(dir, 'good.json'))).code).toBe(0);
    expect(JSON.parse((await eagle('config', '--json')).out).config.risk.killSwitchDrawdownPct).toBe(12);

    const exit = await eagle('force-exit', 'BTC/USDT');
    expect(exit.code).toBe(1);
    expect(exit.err).toMatch(/no open position in BTC\/USDT/);
    const missing = await eagle('regenerate-signal', 'a'.repeat(32));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/does not exist/);
  });

  it('tick and invoke say so when the target stack is not running (exit 3), instead of waiting', async () => {
    const tick = await eagle('tick');
    expect(tick.code).toBe(3);
    expect(tick.err).toMatch(new RegExp(`npm start -- --port-offset ${e.portOffset}`));
    const invoke = await eagle('invoke', 'audit');
    expect(invoke.code).toBe(3);
    expect((await eagle('invoke', 'nonsense')).code).toBe(2);
  });

  it('tick, force-exit and regenerate-signal succeed against a running stack (tick and executeOrder served)', async () => {
    // executeOrder's market time, held still: the buy below is on the newest closed candle at it
    const runtime = testRuntime(
      { REPLAY_START: '2023-03-21T00:00:00Z', SYMBOLS: 'BTC/USDT' },
      { clock: steppedClock(Date.parse('2023-03-21T00:00:30Z')) },
    );
    const tickServer = await serveHttp('tick', makeTickHandler(runtime.tickDeps));
    const exec = await serveCloudEvent('executeOrder', makeExecuteOrderHandler(runtime.executeDeps));
    const pubsub = pubsubClient();
    try {
      await exec.quiesce();
      await resetFirestore();
      await setMarketTime('2023-03-21T00:00:00Z');
      expect((await eagle('backfill', '--symbol', 'BTC/USDT', '--timeframe', '1m', '--since', '2023-03-20')).code).toBe(0);
      // a tick never goes back before the stack's market time (409 naming asOf), so tick at it
      expect((await eagle('tick', '--as-of', '2023-03-20T23:30:30Z')).code).toBe(1);
      const tick = await eagle('tick', '--as-of', '2023-03-21T00:00:30Z');
      expect(tick.code).toBe(0);
      expect(tick.out).toMatch(/^tick 2023-03-21 00:00 .*BTC\/USDT/);

      const t = Date.parse('2023-03-20T23:59:00Z');
      const [c] = await new FirestoreCandleStore(db).read('BTC/USDT', '1m', t, t + 60_000);
      const buy = createSignal(
        {
          strategyVersion: 'test@1',
          symbol: 'BTC/USDT',
          timeframe: '1m',
          candleTime: t,
          side: 'buy',
          reason: 'regime_entry',
          refPrice: toAmount(c!.c),
          atr: toAmount('30'),
          qty: toAmount('0.01'),
        },
        t + 60_000,
      );
      await new PubSubSignalBus(pubsub, TOPICS.signals).publish(buy);
      await eventually(async () => ((await db.collection(PATHS.positions).get()).size === 1 ? true : undefined), 30_000, 'the buy to fill');

      expect((await eagle('status')).out).toMatch(/^mode NORMAL[\s\S]*1 open position\(s\)\nlocks: none/);
      expect((await eagle('positions')).out).toMatch(/^symbol +qty +entry +mark +uPnL[\s\S]*\nBTC\/USDT +0\.01 /);
      expect((await eagle('trades', '3')).out).toMatch(/\n1 +2023-03-2\d \d\d:\d\d +BTC\/USDT +buy +regime_entry +0\.01 /);
      expect(JSON.parse((await eagle('profit', '1d', '--json')).out)).toMatchObject({ period: '1d', trades: 1, closed: 0 });
      expect((await eagle('weekly', '2')).out.split('\n')).toHaveLength(3);
      expect((await eagle('performance')).out).toMatch(/\nBTC\/USDT +1 +0 +0\/0 +0 /);
      expect((await eagle('daily', 'many')).code).toBe(2);
      const unlock = await eagle('unlock', 'BTC/USDT');
      expect(unlock).toMatchObject({ code: 1, err: expect.stringMatching(/nothing is locked for BTC\/USDT/) });
      expect((await eagle('reload-config')).out).toMatch(/^config\/bot is valid; it takes effect/);
      const exit = await eagle('force-exit', 'all');
      expect(exit.code).toBe(0);
      expect(exit.out).toMatch(/^manual exit published: signal [0-9a-f]{32}, qty 0.01000000/);
      await eventually(
        async () => ((await db.collection(PATHS.positions).get()).size === 0 ? true : undefined),
        30_000,
        'the manual exit to fill',
      );
      const id = /signal ([0-9a-f]{32})/.exec(exit.out)![1]!;
      expect((await eagle('regenerate-signal', id)).out).toMatch(new RegExp(`^re-published signal ${id}`));
      expect((await eagle('audit')).code).toBe(0);
    } finally {
      await pubsub.close();
      await exec.close();
      await tickServer.close();
      await runtime.db.terminate();
    }
  });
});
