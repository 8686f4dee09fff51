/**
 * executeOrder: decode → check the signal against the bot's own data (price, then time: only a
 * current price fills) → one transaction that reads the book, re-checks every gate (planOrder:
 * shrink or refuse, never grow), fills and books it.
 * Poison (malformed, forged price, stale entry, take-profit below target, unknown symbol) is acked
 * into deadletters/ once, never retried.
 */
import { decodeSignal } from '../domain/signal.ts';
import { atCurrentPrice, exitNeedsCurrentCandle, signalPriceMismatch, takeProfitBelowTarget } from '../domain/engine/index.ts';
import { lastClosedOpenTime, type Candle } from '../domain/candle.ts';
import { applyFill, planOrder, InvariantError } from '../domain/portfolio/index.ts';
import { toAmount } from '../domain/money.ts';
import type { MarketRules } from '../domain/marketRules.ts';
import type { Fill, Signal } from '../domain/trading.types.ts';
import { PoisonMessageError } from '../domain/errors.ts';
import { liveOutcomeOverdue } from '../domain/alerts.ts';
import { rulesFor, type BotConfigSource } from '../config/botConfig.ts';
import type { Broker, CandleStore, Clock, Metrics, Venue } from '../ports/index.ts';
import type { Book, BookChange, LiveOrderDesk, OrderLedger, StateStore } from '../ports/state.ts';
import type { PubSubMessage } from '../ports/message.ts';
import { errorFields, type Logger } from '../lib/log.ts';

export interface ExecuteDeps {
  store: StateStore;
  ledger: OrderLedger;
  candles: CandleStore;
  config: BotConfigSource;
  /** the environment's SYMBOLS, used when config/bot names none */
  symbols: readonly string[];
  /** paper: a broker with this invocation's fee/slippage settings; live: the exchange */
  broker: (paper: { feeBps: number; slippageBps: number }) => Broker;
  /** the exchange's market rules (also behind `config`) and, live, the key's health: a key that may not trade takes no entries */
  venue: Venue;
  clock: Clock;
  /**
   * Replay only: the market time our own tick last recorded (status/system.marketTime). A replay's
   * ticks may run ahead of this process's replay clock (the soak, a hand-invoked `asOf`); market time
   * is then the later of the two. Never a time from the message.
   */
  recordedMarketTime?: () => Promise<number | null>;
  metrics: Metrics;
  log: Logger;
}

export type ExecuteResult =
  | { status: 'filled' | 'rejected'; signalId: string; change: BookChange }
  | { status: 'duplicate'; signalId: string }
  | { status: 'dead_lettered'; reason: string };

/**
 * The newest stored candle of the signal's symbol and timeframe closed at `now`, for an exit whose own
 * candle may be old: one read for its time, one for the candle; none when it is the signal's own.
 */
async function newestClosedCandle(candles: CandleStore, signal: Signal, now: number): Promise<Candle | null> {
  const last = lastClosedOpenTime(now, signal.timeframe);
  const newest = await candles.newest(signal.symbol, signal.timeframe);
  if (newest === null || newest <= signal.candleTime) return null;
  if (newest <= last) return (await candles.read(signal.symbol, signal.timeframe, newest, newest + 1))[0] ?? null;
  // The store is ahead of this clock (a replay ticked past it): the newest candle closed by now.
  return (await candles.read(signal.symbol, signal.timeframe, signal.candleTime + 1, last + 1)).at(-1) ?? null;
}

function decode(message: PubSubMessage): Signal {
  if (message.envelopeError) throw new PoisonMessageError(message.envelopeError);
  if (message.body === null) throw new PoisonMessageError('message has no data (attributes only)');
  try {
    return decodeSignal(message.body);
  } catch (err) {
    throw new PoisonMessageError(err instanceof Error ? err.message : String(err));
  }
}

/** The outcome of a live order is not known yet (exchange lag, timeout, open order): Pub/Sub redelivers. */
export class LiveOrderPendingError extends Error {
  override readonly name = 'LiveOrderPendingError';
}

