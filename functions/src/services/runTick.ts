/**
 * The tick: load (status/system + wallet/paper, two reads) → the engine's steps → save (one write to
 * status/system, one equity point, the candles it ingested). Every trading and account rule lives in
 * domain/engine; this file only moves state in and out and talks to the ports.
 */
import { lastClosedOpenTime, timeframeMs, type Timeframe } from '../domain/candle.ts';
import {
  engineStep,
  expiredPendingAlert,
  guardOf,
  guardTimeframeFor,
  initialSymbolState,
  isStale,
  resolvePending,
  settledInBook,
  withGuard,
  type AccountStepResult,
  type SymbolSlot,
  type SymbolStepResult,
} from '../domain/engine/index.ts';
import { toAmount, toNumber } from '../domain/money.ts';
import { resolveRegimeParams } from '../domain/regime/index.ts';
import { activeStop } from '../domain/risk/index.ts';
import { getStrategy } from '../strategies/registry.ts';
import { activeLocks, EMPTY_PROTECTIONS } from '../domain/protections/index.ts';
import type { Alert } from '../domain/alerts.ts';
import { keyHealthAlerts } from '../domain/keyHealth.ts';
import type { Position, Side } from '../domain/trading.types.ts';
import type { BotConfig, Env } from '../config/schema.ts';
import { transitionMode } from '../domain/mode.ts';
import { utcDay } from '../domain/wallet.ts';
import type { ReconcileReport } from '../domain/reconcile/index.ts';
import type { ExchangeAccount } from '../ports/exchangeAccount.ts';
import type { OpsStore } from '../ports/ops.ts';
import { reconcileDue, reconcileInTick } from './reconcile.ts';
import { configProblemAlert, executionParams, type BotConfigSource } from '../config/botConfig.ts';
import type { CandleStore, Clock, MarketData, Metrics, SignalBus, Venue } from '../ports/index.ts';
import type { FeedHealth, MarketView, PersistedSymbol, StateStore, SystemStatus, TickSnapshot } from '../ports/state.ts';
import { errorFields, type Logger } from '../lib/log.ts';
import { mapSettledLimit } from '../lib/mapLimit.ts';
import { refreshWindow, type CandleWindowCache, type WindowResult } from './candleWindow.ts';
import { refreshGuard, type GuardWindow } from './guardWindow.ts';

export interface TickDeps {
  env: Env;
  store: StateStore;
  config: BotConfigSource;
  candles: CandleStore;
  source: MarketData;
  /** the exchange's market rules (also behind `config`) and, live, the key's health */
  venue: Venue;
  bus: SignalBus;
  clock: Clock;
  wallClock: Clock;
  cache: CandleWindowCache;
  metrics: Metrics;
  log: Logger;
  version: string;
  /** live mode only: the exchange account reconciliation reads (services/reconcile.ts) */
  account?: ExchangeAccount;
  /** where the REDUCING a reconciliation raises is recorded beside the operators' calls (audit_log, via system) */
  audit?: Pick<OpsStore, 'recordAudit'>;
}

export interface SymbolReport {
  symbol: string;
  ingested: number;
  backfilled: number;
  gaps: number;
  /** candle-store reads this tick: 1 on a cold instance, 0 when the warm window cache serves */
  candleReads: number;
  regime: MarketView['regime'];
  price: number | null;
  stale: boolean;
  error: string | null;
  signals: string[];
  /** the candles an open position's stops were checked on this tick ('1m' guard, or the decision timeframe where the source has no 1m); null without a position */
  protectedOn: Timeframe | null;
}

export interface TickReport {
  tickId: string;
  marketTime: number;
  latencyMs: number;
  mode: SystemStatus['mode'];
  symbols: SymbolReport[];
  /** ids of the signals sent to executeOrder this tick (kill-switch liquidations included) */
  published: string[];
  /** symbols waiting for an order published earlier: nothing new is decided for them */
  pending: string[];
  /** entries the account step did not emit, and why */
  skipped: { symbol: string; reason: string }[];
  /** live mode, when due: the reconciliation with the exchange (null: not this tick, or it failed) */
  reconciled: { clean: boolean; differences: string[] } | null;
}

