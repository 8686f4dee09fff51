/**
 * executeOrder: decode → check the signal against the bot's own data → one transaction that reads
 * the book, re-checks every gate (planOrder: shrink or refuse, never grow), fills and books it.
 * Poison (malformed, forged price, unknown symbol) is acked into deadletters/ once, never retried.
 */
import { decodeSignal } from '../domain/signal.ts';
import { signalPriceMismatch } from '../domain/engine/index.ts';
import { applyFill, planOrder, InvariantError } from '../domain/portfolio/index.ts';
import { toAmount } from '../domain/money.ts';
import type { Signal } from '../domain/trading.types.ts';
import { PoisonMessageError } from '../domain/errors.ts';
import { rulesFor, type BotConfigSource } from '../config/botConfig.ts';
import type { Broker, CandleStore, Clock, Metrics } from '../ports/index.ts';
import type { Book, BookChange, OrderLedger, StateStore } from '../ports/state.ts';
import type { PubSubMessage } from '../handlers/pubsub.ts';
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
  clock: Clock;
  metrics: Metrics;
  log: Logger;
}

export type ExecuteResult =
  | { status: 'filled' | 'rejected'; signalId: string; change: BookChange }
  | { status: 'duplicate'; signalId: string }
  | { status: 'dead_lettered'; reason: string };

function decode(message: PubSubMessage): Signal {
  if (message.envelopeError) throw new PoisonMessageError(message.envelopeError);
  if (message.body === null) throw new PoisonMessageError('message has no data (attributes only)');
  try {
    return decodeSignal(message.body);
  } catch (err) {
    throw new PoisonMessageError(err instanceof Error ? err.message : String(err));
  }
}

export async function executeSignalMessage(deps: ExecuteDeps, message: PubSubMessage): Promise<ExecuteResult> {
  const now = deps.clock.now();
  const deadLetter = async (id: string, reason: string): Promise<ExecuteResult> => {
    // Ack into deadletters/ with the reason; rethrowing would only loop until the DLQ.
    await deps.store.recordDeadLetter({ id, source: 'executeOrder', reason, payload: message.body?.slice(0, 10_000) ?? message.raw, attributes: message.attributes, receivedAt: now });
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
  const config = await deps.config.get();
  const rules = rulesFor(config)(signal.symbol);
  const ctx = { risk: config.risk, rules, feeBps: config.paper.feeBps, slippageBps: config.paper.slippageBps };

  // Never trust a number from outside: the price must be our own stored candle's.
  const [candle] = await deps.candles.read(signal.symbol, signal.timeframe, signal.candleTime, signal.candleTime + 1);
  const mismatch = signalPriceMismatch(signal, candle ?? null);
  if (mismatch) return deadLetter(signal.id, `price check: ${mismatch}`);

  // An unconfigured symbol is traded only to close what is held there (the extra read happens only then).
  const configured = config.symbols ?? deps.symbols;
  if (!configured.includes(signal.symbol)) {
    const book = await deps.store.getBook(toAmount(config.paper.initialCash), now);
    if (!(signal.side === 'sell' && book.positions[signal.symbol])) return deadLetter(signal.id, `unconfigured symbol: ${signal.symbol} is neither in config/bot.symbols nor held`);
  }

  const decide = async (book: Book): Promise<BookChange> => {
    const base = { signalId: signal.id, symbol: signal.symbol, side: signal.side, createdAt: now };
    const plan = planOrder(book, signal, ctx);
    if (plan.kind === 'rejected') return { order: { ...base, outcome: { status: 'rejected', reason: `${plan.reason}: ${plan.detail}` } } };
    const fill = await deps.broker(ctx).fill({ signal, qty: plan.qty });
    const applied = applyFill(book, signal, fill, config.risk);
    return {
      order: { ...base, outcome: { status: 'filled', tradeId: applied.trade.id, qty: fill.qty, price: fill.price, fee: fill.fee } },
      ledger: applied.book,
      trade: applied.trade,
    };
  };
  let result: Awaited<ReturnType<OrderLedger['execute']>>;
  try {
    result = await deps.ledger.execute(signal.id, toAmount(config.paper.initialCash), now, decide);
  } catch (err) {
    if (!(err instanceof InvariantError)) throw err; // transient (contention, unavailable): let Pub/Sub retry
    // The book would break (e.g. a live fill costlier than planned): retrying cannot help. Nothing
    // was committed; park the message and page a human instead of looping.
    await deps.store.raiseAlert({ id: `invariant_${signal.id}`, kind: 'error', severity: 'critical', symbol: signal.symbol, message: `order for signal ${signal.id} violates a ledger invariant: ${err.message}`, createdAt: now });
    log.log('CRITICAL', 'ledger invariant violated; message parked in deadletters/', errorFields(err));
    return deadLetter(signal.id, `invariant: ${err.message}`);
  }
  if (result.duplicate || !result.change) {
    log.log('INFO', 'duplicate delivery acknowledged, no effect');
    return { status: 'duplicate', signalId: signal.id };
  }
  const outcome = result.change.order.outcome;
  if (outcome.status === 'filled') {
    log.log('INFO', 'order filled', { side: signal.side, reason: signal.reason, qty: outcome.qty, price: outcome.price, fee: outcome.fee, realizedPnl: result.change.trade?.realizedPnl ?? 0n });
  } else {
    log.log('WARNING', 'order rejected', { side: signal.side, reason: outcome.reason });
  }
  await deps.metrics.record([{ name: outcome.status === 'filled' ? 'fills' : 'orders_rejected', value: 1, labels: { symbol: signal.symbol } }]).catch((err) => log.log('WARNING', 'metrics failed', errorFields(err)));
  return { status: outcome.status, signalId: signal.id, change: result.change };
}
