/**
 * The admin actions, thin over the existing services and ports. Both the admin HTTP function and
 * the `eagle` CLI call runAdminAction; the caller records the audit_log entry.
 */
import type { ModeEvent } from '../domain/mode.ts';
import { createSignal, decodeSignal } from '../domain/signal.ts';
import { entryNotCurrent } from '../domain/engine/currentPrice.ts';
import { timeframeMs } from '../domain/candle.ts';
import { guardTimeframeFor } from '../domain/engine/index.ts';
import { toAmount } from '../domain/money.ts';
import type { ExchangeRules } from '../domain/marketRules.ts';
import { BotConfigError, parseBotConfig } from '../config/load.ts';
import { validateBotConfig } from '../config/botRuntime.ts';
import type { Env } from '../config/schema.ts';
import type { CandleStore, MarketData, SignalBus } from '../ports/index.ts';
import type { AdjustmentLedger, StateStore } from '../ports/state.ts';
import type { Logger } from '../lib/log.ts';
import type { Caller, OpsStore, SchedulerControl } from '../ports/ops.ts';
import { ActionError, type AdminRequest } from './adminActions.ts';
import { backfillCandles, checkGaps, NothingToDoError } from './adminCandles.ts';
import { healthReport } from './adminHealth.ts';
import {
  locksReport,
  performanceReport,
  periodsReport,
  positionsReport,
  profitReport,
  statusReport,
  tradesReport,
} from './adminReports.ts';
import { liftLocks, locksOf, unlockRefusal } from './adminLocks.ts';
import { pastAsOf } from './tickAsOf.ts';
import { runAudit } from './auditLedger.ts';
import { runReconcile } from './reconcile.ts';
import { syncAccess } from './dashboardAccess.ts';
import type { AuthAccounts } from '../ports/access.ts';
import { ReconcileError } from '../domain/reconcile/index.ts';
import type { ExchangeAccount } from '../ports/exchangeAccount.ts';

export interface AdminDeps {
  env: Pick<Env, 'SYMBOLS' | 'TIMEFRAME' | 'CONFIG_CACHE_MS'>;
  store: StateStore;
  ops: OpsStore;
  candles: CandleStore;
  /** loaded on first use: only backfill needs the market source, only signals need Pub/Sub */
  source: () => Promise<MarketData>;
  bus: () => Promise<SignalBus>;
  /** the exchange's market rules a new config/bot is checked against (the trading runtime's venue) */
  exchangeRules: () => Promise<ExchangeRules>;
  scheduler: SchedulerControl;
  /** reconciliation's ledger writer, and the live exchange account (null in paper mode) */
  ledger: AdjustmentLedger;
  account: () => Promise<ExchangeAccount | null>;
  /** the sign-in accounts whose access claim access-sync sets (loaded on first use) */
  accounts: () => Promise<AuthAccounts>;
  tick: (req: { asOf?: number }) => Promise<unknown>;
  /** the target stack's market time (replay clock, or the wall clock live) */
  marketNow: () => Promise<number>;
  wallNow: () => number;
  log: Logger;
  /** backfill progress (the CLI draws a bar) */
  onBackfillStep?: (done: number, total: number, candles: number, to: number) => void;
}

const MANUAL_STRATEGY = 'manual@1';

/** One transaction: a concurrent kill switch or budget pause composes with it by precedence (domain/mode.ts). */
async function changeMode(deps: AdminDeps, event: ModeEvent, reason: string) {
  const t = await deps.store.changeMode(event, reason);
  if (!t.ok) throw new ActionError(409, t.reason);
  return { from: t.from, mode: t.mode, changed: t.changed };
}

async function forceExit(deps: AdminDeps, symbol: string, by: string) {
  const config = parseBotConfig(await deps.store.getBotConfigDoc());
  const now = await deps.marketNow();
  const book = await deps.store.getBook(toAmount(config.paper.initialCash), now);
  const position = book.positions[symbol];
  if (!position) throw new ActionError(409, `no open position in ${symbol}`, 'symbol');
  const timeframe = config.timeframe ?? deps.env.TIMEFRAME;
  const newest = await deps.candles.newest(symbol, timeframe);
  const candle = newest === null ? undefined : (await deps.candles.read(symbol, timeframe, newest, newest + timeframeMs(timeframe)))[0];
  if (!candle) throw new ActionError(409, `no stored ${timeframe} candle for ${symbol} to price the exit`, 'symbol');
  const signal = createSignal(
    {
      strategyVersion: MANUAL_STRATEGY,
      symbol,
      timeframe,
      candleTime: candle.t,
      side: 'sell',
      reason: 'manual',
      refPrice: toAmount(candle.c),
      atr: 0n,
      qty: position.qty,
    },
    now,
  );
  await deps.store.saveSignals([signal]);
  const messageId = await (await deps.bus()).publish(signal);
  deps.log.log('WARNING', 'manual exit published', { symbol, signalId: signal.id, qty: position.qty, by });
  return { signalId: signal.id, messageId, qty: position.qty, refPrice: signal.refPrice };
}