export async function runTick(deps: TickDeps, opts: { tickId: string; now?: number }): Promise<TickReport> {
  const log = deps.log.child({ tickId: opts.tickId });
  try {
    return await tick(deps, opts, log);
  } catch (err) {
    log.log('ERROR', 'tick failed', errorFields(err));
    throw err;
  }
}

async function tick(deps: TickDeps, opts: { tickId: string; now?: number }, log: Logger): Promise<TickReport> {
  const started = deps.wallClock.now();
  const now = opts.now ?? deps.clock.now();
  // An invalid config/bot never stops the tick: the last good config runs the stops, entries wait (README → Configuration).
  const { config, problem: configProblem, exchange } = await deps.config.load();
  if (configProblem)
    log.log('CRITICAL', 'config/bot is invalid; protecting only', { field: configProblem.field, using: configProblem.using });
  if (!exchange.available) log.log('ERROR', 'exchange market rules unavailable; no entries until they load', { source: exchange.source });
  // A key that may not trade (or may withdraw) takes no entries; exits still go out (domain/keyHealth.ts).
  const key = await deps.venue.keyHealth(deps.wallClock.now());
  if (key.problems.length > 0) log.log('CRITICAL', 'exchange key refused; protecting only', { problems: key.problems, detail: key.detail });
  const timeframe = config.timeframe ?? deps.env.TIMEFRAME;
  const strategy = getStrategy(config.strategy.name, config.strategy.params);
  const regimeParams = resolveRegimeParams(config.regime, timeframe);
  const params = executionParams(config, exchange);
  const closedUntil = lastClosedOpenTime(now, timeframe) + timeframeMs(timeframe);

  const loaded = await deps.store.loadTick(toAmount(config.paper.initialCash), now);
  const configured = new Set(config.symbols ?? deps.env.SYMBOLS);
  // Held symbols are watched whether configured or not: removing one from config/bot must not strand a position.
  const symbols = [...new Set([...configured, ...Object.keys(loaded.book.positions)])].sort();
  const alerts: Alert[] = [...(configProblem ? [configProblemAlert(configProblem, now)] : []), ...keyHealthAlerts(key, now)];
  for (const [symbol, reason] of loaded.corrupt) {
    log.log('ERROR', 'corrupt engine state; starting the symbol afresh', { symbol, reason });
    alerts.push({
      id: `corrupt_state_${symbol.replace('/', '-')}_${now}`,
      kind: 'error',
      severity: 'warning',
      symbol,
      message: reason,
      createdAt: now,
    });
  }

  const { persisted, pending, landing } = await settlePending(deps.store, loaded, symbols, timeframe, now, alerts, log);
  // The first tick of a UTC day (or ever) records what it starts from: the shadow backtest replays the day from it.
  const today = utcDay(now);
  if (loaded.status === null || loaded.book.wallet.day !== today) {
    await deps.store.saveDayStart({ start: { day: today, at: now, book: loaded.book, symbols: Object.fromEntries(persisted) }, config });
  }

  // Beside the symbols, never before them: a slow exchange must not delay the stops.
  const reconciling = reconcileIfDue(deps, config, configured, now, { loaded, pending: new Set(pending.keys()) }, log);

  const book = loaded.book;
  const positions: Record<string, Position> = {};
  for (const [symbol, p] of Object.entries(book.positions)) positions[symbol] = withGuard(p, persisted.get(symbol)?.guard ?? null);

  const errors = new Map<string, string>();
  const fetched = await fetchAll(deps, { symbols, timeframe, closedUntil, now, positions, persisted }, errors, log);
  const slots: SymbolSlot[] = symbols.map((symbol, i) => ({
    symbol,
    state: persisted.get(symbol)!.state,
    candles: fetched[i]!.window?.candles ?? [],
    guard: fetched[i]!.guard,
    position: null,
    now,
    tradable: configured.has(symbol),
    mode: book.mode,
    entriesPaused: false,
    strategy,
    risk: config.risk,
    regime: regimeParams,
  }));

  const reconciled = await reconciling;
  // Drift found this tick already holds this tick's entries (the executor re-checks the stored mode too).
  const mode = reconciled && !reconciled.clean ? transitionMode(book.mode, { type: 'reduce' }).mode : book.mode;
  const entriesHeld = configProblem !== null || key.problems.length > 0;
  // Locks an admin lifted are dropped here: the tick never writes locksLifted, so a lift during a tick holds.
  const protections = {
    params: config.protections,
    state: activeLocks(loaded.status?.protections ?? EMPTY_PROTECTIONS, loaded.status?.locksLifted ?? []),
  };
  const engine = engineStep({ book: { ...book, mode, positions }, slots, pending, now, params, entriesHeld, protections });
  for (const l of engine.locked)
    log.log('WARNING', 'protection lock placed', {
      symbol: l.symbol,
      protection: l.protection,
      until: new Date(l.until).toISOString(),
      reason: l.reason,
    });
  const account = engine.account;
  // The decision candles go to the store with what the step read from them (the chart draws those).
  const steps = new Map(
    symbols.map((symbol, i) => {
      const f = fetched[i]!;
      const step = engine.steps[i]!;
      const window = f.window;
      return [symbol, { ...f, step, writes: [...(window ? [() => window.store(step.readings)] : []), ...f.writes] }];
    }),
  );
  for (const step of engine.steps) alerts.push(...step.alerts);
  alerts.push(...account.alerts);
  if (account.modeChange) log.log('CRITICAL', account.modeChange.reason, { drawdownPct: account.limits.drawdownPct });
  for (const s of account.skipped)
    log.log('INFO', 'entry not taken', {
      symbol: s.intent.symbol,
      reason: s.reason,
      ...(s.detail === undefined ? {} : { detail: s.detail }),
    });

  const { saved, markets, feeds } = symbolsToSave({ symbols, steps, persisted, account, errors, landing, now, timeframe });
  const staleCount = Object.values(feeds).filter((f) => f.stale).length;

  // Signals and state first, then publish: executeOrder must find the marks this tick decided with.
  await deps.store.saveSignals(account.signals);
  const save = {
    symbols: saved,
    markets,
    feeds,
    account: account.book.wallet,
    entriesPausedUntil: account.book.entriesPausedUntil,
    lastTickAt: deps.wallClock.now(),
    lastTickLatencyMs: deps.wallClock.now() - started,
    lastTickId: opts.tickId,
    marketTime: now,
    healthScore: Math.round(100 * (1 - staleCount / Math.max(1, symbols.length))),
    version: deps.version,
    protections: engine.protections,
  };
  // The status write goes first and the candles beside it, not before it: the page sees the tick one commit
  // sooner (scripts/bench-latency.ts). The publish waits for both: executeOrder checks prices against the stored candles.
  const status = deps.store.saveTick(save);
  const [, unstored] = await Promise.all([status, storeCandles(steps, log)]);
  // The mode moves only in changeMode's transaction (precedence: a concurrent budget pause or admin kill is never lowered).
  if (account.modeChange || loaded.status === null)
    await deps.store.changeMode(
      account.modeChange ? { type: 'kill_switch' } : { type: 'initial' },
      account.modeChange?.reason ?? 'initial mode',
    );
  // A signal whose candles were not stored waits, like a failed publish: executeOrder could not check its price.
  const failed = new Set<string>(account.publish.filter((s) => unstored.has(s.symbol)).map((s) => s.symbol));
  await Promise.all(
    account.publish
      .filter((s) => !failed.has(s.symbol))
      .map((s) =>
        deps.bus.publish(s).catch((err: unknown) => {
          failed.add(s.symbol);
          log.log('ERROR', 'publish failed; the signal will be decided again next tick', {
            symbol: s.symbol,
            signalId: s.id,
            ...errorFields(err),
          });
        }),
      ),
  );
  if (failed.size > 0) {
    for (const symbol of failed) saved.set(symbol, { ...saved.get(symbol)!, state: { ...saved.get(symbol)!.state, pending: null } });
    await deps.store.saveTick({ ...save, symbols: saved });
  }
  await Promise.all(alerts.map((a) => deps.store.raiseAlert(a)));
  await deps.store.recordEquity(now, account.book.wallet.equity);
  // The first tick of a new UTC day closes the last one in its rollup (one write a day).
  if (loaded.status?.account && book.wallet.day !== account.book.wallet.day) {
    await deps.store.closeDay(
      book.wallet.day,
      { open: book.wallet.dayStartEquity, close: book.wallet.equity, peak: book.wallet.peakEquity },
      now,
    );
  }

  const latencyMs = deps.wallClock.now() - started;
  const publishedIds = account.publish.filter((s) => !failed.has(s.symbol)).map((s) => s.id);
  await deps.metrics.record([
    { name: 'tick_latency_ms', value: latencyMs },
    {
      name: 'candles_ingested',
      value: [...steps.values()].reduce((s, r) => s + (r.window?.ingested ?? 0) + (r.window?.backfilled ?? 0), 0),
    },
    { name: 'signals_published', value: publishedIds.length },
    { name: 'stale_feeds', value: staleCount },
    { name: 'equity', value: toNumber(account.book.wallet.equity) },
    { name: 'drawdown_pct', value: account.limits.drawdownPct },
  ]);
  const reports: SymbolReport[] = symbols.map((symbol) => {
    const done = steps.get(symbol);
    const m = markets[symbol]!;
    return {
      symbol,
      ingested: done?.window?.ingested ?? 0,
      backfilled: done?.window?.backfilled ?? 0,
      gaps: done?.window?.gaps.length ?? 0,
      candleReads: done?.window?.readsFromStore ?? 0,
      regime: m.regime,
      price: m.price,
      stale: m.stale,
      error: m.error,
      signals: account.signals.filter((s) => s.symbol === symbol).map((s) => s.id),
      protectedOn: done?.step.protectedOn ?? null,
    };
  });
  for (const r of reports)
    log.log(r.stale ? 'WARNING' : 'INFO', 'symbol ticked', {
      symbol: r.symbol,
      ingested: r.ingested,
      backfilled: r.backfilled,
      gaps: r.gaps,
      regime: r.regime,
      stale: r.stale,
      signals: r.signals,
    });
  return {
    tickId: opts.tickId,
    marketTime: now,
    latencyMs,
    mode: account.book.mode,
    symbols: reports,
    published: publishedIds,
    pending: [...pending.keys()],
    skipped: account.skipped.map((s) => ({
      symbol: s.intent.symbol,
      reason: s.detail === undefined ? s.reason : `${s.reason}: ${s.detail}`,
    })),
    reconciled: reconciled && { clean: reconciled.clean, differences: reconciled.differences.map((d) => `${d.cause}: ${d.explanation}`) },
  };
}

