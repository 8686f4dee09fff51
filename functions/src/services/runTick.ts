import { lastClosedOpenTime, timeframeMs, type Timeframe } from '../domain/candle.ts';
import { computeIndicators } from '../domain/indicators/index.ts';
import { classifyRegime, resolveRegimeParams } from '../domain/regime/index.ts';
import { decideOnCandle } from '../domain/engine/decideOnCandle.ts';
import { getStrategy } from '../domain/strategy/index.ts';
import { INITIAL_REGIME_STATE, type IndicatorSnapshot } from '../domain/regime.types.ts';
import { toAmount } from '../domain/money.ts';
import type { Position, Signal } from '../domain/trading.types.ts';
import type { BotConfig, Env } from '../config/schema.ts';
import { parseBotConfig } from '../config/load.ts';
import type { CandleStore, Clock, MarketData, Metrics, SignalBus } from '../ports/index.ts';
import type { FeedHealth, MarketState, StateStore, SystemStatus } from '../ports/state.ts';
import { errorFields, type Logger } from '../lib/log.ts';
import { mapSettledLimit } from '../lib/mapLimit.ts';
import { refreshWindow, type CandleWindowCache } from './candleWindow.ts';
import { settleBook } from './settleBook.ts';

export interface TickDeps {
  env: Env;
  store: StateStore;
  candles: CandleStore;
  source: MarketData;
  bus: SignalBus;
  clock: Clock;
  wallClock: Clock;
  cache: CandleWindowCache;
  metrics: Metrics;
  log: Logger;
  version: string;
}

export interface SymbolReport {
  symbol: string;
  ingested: number;
  backfilled: number;
  gaps: number;
  /** candle-store reads this tick: 1 on a cold instance, 0 when the warm window cache serves */
  candleReads: number;
  regime: MarketState['regime'];
  price: number | null;
  stale: boolean;
  error: string | null;
  signals: string[];
}

export interface TickReport {
  tickId: string;
  marketTime: number;
  latencyMs: number;
  mode: SystemStatus['mode'];
  symbols: SymbolReport[];
  /** ids of the signals sent to executeOrder this tick (kill-switch liquidations included) */
  published: string[];
}

/** A symbol is stale when its newest closed candle closed more than two timeframes ago. */
export function isStale(lastCandleAt: number | null, now: number, tf: Timeframe): boolean {
  if (lastCandleAt === null) return true;
  const step = timeframeMs(tf);
  return now - (lastCandleAt + step) > 2 * step;
}