/**
 * Live: the exchange call happens outside any transaction that can be re-run.
 *   tx 1 (beginLive): orders/{id} exists ⇒ duplicate; an intent exists ⇒ go on with it (reconcile);
 *         another intent of the same symbol in flight ⇒ refused (recorded);
 *         else planOrder on the book ⇒ refused (recorded) or the intent (recorded, 'placing').
 *   desk.place: looks the order up by client order id first; sends only if it was never sent or the
 *         exchange's not-found lag since the last attempt is over; beforeSend records the attempt
 *         in a transaction that fails if another delivery recorded one meanwhile.
 *   tx 2 (finishLive): filled ⇒ applyFill; rejected ⇒ the order is recorded rejected and the
 *         message dead-lettered; unknown ⇒ nothing recorded, throw so Pub/Sub redelivers (and, once
 *         the intent is LIVE_OUTCOME_ALERT_AFTER_MS old, raise a critical alert for a human).
 */
async function executeLive(a: {
  deps: ExecuteDeps;
  desk: LiveOrderDesk;
  signal: Signal;
  initialCash: bigint;
  now: number;
  log: Logger;
  refusal: (book: Book, inFlight?: ReadonlySet<string>) => BookChange | bigint;
  book: (book: Book, fill: Fill, rules: MarketRules | null) => BookChange;
  /** the rules the fill is booked with: the planned ones, or, if the markets had not loaded then, the venue's now that the exchange filled */
  bookingRules: () => Promise<MarketRules | null>;
}): Promise<{ status: 'done'; result: Awaited<ReturnType<OrderLedger['execute']>> } | { status: 'rejected_by_exchange'; reason: string }> {
  const { deps, desk, signal, initialCash, now } = a;
  const step = await deps.ledger.beginLive(signal.id, initialCash, now, async (b, inFlight) => {
    const planned = a.refusal(b, inFlight);
    return typeof planned === 'bigint'
      ? { intent: { signalId: signal.id, symbol: signal.symbol, side: signal.side, qty: planned, createdAt: now } }
      : { refused: planned };
  });
  if (step.kind === 'final') return { status: 'done', result: { duplicate: true, change: null } };
  if (step.kind === 'refused') return { status: 'done', result: { duplicate: false, change: step.change } };
  const { intent } = step;
  const outcome = await desk.place(intent, { beforeSend: (at) => deps.ledger.markAttempt(signal.id, intent.lastAttemptAt, at) });
  if (outcome.status === 'unknown') {
    a.log.log('WARNING', 'live order outcome unknown; Pub/Sub will redeliver', {
      reason: outcome.reason,
      retryAfterMs: outcome.retryAfterMs,
    });
    const overdue = liveOutcomeOverdue(intent, now, outcome.reason);
    if (overdue) await deps.store.raiseAlert(overdue);
    throw new LiveOrderPendingError(`live order ${signal.id}: ${outcome.reason}`);
  }
  if (outcome.status === 'rejected') {
    const base = { signalId: signal.id, symbol: signal.symbol, side: signal.side, createdAt: now };
    await deps.ledger.finishLive(signal.id, initialCash, now, async () => ({
      order: { ...base, outcome: { status: 'rejected', reason: `exchange: ${outcome.reason}` } },
    }));
    return { status: 'rejected_by_exchange', reason: outcome.reason };
  }
  const rules = await a.bookingRules();
  return { status: 'done', result: await deps.ledger.finishLive(signal.id, initialCash, now, async (b) => a.book(b, outcome.fill, rules)) };
}