/** What status/system gets per symbol: the engine state (with the order it published), the position's guard, the feed, the market view. */
function symbolsToSave(t: {
  symbols: readonly string[];
  steps: ReadonlyMap<string, { step: SymbolStepResult }>;
  persisted: ReadonlyMap<string, PersistedSymbol>;
  account: AccountStepResult;
  errors: ReadonlyMap<string, string>;
  landing: ReadonlySet<string>;
  now: number;
  timeframe: Timeframe;
}) {
  const { account, now } = t;
  const saved = new Map<string, PersistedSymbol>();
  const markets: Record<string, MarketView> = {};
  const feeds: Record<string, FeedHealth> = {};
  for (const symbol of t.symbols) {
    const done = t.steps.get(symbol);
    const prev = t.persisted.get(symbol)!;
    const state = done ? done.step.state : prev.state;
    const held = account.book.positions[symbol] ?? null;
    const published = account.publish.find((s) => s.symbol === symbol);
    const error = t.errors.get(symbol) ?? null;
    const stale = done ? done.step.stale : isStale(state.lastCandleAt, now, t.timeframe);
    // The watchdog reads when each position's stops last ran.
    const checkedAt = done?.step.protectedOn
      ? now
      : prev.guard && held && prev.guard.tradeId === held.openTradeId
        ? prev.guard.checkedAt
        : (held?.entryTime ?? now);
    saved.set(symbol, {
      state: {
        ...state,
        pending: published
          ? { signalId: published.id, side: published.side, emittedAt: now }
          : t.landing.has(symbol)
            ? null
            : state.pending,
      },
      guard: held ? guardOf(held, checkedAt) : null,
    });
    feeds[symbol] = { lastCandleAt: state.lastCandleAt, stale, error };
    markets[symbol] = marketView(symbol, saved.get(symbol)!.state, held, stale, error, now);
  }
  return { saved, markets, feeds };
}