export async function runTick(deps: TickDeps, opts: { tickId: string; now?: number }): Promise<TickReport> {
  const started = deps.wallClock.now();
  const now = opts.now ?? deps.clock.now();
  const log = deps.log.child({ tickId: opts.tickId });
  const config: BotConfig = parseBotConfig(await deps.store.getBotConfigDoc());
  const symbols = config.symbols ?? deps.env.SYMBOLS;
  const timeframe = config.timeframe ?? deps.env.TIMEFRAME;
  const strategy = getStrategy(config.strategy.name, config.strategy.params);
  const regimeParams = resolveRegimeParams(config.regime, timeframe);
  const closedUntil = lastClosedOpenTime(now, timeframe) + timeframeMs(timeframe);

  const [status, { markets, corrupt }, book] = await Promise.all([
    deps.store.getStatus(),
    deps.store.getMarkets(symbols),
    deps.store.getBook(toAmount(config.paper.initialCash), now),
  ]);
  // A corrupt market document costs that symbol its regime memory, not the tick: start it afresh
  // (this tick's write replaces the document) and tell a human.
  for (const [symbol, reason] of corrupt) {
    log.log('ERROR', 'corrupt market document; starting the symbol afresh', { symbol, reason });
    await deps.store.raiseAlert({ id: `corrupt_market_${symbol.replace('/', '-')}_${now}`, kind: 'error', severity: 'warning', symbol, message: reason, createdAt: now });
  }
  // A fresh database: record the starting mode once, so every reader sees an explicit NORMAL.
  if (status === null) await deps.store.setMode('NORMAL', 'initial mode');
  const mode = status?.mode ?? 'NORMAL';
  const entriesPaused = status?.entriesPausedUntil != null && status.entriesPausedUntil > now;

  const results = await mapSettledLimit(symbols, deps.env.SYMBOL_CONCURRENCY, async (symbol) => {
    const slog = log.child({ symbol });
    // State recorded under another timeframe (config/bot changed) says nothing about this one.
    const recorded = markets.get(symbol);
    const prev = recorded?.timeframe === timeframe ? recorded : undefined;
    const window = await refreshWindow({ symbol, timeframe, closedUntil, nowMs: now, size: deps.env.HISTORY_CANDLES, cache: deps.cache, store: deps.candles, source: deps.source });
    const snapshots = computeIndicators(window.candles);
    // Regime hysteresis walks every candle not yet classified, so a catch-up tick ends in the same state as N ticks.
    let regimeState = prev?.regimeState ?? INITIAL_REGIME_STATE;
    const lastDone = prev?.lastCandleAt ?? -Infinity;
    for (const snap of snapshots) if (snap.t > lastDone) regimeState = classifyRegime(snap, regimeState, regimeParams);
    const latest: IndicatorSnapshot | undefined = snapshots.at(-1);
    const candle = window.candles.at(-1);
    const lastCandleAt = candle?.t ?? prev?.lastCandleAt ?? null;
    const stale = isStale(lastCandleAt, now, timeframe);
    let signals: Signal[] = [];
    let position: Position | null = book.positions[symbol] ?? null;
    // Decide only on a candle this symbol has not acted on yet: a repeated tick emits nothing new.
    if (candle && latest && candle.t > lastDone) {
      const decision = decideOnCandle({
        symbol, timeframe, candle, indicators: latest, regime: regimeState.regime, position, mode, entriesPaused, stale,
        strategy, risk: config.risk, now,
      });
      signals = decision.signals;
      position = decision.position;
    }
    const { t: _t, close: _c, ...indicators } = latest ?? { t: 0, close: 0 };
    const market: MarketState = {
      symbol, timeframe, lastCandleAt, price: candle?.c ?? prev?.price ?? null, regime: regimeState.regime, regimeState,
      indicators: latest ? (indicators as MarketState['indicators']) : null, stale, error: null, updatedAt: now,
    };
    await deps.store.saveMarket(market);
    slog.log(stale ? 'WARNING' : 'INFO', 'symbol ticked', { ingested: window.ingested, backfilled: window.backfilled, gaps: window.gaps.length, regime: market.regime, stale, signals: signals.map((s) => s.id) });
    return { market, window, signals, position };
  });

  const reports: SymbolReport[] = [];
  const feeds: Record<string, FeedHealth> = {};
  const signals: Signal[] = [];
  const positions: Position[] = [];
  const prices: Record<string, number> = {};
  for (const [i, r] of results.entries()) {
    const symbol = symbols[i]!;
    if (r.status === 'fulfilled') {
      const { market, window } = r.value;
      feeds[symbol] = { lastCandleAt: market.lastCandleAt, stale: market.stale, error: null };
      signals.push(...r.value.signals);
      if (r.value.position) positions.push(r.value.position);
      if (market.price !== null) prices[symbol] = market.price;
      reports.push({ symbol, ingested: window.ingested, backfilled: window.backfilled, gaps: window.gaps.length, candleReads: window.readsFromStore, regime: market.regime, price: market.price, stale: market.stale, error: null, signals: r.value.signals.map((s) => s.id) });
    } else {
      // One symbol's failure never blocks the others: keep its last good data, mark it, move on.
      const prev = markets.get(symbol);
      const error = r.reason instanceof Error ? r.reason.message : String(r.reason);
      const lastCandleAt = prev?.lastCandleAt ?? null;
      const stale = isStale(lastCandleAt, now, timeframe);
      log.log('ERROR', 'symbol failed', { symbol, ...errorFields(r.reason) });
      feeds[symbol] = { lastCandleAt, stale, error };
      const held = book.positions[symbol];
      if (held) positions.push(held);
      if (prev?.price != null) prices[symbol] = prev.price;
      await deps.store.saveMarket({
        ...(prev ?? { symbol, timeframe, lastCandleAt: null, price: null, regime: 'unknown', regimeState: INITIAL_REGIME_STATE, indicators: null }),
        stale, error, updatedAt: now,
      });
      reports.push({ symbol, ingested: 0, backfilled: 0, gaps: 0, candleReads: 0, regime: prev?.regime ?? 'unknown', price: prev?.price ?? null, stale, error, signals: [] });
    }
    const feed = feeds[symbol]!;
    if (feed.stale) {
      await deps.store.raiseAlert({
        id: `stale_${symbol.replace('/', '-')}_${feed.lastCandleAt ?? 'never'}`, kind: 'stale_feed', severity: 'warning', symbol, createdAt: now,
        message: `${symbol}: no closed candle since ${feed.lastCandleAt === null ? 'start' : new Date(feed.lastCandleAt).toISOString()}${feed.error ? ` (${feed.error})` : ''}; no new entries`,
      });
    }
  }

  const candleTimes: Record<string, number> = {};
  for (const [symbol, feed] of Object.entries(feeds)) if (feed.lastCandleAt !== null) candleTimes[symbol] = feed.lastCandleAt;
  const settled = await settleBook(deps, { book, mode, entriesPaused, positions, prices, candleTimes, signals, now, config, timeframe, log });
  const latencyMs = deps.wallClock.now() - started;
  const staleCount = Object.values(feeds).filter((f) => f.stale).length;
  await deps.store.saveStatus({
    mode: settled.mode, modeReason: null, entriesPausedUntil: null, lastTickAt: deps.wallClock.now(), lastTickLatencyMs: latencyMs, lastTickId: opts.tickId,
    feeds, healthScore: Math.round(100 * (1 - staleCount / Math.max(1, symbols.length))), version: deps.version, marketTime: now,
  });
  await deps.metrics.record([
    { name: 'tick_latency_ms', value: latencyMs },
    { name: 'candles_ingested', value: reports.reduce((s, r) => s + r.ingested + r.backfilled, 0) },
    { name: 'signals_published', value: settled.published.length },
    { name: 'stale_feeds', value: staleCount },
  ]);
  return { tickId: opts.tickId, marketTime: now, latencyMs, mode: settled.mode, symbols: reports, published: settled.published };
}
