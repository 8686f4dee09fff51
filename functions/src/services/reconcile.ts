/**
 * Reconciliation (README → Reconciliation): the exchange account against the ledger.
 * - `reconcileInTick`: live mode, at the first tick, after a deploy and every `reconcile.everyTicks`
 *   ticks; drift → mode REDUCING (changeMode's transaction, so it composes by precedence) and one
 *   critical alert naming each difference.
 * - `runReconcile` (`eagle reconcile`): the comparison; with `confirm`, the drift booked as
 *   adjustments in one transaction, the exchange read again, and REDUCING lowered to NORMAL only when
 *   that second comparison is clean (never PAUSED or KILLED: those have their own way out).
 * Cost per run: store 2 reads (status/system + wallet/paper) + 1 read per open order's clientOrderId
 * (×2: orders/ and deadletters/), exchange 1 balance call + 1 open-orders call per market + 1 lookup
 * per open order; 1 write (status/system.reconcile).
 */
import { toAmount } from '../domain/money.ts';
import {
  compareWithLedger,
  driftAlert,
  planAdjustment,
  type LedgerAdjustment,
  type LookedUpOrder,
  type OrderKnowledge,
  type ReconcileReport,
} from '../domain/reconcile/index.ts';
import type { Book } from '../domain/portfolio/book.ts';
import { settledInBook } from '../domain/engine/index.ts';
import { rulesFor } from '../config/botRuntime.ts';
import type { ExchangeRules } from '../domain/marketRules.ts';
import type { BotConfig } from '../config/schema.ts';
import type { ExchangeAccount } from '../ports/exchangeAccount.ts';
import type { OpsStore } from '../ports/ops.ts';
import { errorFields, type Logger } from '../lib/log.ts';
import type { AdjustmentLedger, MarketView, StateStore, SystemStatus, TickSnapshot } from '../ports/state.ts';

export interface Compared {
  readonly report: ReconcileReport;
  readonly book: Book;
  readonly status: SystemStatus | null;
}

/** Markets compared: configured and held (a held symbol removed from config/bot is still the bot's). */
const marketsOf = (configured: readonly string[], book: Book) => [...new Set([...configured, ...Object.keys(book.positions)])].sort();

/** What the ledger knows of each open order's clientOrderId (= the signal id): never a guess from amounts. */
async function lookUp(
  store: StateStore,
  account: ExchangeAccount,
  listed: Awaited<ReturnType<ExchangeAccount['openOrders']>>,
  pendingIds: ReadonlySet<string>,
): Promise<LookedUpOrder[]> {
  const ids = listed.map((o) => o.clientOrderId).filter((id): id is string => id !== null);
  const outcomes = ids.length > 0 ? await store.executorOutcomes(ids) : new Map<string, 'filled' | 'not_filled'>();
  return Promise.all(
    listed.map(async (o) => {
      const order = (await account.order(o.symbol, o.id)) ?? o;
      const outcome = o.clientOrderId === null ? undefined : outcomes.get(o.clientOrderId);
      const known: OrderKnowledge =
        outcome === 'filled'
          ? 'booked'
          : outcome === 'not_filled'
            ? 'refused'
            : o.clientOrderId !== null && pendingIds.has(o.clientOrderId)
              ? 'in_flight'
              : null;
      return { order, known };
    }),
  );
}

export async function compareAccount(
  deps: { store: StateStore; account: ExchangeAccount; exchange: ExchangeRules },
  config: BotConfig,
  configured: readonly string[],
  now: number,
  tick?: { loaded: TickSnapshot; pending: ReadonlySet<string> },
): Promise<Compared> {
  const snap = tick?.loaded ?? (await deps.store.loadTick(toAmount(config.paper.initialCash), now));
  const symbols = marketsOf(configured, snap.book);
  const inFlight = tick?.pending ?? (await unsettled(deps.store, snap));
  const pendingIds = new Set([...snap.symbols].filter(([symbol]) => inFlight.has(symbol)).map(([, p]) => p.state.pending!.signalId));
  const [balances, listed] = await Promise.all([deps.account.balances(), deps.account.openOrders(symbols)]);
  const openOrders = await lookUp(deps.store, deps.account, listed, pendingIds);
  const report = compareWithLedger({
    wallet: snap.book.wallet,
    positions: snap.book.positions,
    symbols,
    rules: rulesFor(config, deps.exchange),
    cashTolerance: toAmount(config.reconcile.cashTolerance),
    balances,
    openOrders,
    inFlight: [...inFlight],
  });
  return { report, book: snap.book, status: snap.status };
}

/** Markets whose published order is neither in the book nor has an executor outcome yet (the tick's own settlement says the same). */
async function unsettled(store: StateStore, snap: TickSnapshot): Promise<Set<string>> {
  const open = [...snap.symbols].filter(
    ([symbol, p]) => p.state.pending && !settledInBook(p.state.pending, snap.book.positions[symbol] ?? null),
  );
  const outcomes = open.length > 0 ? await store.executorOutcomes(open.map(([, p]) => p.state.pending!.signalId)) : new Map();
  return new Set(open.filter(([, p]) => !outcomes.has(p.state.pending!.signalId)).map(([symbol]) => symbol));
}