export async function executeSignalMessage(deps: ExecuteDeps, message: PubSubMessage): Promise<ExecuteResult> {
  const recorded = deps.recordedMarketTime ? await deps.recordedMarketTime() : null;
  const now = Math.max(deps.clock.now(), recorded ?? -Infinity);
  const deadLetter = async (id: string, reason: string): Promise<ExecuteResult> => {
    // Ack into deadletters/ with the reason; rethrowing would only loop until the DLQ.
    await deps.store.recordDeadLetter({
      id,
      source: 'executeOrder',
      reason,
      payload: message.body?.slice(0, 10_000) ?? message.raw,
      attributes: message.attributes,
      receivedAt: now,
    });
    deps.log.log('ERROR', 'message dead-lettered', { messageId: message.id, reason });
    await deps.metrics.record([{ name: 'dead_letters', value: 1 }]);
    return { status: 'dead_lettered', reason };
  };
  let signal: Signal;
  try {
    signal = decode(message);
  } catch (err) {
    if (!(err instanceof PoisonMessageError)) throw err;
    return deadLetter(message.id, err.message);
  }
  const log = deps.log.child({ signalId: signal.id, symbol: signal.symbol });
  // An invalid config/bot does not loop the message: exits go on with the last good config (or the
  // defaults), entries are refused and recorded (the tick raises the alert). README → Configuration.
  const { config, problem: configProblem, exchange } = await deps.config.load();
  if (configProblem) log.log('ERROR', 'config/bot is invalid; exits only', { field: configProblem.field, using: configProblem.using });
  const rules = rulesFor(config, exchange)(signal.symbol);
  const ctx = { risk: config.risk, rules, feeBps: config.paper.feeBps, slippageBps: config.paper.slippageBps };

  // Never trust a number from outside: the price must be our own stored candle's.
  const [candle] = await deps.candles.read(signal.symbol, signal.timeframe, signal.candleTime, signal.candleTime + 1);
  const mismatch = signalPriceMismatch(signal, candle ?? null);
  if (mismatch) return deadLetter(signal.id, `price check: ${mismatch}`);

  // Nor a time: an entry fills only at the current candle, an exit sells at it (same id, repriced).
  // A refusal is acted on inside the transaction, after its duplicate check: a late redelivery of a
  // signal that already filled is a duplicate, not a dead letter.
  const current = atCurrentPrice(
    signal,
    now,
    exitNeedsCurrentCandle(signal, now) ? await newestClosedCandle(deps.candles, signal, now) : null,
  );
  const order = current.kind === 'fill' ? current.signal : signal;
  if (current.kind === 'fill' && current.repriced)
    log.log('INFO', 'late exit priced at the current candle', {
      candleTime: signal.candleTime,
      currentCandleTime: order.candleTime,
      refPrice: signal.refPrice,
      currentPrice: order.refPrice,
    });

  // An unconfigured symbol is traded only to close what is held there (the extra read happens only then).
  const configured = config.symbols ?? deps.symbols;
  if (!configured.includes(signal.symbol)) {
    const book = await deps.store.getBook(toAmount(config.paper.initialCash), now);
    if (!(signal.side === 'sell' && book.positions[signal.symbol]))
      return deadLetter(signal.id, `unconfigured symbol: ${signal.symbol} is neither in config/bot.symbols nor held`);
  }

  const key = signal.side === 'buy' ? await deps.venue.keyHealth(deps.clock.now()) : null;
  if (key && key.problems.length > 0) log.log('ERROR', 'exchange key refused; exits only', { problems: key.problems });
  const base = { signalId: signal.id, symbol: signal.symbol, side: signal.side, createdAt: now };
  const refusal = (book: Book, inFlight?: ReadonlySet<string>): BookChange | bigint => {
    if (current.kind === 'refused') throw new PoisonMessageError(current.reason);
    // Live: another order of this symbol was sent and is not booked yet; the book cannot size against it
    // (two entries would both pass, and the second fill could not be booked). The tick re-emits what is still due.
    if (inFlight?.has(signal.symbol))
      return {
        order: {
          ...base,
          outcome: { status: 'rejected', reason: `order_in_flight: another live ${signal.symbol} order is not booked yet` },
        },
      };
    // The signal's own price, before any repricing: a take-profit below the target was never due.
    const belowTarget = takeProfitBelowTarget(signal, book.positions[signal.symbol]);
    if (belowTarget) throw new PoisonMessageError(belowTarget);
    const plan =
      configProblem && signal.side === 'buy'
        ? {
            kind: 'rejected' as const,
            reason: 'config_invalid',
            detail: `config/bot is invalid (${configProblem.field}): no entries until it is fixed`,
          }
        : key && key.problems.length > 0
          ? { kind: 'rejected' as const, reason: 'key_refused', detail: `${key.detail}: no entries until it is fixed` }
          : planOrder(book, order, ctx);
    return plan.kind === 'rejected'
      ? { order: { ...base, outcome: { status: 'rejected', reason: `${plan.reason}: ${plan.detail}` } } }
      : plan.qty;
  };
  const book = (book: Book, fill: Fill, bookRules = rules): BookChange => {
    const applied = applyFill(book, order, fill, { ...ctx, rules: bookRules });
    return {
      order: { ...base, outcome: { status: 'filled', tradeId: applied.trade.id, qty: fill.qty, price: fill.price, fee: fill.fee } },
      ledger: applied.book,
      trade: applied.trade,
    };
  };
  const broker = deps.broker(ctx);
  const desk = broker.orders;
  const initialCash = toAmount(config.paper.initialCash);
  let result: Awaited<ReturnType<OrderLedger['execute']>>;
  try {
    if (desk) {
      const bookingRules = async () => rules ?? (await deps.venue.rules()).rulesFor(signal.symbol);
      const live = await executeLive({ deps, desk, signal: order, initialCash, now, refusal, book, bookingRules, log });
      if (live.status === 'rejected_by_exchange') return deadLetter(signal.id, `exchange rejected the order: ${live.reason}`);
      result = live.result;
    } else {
      // Paper: one transaction reads the book, fills (pure) and books it.
      result = await deps.ledger.execute(signal.id, initialCash, now, async (b) => {
        const planned = refusal(b);
        return typeof planned === 'bigint' ? book(b, await broker.fill({ signal: order, qty: planned })) : planned;
      });
    }
  } catch (err) {
    // Refused inside the transaction (stale entry, take-profit below target): nothing was committed.
    if (err instanceof PoisonMessageError) return deadLetter(signal.id, err.message);
    if (!(err instanceof InvariantError)) throw err; // transient (contention, unavailable): let Pub/Sub retry
    // The book would break (e.g. a live fill costlier than planned): retrying cannot help. Nothing
    // was committed; park the message and page a human instead of looping.
    await deps.store.raiseAlert({
      id: `invariant_${signal.id}`,
      kind: 'error',
      severity: 'critical',
      symbol: signal.symbol,
      message: `order for signal ${signal.id} violates a ledger invariant: ${err.message}`,
      createdAt: now,
    });
    log.log('CRITICAL', 'ledger invariant violated; message parked in deadletters/', errorFields(err));
    return deadLetter(signal.id, `invariant: ${err.message}`);
  }
  if (result.duplicate || !result.change) {
    log.log('INFO', 'duplicate delivery acknowledged, no effect');
    return { status: 'duplicate', signalId: signal.id };
  }
  const outcome = result.change.order.outcome;
  if (outcome.status === 'filled') {
    log.log('INFO', 'order filled', {
      side: signal.side,
      reason: signal.reason,
      qty: outcome.qty,
      price: outcome.price,
      fee: outcome.fee,
      realizedPnl: result.change.trade?.realizedPnl ?? 0n,
      ...(result.change.trade?.dust ? { dustWrittenOff: result.change.trade.dust } : {}),
    });
  } else {
    log.log('WARNING', 'order rejected', { side: signal.side, reason: outcome.reason });
  }
  await deps.metrics
    .record([{ name: outcome.status === 'filled' ? 'fills' : 'orders_rejected', value: 1, labels: { symbol: signal.symbol } }])
    .catch((err) => log.log('WARNING', 'metrics failed', errorFields(err)));
  return { status: outcome.status, signalId: signal.id, change: result.change };
}