interface Fetched {
  window: WindowResult | null;
  /** the guard candles the stops run on; undefined leaves them to the decision candles */
  guard: GuardWindow | undefined;
  /** the guard candle writes the refresh prepared (the decision candles are stored with the step's readings) */
  writes: (() => Promise<unknown>)[];
}

/** Every symbol's candles, fetched concurrently; a rejection here is a bug, not a feed problem (fetchSymbol catches those). */
async function fetchAll(
  deps: TickDeps,
  q: {
    symbols: readonly string[];
    timeframe: Timeframe;
    closedUntil: number;
    now: number;
    positions: Readonly<Record<string, Position>>;
    persisted: ReadonlyMap<string, PersistedSymbol>;
  },
  errors: Map<string, string>,
  log: Logger,
): Promise<Fetched[]> {
  const settled = await mapSettledLimit(q.symbols, deps.env.SYMBOL_CONCURRENCY, (symbol) =>
    fetchSymbol(
      deps,
      {
        symbol,
        timeframe: q.timeframe,
        closedUntil: q.closedUntil,
        now: q.now,
        position: q.positions[symbol] ?? null,
        pending: q.persisted.get(symbol)!.state.pending !== null,
      },
      errors,
      log,
    ),
  );
  return settled.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  });
}

/**
 * A symbol's new decision candles and, for a held position with no order in flight, its guard candles.
 * A feed failing never blocks the other symbols: it steps with no new candle (and goes stale in time).
 */