/** audit_log's action for the REDUCING a reconciliation raised (the shadow backtest reads it as a mode change) */
export const REDUCE_ACTION = 'reconcile-reduce';

/** Due at the first reconciliation, after a deploy, and every `everyTicks` tick intervals. */
export function reconcileDue(
  status: SystemStatus | null,
  config: BotConfig,
  tickIntervalMs: number,
  version: string,
  now: number,
): boolean {
  const last = status?.reconcile;
  return !last || last.version !== version || now - last.at >= config.reconcile.everyTicks * tickIntervalMs;
}

/** The tick's reconciliation: drift raises REDUCING and a critical alert; the mark records the run. */
export async function reconcileInTick(
  deps: {
    store: StateStore;
    account: ExchangeAccount;
    exchange: ExchangeRules;
    /** audit_log: the shadow backtest explains the entries REDUCING held with it */
    audit?: Pick<OpsStore, 'recordAudit'>;
    log?: Logger;
  },
  config: BotConfig,
  configured: readonly string[],
  now: number,
  version: string,
  tick: { loaded: TickSnapshot; pending: ReadonlySet<string> },
): Promise<ReconcileReport> {
  const { report } = await compareAccount(deps, config, configured, now, tick);
  if (!report.clean) {
    await deps.store.raiseAlert(driftAlert(report, now));
    const reason = `reconciliation: ${report.differences.length} difference(s) with the exchange (exits only)`;
    const t = await deps.store.changeMode({ type: 'reduce' }, reason);
    if (t.ok && t.changed && deps.audit) {
      const entry = {
        at: now,
        who: 'reconciliation',
        via: 'system' as const,
        action: REDUCE_ACTION,
        params: { differences: report.differences.length },
        ok: true,
        status: 200,
        summary: `mode ${t.mode} (was ${t.from}): ${reason}`,
      };
      // REDUCING holds already: a lost record only leaves the shadow backtest's differences unexplained
      await deps.audit
        .recordAudit(entry)
        .catch((err: unknown) => deps.log?.log('ERROR', 'REDUCING not recorded in audit_log', errorFields(err)));
    }
  }
  await deps.store.recordReconcile({ at: now, clean: report.clean, differences: report.differences.length, version });
  return report;
}

/** status.markets is keyed by document-safe ids (BTC-USDT): find the market by its symbol */
const marketOf = (status: SystemStatus | null, symbol: string) => Object.values(status?.markets ?? {}).find((m) => m.symbol === symbol);
const markOf = (m: MarketView | undefined) =>
  m?.price != null && m.atr != null && m.price > 0 ? { price: toAmount(m.price), atr: toAmount(m.atr) } : null;

export interface ReconcileResult {
  readonly report: ReconcileReport;
  /** with confirm: the entries booked (none when nothing was left to book), and the comparison after them */
  readonly booked: LedgerAdjustment['entries'] | null;
  readonly after: ReconcileReport | null;
  readonly mode: SystemStatus['mode'];
}

export async function runReconcile(
  deps: { store: StateStore; ledger: AdjustmentLedger; account: ExchangeAccount; exchange: ExchangeRules },
  config: BotConfig,
  configured: readonly string[],
  now: number,
  confirm: { note: string; by: string } | null,
): Promise<ReconcileResult> {
  const first = await compareAccount(deps, config, configured, now);
  if (!confirm) return { report: first.report, booked: null, after: null, mode: first.status?.mode ?? 'NORMAL' };
  const rules = rulesFor(config, deps.exchange);
  const adjusted = await deps.ledger.adjust(toAmount(config.paper.initialCash), now, (book) =>
    planAdjustment({
      book,
      report: first.report,
      rules,
      marks: (symbol) => markOf(marketOf(first.status, symbol)),
      risk: config.risk,
      note: confirm.note,
      by: confirm.by,
      now,
    }),
  );
  const after = await compareAccount(deps, config, configured, now);
  // the version the tick recorded, so this run counts as the deployed code's own
  await deps.store.recordReconcile({
    at: now,
    clean: after.report.clean,
    differences: after.report.differences.length,
    version: after.status?.version ?? 'unknown',
  });
  let mode = after.status?.mode ?? 'NORMAL';
  // Clean means every market was judged: one deferred (a bot order in flight) keeps REDUCING until a later run.
  if (after.report.clean && after.report.deferred.length === 0)
    mode = (await deps.store.changeMode({ type: 'reduce_cleared' }, `reconciled by ${confirm.by}: ${confirm.note}`)).mode;
  return { report: first.report, booked: adjusted?.entries ?? [], after: after.report, mode };
}
