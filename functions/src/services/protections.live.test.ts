/**
 * Protections on the live path (runTick → executeSignalMessage, in lock-step on the in-memory fakes
 * that pass the Firestore contract): each protection places the same locks and the run makes the same
 * trades as the backtester over the same candles; entries wait under a lock, stops still fire, and an
 * admin's lift (StateStore.liftLocks) frees the symbol at the next tick.
 */
import { describe, expect, it } from 'vitest';
import { loadBundledSeries } from '../adapters/replay/ReplayMarketData.ts';
import { recordedExchangeRules } from '../adapters/paper/recordedRules.ts';
import { rulesFor } from '../config/botRuntime.ts';
import { parseBotConfig } from '../config/load.ts';
import { backtestLoop } from '../domain/engine/index.ts';
import { toAmount, toDecimalString } from '../domain/money.ts';
import { ALL_SYMBOLS, type Lock } from '../domain/protections/index.ts';
import { resolveRegimeParams } from '../domain/regime/index.ts';
import { getStrategy } from '../strategies/registry.ts';
import type { Trade } from '../domain/trading.types.ts';
import { executeSignalMessage } from './executeSignal.ts';
import { runTick } from './runTick.ts';
import { asMessage, memoryDeps, testConfigDoc } from '../wiring/memory.ts';

const M = 60_000;
const HISTORY = 300;
const SYMBOLS = ['BTC/USDT', 'ETH/USDT'];
const FROM = Date.parse('2023-03-22T12:00:00Z');
const TICKS = 180;
// buy-and-hold with stops one ATR away on 1m candles: stopped out again and again
const RISK = { stopAtrMult: 1, trailingAtrMult: 1, trailingActivationAtrMult: 1, killSwitchDrawdownPct: 50, dailyLossLimitPct: 100 };
const doc = (protections: object) =>
  testConfigDoc({ symbols: SYMBOLS, strategy: { name: 'buy_and_hold', params: {} }, risk: RISK, protections });

const key = (t: Trade) =>
  [t.id, t.time, t.symbol, t.side, t.reason, toDecimalString(t.qty), toDecimalString(t.price), toDecimalString(t.fee)].join(' ');
const sorted = (ts: Iterable<Trade>) =>
  [...ts].sort((a, b) => a.time - b.time || a.symbol.localeCompare(b.symbol) || a.side.localeCompare(b.side)).map(key);

/** The live path, one tick 30 s after each 1m close, each published signal executed before the next tick. */
async function live(protections: object, opts: { liftAt?: number } = {}) {
  const w = memoryDeps({ SYMBOLS: SYMBOLS.join(','), HISTORY_CANDLES: String(HISTORY) });
  w.db.config = doc(protections);
  for (let k = 0; k < TICKS; k++) {
    const now = FROM + k * M + 30_000;
    w.clock.t = now;
    if (opts.liftAt === k) await w.store.liftLocks('all');
    const report = await runTick(w.tick, { tickId: `t${k}`, now });
    for (const id of report.published) await executeSignalMessage(w.execute, asMessage(w.bus.published.find((s) => s.id === id)!));
  }
  const locks = [...w.db.alerts.values()].filter((a) => a.kind === 'protection');
  return { w, trades: [...w.db.trades.values()], locks };
}

function backtest(protections: object) {
  const cfg = parseBotConfig(doc(protections));
  const end = FROM + (TICKS - 1) * M;
  const candles = Object.fromEntries(
    SYMBOLS.map((s) => [s, loadBundledSeries(s, '1m').filter((c) => c.t >= FROM - HISTORY * M && c.t < end)]),
  );
  return backtestLoop({
    timeframe: '1m',
    candles,
    strategy: getStrategy(cfg.strategy.name, cfg.strategy.params),
    risk: cfg.risk,
    regime: resolveRegimeParams(cfg.regime, '1m'),
    rulesFor: rulesFor(cfg, recordedExchangeRules()),
    feeBps: cfg.paper.feeBps,
    slippageBps: cfg.paper.slippageBps,
    initialCash: toAmount(cfg.paper.initialCash),
    warmupUntil: FROM - M,
    protections: cfg.protections,
  });
}