async function fetchSymbol(
  deps: TickDeps,
  q: { symbol: string; timeframe: Timeframe; closedUntil: number; now: number; position: Position | null; pending: boolean },
  errors: Map<string, string>,
  log: Logger,
): Promise<Fetched> {
  const { symbol, now } = q;
  let window: WindowResult | null = null;
  try {
    window = await refreshWindow({
      symbol,
      timeframe: q.timeframe,
      closedUntil: q.closedUntil,
      nowMs: now,
      size: deps.env.HISTORY_CANDLES,
      cache: deps.cache,
      store: deps.candles,
      source: deps.source,
    });
  } catch (err) {
    errors.set(symbol, err instanceof Error ? err.message : String(err));
    log.log('ERROR', 'symbol feed failed', { symbol, ...errorFields(err) });
  }
  // An open position is checked on the finest candles every tick, not only when a decision candle closes.
  const guardTimeframe = guardTimeframeFor(q.timeframe);
  let guard: GuardWindow | null = null;
  if (q.position && guardTimeframe && !q.pending) {
    try {
      guard = await refreshGuard({
        symbol,
        timeframe: guardTimeframe,
        from: q.position.checkedUntil,
        nowMs: now,
        cache: deps.cache,
        store: deps.candles,
        source: deps.source,
      });
      if (guard.error)
        log.log('INFO', 'guard candles unavailable; the stops run on what is known', {
          symbol,
          timeframe: guardTimeframe,
          reason: guard.error,
        });
    } catch (err) {
      log.log('ERROR', 'guard candles failed; the stops run on the decision candles', { symbol, ...errorFields(err) });
    }
  }
  return {
    window,
    // a series that has nothing yet and is not current (no 1m data here) leaves the stops to the decision candles
    guard: guard && (guard.current || guard.candles.length > 0) ? guard : undefined,
    writes: guard ? [guard.store] : [],
  };
}

/** Live mode, when due (services/reconcile.ts). A failure is logged and alerted, never the tick's: it tries again next tick. */
async function reconcileIfDue(
  deps: TickDeps,
  config: BotConfig,
  configured: ReadonlySet<string>,
  now: number,
  tick: { loaded: TickSnapshot; pending: ReadonlySet<string> },
  log: Logger,
): Promise<ReconcileReport | null> {
  if (deps.env.TRADING_MODE !== 'live' || !deps.account) return null;
  if (!reconcileDue(tick.loaded.status, config, Number(deps.env.TICK_INTERVAL.slice(0, -1)) * 60_000, deps.version, now)) return null;
  try {
    const report = await reconcileInTick(
      { store: deps.store, account: deps.account, exchange: await deps.venue.rules(), audit: deps.audit, log },
      config,
      [...configured],
      now,
      deps.version,
      tick,
    );
    log.log(
      report.clean ? 'INFO' : 'CRITICAL',
      report.clean ? 'reconciled with the exchange' : 'exchange and ledger disagree; mode REDUCING',
      { differences: report.differences.map((d) => d.explanation), deferred: report.deferred },
    );
    return report;
  } catch (err) {
    log.log('ERROR', 'reconciliation failed; trying again next tick', errorFields(err));
    await deps.store.raiseAlert({
      id: 'reconcile_failed',
      kind: 'reconcile',
      severity: 'warning',
      message: `reconciliation with the exchange failed: ${err instanceof Error ? err.message.slice(0, 300) : String(err)}`,
      createdAt: now,
    });
    return null;
  }
}