/** `force-exit all`: every open position, each its own manual exit signal. */
async function forceExitAll(deps: AdminDeps, by: string) {
  const config = parseBotConfig(await deps.store.getBotConfigDoc());
  const book = await deps.store.getBook(toAmount(config.paper.initialCash), await deps.marketNow());
  const symbols = Object.keys(book.positions).sort();
  if (symbols.length === 0) throw new ActionError(409, 'no open position to exit', 'symbol');
  const exits = [];
  for (const symbol of symbols) exits.push(await forceExit(deps, symbol, by));
  return { exits };
}

async function regenerateSignal(deps: AdminDeps, id: string) {
  const doc = await deps.ops.getSignalDoc(id);
  if (!doc) throw new ActionError(404, `signals/${id} does not exist`, 'signalId');
  // signals/{id} holds the wire form (amounts as 8-decimal strings): decode it as executeOrder would.
  let signal;
  try {
    signal = decodeSignal(doc);
  } catch (err) {
    throw new ActionError(409, `signals/${id} cannot be re-published: ${(err as Error).message}`, 'signalId');
  }
  // Re-decide rather than replay an old price: an entry fills only while its candle is current (the
  // tick decides again on its next run); an exit is re-published and executeOrder prices it at the
  // current candle.
  if (signal.side === 'buy') {
    const notCurrent = entryNotCurrent(signal, await deps.marketNow());
    if (notCurrent)
      throw new ActionError(
        409,
        `signals/${id} is an entry that is no longer current (${notCurrent}); the tick decides again on its next run`,
        'signalId',
      );
  }
  const messageId = await (await deps.bus()).publish(signal);
  return { signalId: id, messageId };
}

/** Validated by building the runtime from it, exactly as the tick and executeOrder will load it. */
/** What the admin function checks before it stores a new config/bot; `eagle config --set FILE --dry-run` runs it offline. */
export async function setConfig(deps: Pick<AdminDeps, 'env' | 'exchangeRules'>, doc: Record<string, unknown>) {
  try {
    return validateBotConfig(doc, deps.env.TIMEFRAME, await deps.exchangeRules(), 'set').config;
  } catch (err) {
    if (err instanceof BotConfigError) throw new ActionError(400, err.message, err.field);
    throw err;
  }
}

async function reconcile(deps: AdminDeps, req: Extract<AdminRequest, { action: 'reconcile' }>, by: string) {
  const account = await deps.account();
  if (!account)
    throw new ActionError(409, 'reconcile compares a live exchange account with the ledger: this stack trades paper (TRADING_MODE=paper)');
  const config = parseBotConfig(await deps.store.getBotConfigDoc());
  try {
    return await runReconcile(
      { store: deps.store, ledger: deps.ledger, account, exchange: await deps.exchangeRules() },
      config,
      config.symbols ?? deps.env.SYMBOLS,
      await deps.marketNow(),
      req.confirm ? { note: req.reason!, by } : null,
    );
  } catch (err) {
    if (err instanceof ReconcileError) throw new ActionError(409, err.message);
    throw err;
  }
}

/** Warm instances keep config/bot for CONFIG_CACHE_MS: say so in the answer. */
export const takesEffect = (cacheMs: number): string =>
  cacheMs === 0 ? 'at the next invocation (CONFIG_CACHE_MS=0)' : `within ${cacheMs / 1000} s (CONFIG_CACHE_MS)`;