const buysIn = (trades: readonly Trade[], l: Pick<Lock, 'symbol' | 'from' | 'until'>) =>
  trades.filter((t) => t.side === 'buy' && (l.symbol === ALL_SYMBOLS || t.symbol === l.symbol) && t.time >= l.from && t.time < l.until);

const CASES: [string, object][] = [
  ['cooldown', { cooldown: { minutes: 20 } }],
  ['stoploss_guard', { stoplossGuard: { stops: 2, lookbackHours: 1, lockMinutes: 30, scope: 'all' } }],
  ['low_profit', { lowProfit: { minTrades: 2, lookbackHours: 1, requiredProfitPct: 0, lockMinutes: 30 } }],
  ['max_drawdown', { maxDrawdown: { minTrades: 2, lookbackHours: 1, maxDrawdownPct: 0.1, lockMinutes: 30 } }],
];

describe('protections on the live path (runTick + executeOrder on the fakes) = the backtester', () => {
  const unprotected = backtest({});

  it.each(CASES)('%s: the same locks and the same trades as the backtester; no entry on a locked scope', async (name, protections) => {
    const bt = backtest(protections);
    const { trades, locks } = await live(protections);
    const btLocks = bt.locks.filter((l) => l.protection === name);
    expect(btLocks.length, 'the window exercises it').toBeGreaterThan(0);
    expect(locks.map((a) => a.id).sort()).toEqual(
      bt.locks
        .map((l) => `lock_${l.id}`)
        .sort()
        .map((id) => id.replace(/_(\d+)$/, (_, t: string) => `_${Number(t) + 30_000}`)),
    );
    expect(sorted(trades)).toEqual(sorted(bt.trades));
    for (const l of btLocks) expect(buysIn(bt.trades, { ...l, from: l.from + 1 })).toEqual([]);
    // it changed something: without it, the backtester entered inside a window it locks
    expect(btLocks.some((l) => buysIn(unprotected.trades, { ...l, from: l.from + 1 }).length > 0)).toBe(true);
  });

  it("a locked symbol's open position keeps its stop: stopped out (and filled) while a lock on all symbols holds", async () => {
    const { w, trades, locks } = await live({ stoplossGuard: { stops: 1, lookbackHours: 1, lockMinutes: 120, scope: 'all' } });
    expect(locks.length).toBeGreaterThan(1);
    // trade times are candle closes; the tick that decided them ran 30 s later
    const decided = (t: Trade) => t.time + 30_000;
    const underLock = (t: Trade) => locks.some((l) => decided(t) > l.createdAt && decided(t) < l.createdAt + 120 * M);
    const stopped = trades.filter((t) => t.side === 'sell' && ['stop_loss', 'trailing_stop'].includes(t.reason) && underLock(t));
    expect(stopped.length, 'a position held into the lock is stopped under it').toBeGreaterThan(0);
    expect(trades.filter((t) => t.side === 'buy' && underLock(t))).toEqual([]);
    expect(w.db.status!.protections.locks.length).toBeGreaterThan(0);
  });

  it('an admin lift frees the symbol at the next tick', async () => {
    const protections = { cooldown: { minutes: 600 } };
    const locked = await live(protections);
    const first = locked.locks.reduce((a, b) => (a.createdAt <= b.createdAt ? a : b));
    const liftAt = (first.createdAt - 30_000 - FROM) / M + 5;
    const liftTime = FROM + liftAt * M + 30_000;
    const buysFrom = (trades: Trade[]) =>
      trades.filter((t) => t.side === 'buy' && t.symbol === first.symbol && t.time + 30_000 >= liftTime);
    expect(buysFrom(locked.trades)).toEqual([]);
    const lifted = await live(protections, { liftAt });
    expect(buysFrom(lifted.trades)[0]?.time, 'bought on the tick after the lift').toBe(liftTime - 30_000);
    expect(lifted.w.db.status!.locksLifted).toContain(first.id.replace(/^lock_/, ''));
  });
});