/** Write the candles the refreshes fetched; the symbols whose write failed (logged; fetched again next tick). */
async function storeCandles(steps: Map<string, { writes: (() => Promise<unknown>)[] }>, log: Logger): Promise<Set<string>> {
  const unstored = new Set<string>();
  await Promise.all(
    [...steps].flatMap(([symbol, { writes }]) =>
      writes.map(async (write) => {
        const err = await write();
        if (err === null) return;
        unstored.add(symbol);
        log.log('ERROR', 'candles not stored; the next tick reads the store and fetches them again', { symbol, ...errorFields(err) });
      }),
    ),
  );
  return unstored;
}

/**
 * The engine's memory per symbol (fresh after a timeframe switch), with earlier orders resolved:
 * settled (the book shows it, or the executor recorded an outcome) and forgotten, still open, landing
 * (filled after the book was read: nothing is decided for the symbol this tick), or given up.
 */
async function settlePending(
  store: StateStore,
  loaded: TickSnapshot,
  symbols: readonly string[],
  timeframe: Timeframe,
  now: number,
  alerts: Alert[],
  log: Logger,
) {
  const persisted = new Map<string, PersistedSymbol>();
  for (const symbol of symbols) {
    const prev = loaded.symbols.get(symbol);
    persisted.set(symbol, prev && prev.state.timeframe === timeframe ? prev : { state: initialSymbolState(timeframe), guard: null });
  }
  const unresolved = [...persisted].filter(
    ([s, p]) => p.state.pending && !settledInBook(p.state.pending, loaded.book.positions[s] ?? null),
  );
  const outcomes = await store.executorOutcomes(unresolved.map(([, p]) => p.state.pending!.signalId));
  const pending = new Map<string, Side>();
  const landing = new Set<string>();
  for (const [symbol, p] of persisted) {
    const order = p.state.pending;
    if (!order) continue;
    const resolution = resolvePending(order, loaded.book.positions[symbol] ?? null, outcomes.get(order.signalId) ?? null, now, timeframe);
    if (resolution === 'open' || resolution === 'landing') {
      pending.set(symbol, order.side);
      if (resolution === 'landing') landing.add(symbol);
      continue;
    }
    if (resolution === 'expired') {
      alerts.push(expiredPendingAlert(symbol, order, now));
      log.log('ERROR', 'published order never settled; giving up on it', { symbol, signalId: order.signalId });
    }
    persisted.set(symbol, { ...p, state: { ...p.state, pending: null } });
  }
  return { persisted, pending, landing };
}

function marketView(
  symbol: string,
  state: PersistedSymbol['state'],
  held: Position | null,
  stale: boolean,
  error: string | null,
  now: number,
): MarketView {
  const i = state.snapshot;
  return {
    symbol,
    timeframe: state.timeframe,
    lastCandleAt: state.lastCandleAt,
    price: state.price,
    regime: state.regime.regime,
    adx: i?.adx ?? null,
    pdi: i?.pdi ?? null,
    mdi: i?.mdi ?? null,
    atr: i?.atr ?? null,
    atrPct: i?.atrPct ?? null,
    atrPctAvg: i?.atrPctAvg ?? null,
    ema50: i?.ema50 ?? null,
    ema200: i?.ema200 ?? null,
    stale,
    staleSince: state.staleSince,
    error,
    stop: held ? activeStop(held).price : null,
    takeProfit: held?.takeProfit ?? null,
    updatedAt: now,
  };
}