export async function runAdminAction(deps: AdminDeps, req: AdminRequest, caller: Caller): Promise<unknown> {
  const by = `${req.action} by ${caller.id}`;
  switch (req.action) {
    case 'tick': {
      const past = req.asOf === undefined ? null : await pastAsOf(deps.store, req.asOf);
      if (past) throw new ActionError(409, past, 'asOf');
      return deps.tick({ asOf: req.asOf });
    }
    case 'backfill':
      try {
        return await backfillCandles(
          { source: await deps.source(), candles: deps.candles },
          req,
          await deps.marketNow(),
          deps.onBackfillStep,
        );
      } catch (err) {
        if (err instanceof NothingToDoError) throw new ActionError(400, err.message, 'since');
        throw err;
      }
    case 'check-gaps': {
      const config = parseBotConfig(await deps.store.getBotConfigDoc());
      // 'all': the timeframes the bot stores: its decision timeframe and the finer one its stops are checked on.
      const decision = config.timeframe ?? deps.env.TIMEFRAME;
      const guard = guardTimeframeFor(decision);
      const tfs = req.timeframe === 'all' ? [decision, ...(guard ? [guard] : [])] : [req.timeframe];
      const reports = await checkGaps(deps.candles, config.symbols ?? deps.env.SYMBOLS, tfs, req.days);
      return { gaps: reports.reduce((n, r) => n + r.gaps.length, 0), symbols: reports };
    }
    case 'regenerate-signal':
      return regenerateSignal(deps, req.signalId);
    case 'pause':
      return changeMode(deps, { type: 'admin_set', to: 'PAUSED' }, req.reason ?? by);
    case 'resume': {
      const r = await changeMode(deps, { type: 'admin_set', to: 'NORMAL' }, req.reason ?? by);
      await deps.scheduler.setPaused(false, req.reason ?? by);
      return r;
    }
    case 'kill':
      return changeMode(deps, { type: 'kill_switch' }, req.reason ?? by);
    case 'reset':
      return changeMode(deps, { type: 'reset', authenticated: true }, req.reason ?? by);
    case 'scheduler-pause':
      await deps.scheduler.setPaused(true, req.reason ?? by);
      deps.log.log('CRITICAL', 'trading Scheduler stopped by an operator: no tick runs, no stop is checked, until `eagle resume`', {
        by: caller.id,
      });
      return { schedulerPaused: true };
    case 'force-exit':
      return req.symbol === 'all' ? forceExitAll(deps, caller.id) : forceExit(deps, req.symbol, caller.id);
    case 'stop-entries':
      return changeMode(deps, { type: 'admin_set', to: 'PAUSED' }, req.reason ?? by);
    case 'status':
      return statusReport(deps);
    case 'positions':
      return positionsReport(deps);
    case 'profit':
      return profitReport(deps, req.period);
    case 'daily':
      return periodsReport(deps, 'day', req.n);
    case 'weekly':
      return periodsReport(deps, 'week', req.n);
    case 'monthly':
      return periodsReport(deps, 'month', req.n);
    case 'performance':
      return performanceReport(deps);
    case 'trades':
      return tradesReport(deps, req.n);
    case 'locks':
      return locksReport(deps);
    case 'unlock': {
      const r = await liftLocks(deps.store, req.target);
      if (r.lifted.length > 0) {
        deps.log.log('WARNING', 'protection locks lifted', {
          target: req.target,
          lifted: r.lifted.map((l) => l.id),
          by: caller.id,
          ...(req.reason ? { reason: req.reason } : {}),
        });
        return r;
      }
      // Nothing of the protections held it: say what does, and what lifts that.
      const [status, raw] = await Promise.all([deps.store.getStatus(), deps.ops.readStatusDoc()]);
      const symbolTarget = req.target === 'all' || !req.target.includes('/') ? undefined : req.target;
      throw new ActionError(
        409,
        unlockRefusal(locksOf(status, raw?.schedulerPaused === true, await deps.marketNow()), symbolTarget),
        'target',
      );
    }
    case 'show-config':
      return { config: parseBotConfig(await deps.store.getBotConfigDoc()) };
    case 'reload-config': {
      const config = await setConfig(deps, (await deps.store.getBotConfigDoc()) as Record<string, unknown>);
      return { config, valid: true, takesEffect: takesEffect(deps.env.CONFIG_CACHE_MS) };
    }
    case 'health':
      return healthReport(deps.ops, async () => runAudit(deps.store, await deps.marketNow()), {
        marketNow: await deps.marketNow(),
        wallNow: deps.wallNow(),
        sinceMs: req.since,
      });
    case 'audit':
      return runAudit(deps.store, await deps.marketNow(), {
        full: req.full === true || req.rollups === true,
        rollups: req.rollups === true,
      });
    case 'reconcile':
      return reconcile(deps, req, caller.id);
    case 'access-sync':
      return syncAccess({ ops: deps.ops, accounts: await deps.accounts() });
    case 'config': {
      if (!req.set) return { config: parseBotConfig(await deps.store.getBotConfigDoc()) };
      const config = await setConfig(deps, req.set);
      await deps.ops.setBotConfigDoc(req.set);
      return { config, saved: true, takesEffect: takesEffect(deps.env.CONFIG_CACHE_MS) };
    }
  }
}
