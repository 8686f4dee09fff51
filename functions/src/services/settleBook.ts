import type { Timeframe } from '../domain/candle.ts';
import { toAmount, type Amount } from '../domain/money.ts';
import { markToMarket, type Book } from '../domain/portfolio/index.ts';
import { nextUtcDayStart, riskLimits } from '../domain/risk/index.ts';
import { killSwitchSignals } from '../domain/engine/index.ts';
import { modeAllows, transitionMode } from '../domain/mode.ts';
import type { Position, Signal, SystemMode } from '../domain/trading.types.ts';
import type { BotConfig } from '../config/schema.ts';
import type { SignalBus } from '../ports/index.ts';
import type { StateStore } from '../ports/state.ts';
import type { Logger } from '../lib/log.ts';

/**
 * End of a tick, account-wide: mark the book to the new closes, enforce the kill switch and the
 * daily loss limit, then record every signal and publish those the mode lets through.
 */
export async function settleBook(
  deps: { store: StateStore; bus: SignalBus },
  args: {
    book: Book;
    mode: SystemMode;
    entriesPaused: boolean;
    positions: Position[];
    prices: Record<string, number>;
    candleTimes: Record<string, number>;
    signals: Signal[];
    now: number;
    config: BotConfig;
    timeframe: Timeframe;
    log: Logger;
  },
): Promise<{ mode: SystemMode; published: string[]; equity: Amount }> {
  const { book, now, config, log } = args;
  const prices: Record<string, Amount> = Object.fromEntries(Object.entries(args.prices).map(([s, p]) => [s, toAmount(p)]));
  const positions: Record<string, Position> = Object.fromEntries(args.positions.map((p) => [p.symbol, { ...p, lastPrice: prices[p.symbol] ?? p.lastPrice }]));
  const wallet = markToMarket(book.wallet, positions, prices, now);
  const limits = riskLimits(wallet, config.risk);
  let mode = args.mode;
  let signals = args.signals;

  if (limits.killSwitch && mode !== 'KILLED') {
    mode = transitionMode(mode, { type: 'kill_switch' }).mode;
    const reason = `kill switch: drawdown ${limits.drawdownPct.toFixed(2)}% from peak exceeds ${config.risk.killSwitchDrawdownPct}%`;
    await deps.store.setMode(mode, reason);
    await deps.store.raiseAlert({ id: `kill_switch_${now}`, kind: 'kill_switch', severity: 'critical', message: `${reason}; closing all positions`, createdAt: now });
    log.log('CRITICAL', reason, { drawdownPct: limits.drawdownPct });
  }
  if (mode === 'KILLED') {
    // Liquidate on the kill and on every tick after it while anything is still open (a lost or
    // rejected sell must not leave a position behind); nothing new opens.
    const candleTime = Math.max(0, ...Object.values(args.candleTimes));
    signals = killSwitchSignals({ positions, timeframe: args.timeframe, candleTime, prices, now });
  } else if (limits.dailyLossHit && !args.entriesPaused) {
    const until = nextUtcDayStart(now);
    const reason = `daily loss ${limits.dayChangePct.toFixed(2)}% exceeds −${config.risk.dailyLossLimitPct}%: entries paused until ${new Date(until).toISOString()}`;
    await deps.store.pauseEntriesUntil(until, reason);
    await deps.store.raiseAlert({ id: `daily_loss_${wallet.day}`, kind: 'daily_loss', severity: 'warning', message: reason, createdAt: now });
    log.log('WARNING', reason);
    signals = signals.filter((s) => s.side === 'sell');
  }

  await deps.store.saveSignals(signals);
  // OBSERVATION records signals but places no orders; PAUSED/KILLED let only exits through.
  const toPublish = signals.filter((s) => modeAllows(mode, s.side === 'buy' ? 'entry' : 'exit'));
  await Promise.all(toPublish.map((s) => deps.bus.publish(s)));
  const published = toPublish.map((s) => s.id);
  await deps.store.saveMarks(wallet, Object.values(positions), now);
  await deps.store.recordEquity(now, wallet.equity);
  return { mode, published, equity: wallet.equity };
}
