import { z } from 'zod';
import { decodeSignal } from '../domain/signal.ts';
import { planOrder, applyFill, InvariantError } from '../domain/portfolio/index.ts';
import { toAmount } from '../domain/money.ts';
import type { Signal } from '../domain/trading.types.ts';
import { PoisonMessageError } from '../domain/errors.ts';
import { parseBotConfig } from '../config/load.ts';
import type { Broker, Clock, Metrics } from '../ports/index.ts';
import type { Book, BookChange, OrderLedger, StateStore } from '../ports/state.ts';
import { errorFields, type Logger } from '../lib/log.ts';

export interface ExecuteDeps {
  store: StateStore;
  ledger: OrderLedger;
  /** paper: a broker with this invocation's fee/slippage settings; live: the exchange */
  broker: (paper: { feeBps: number; slippageBps: number }) => Broker;
  clock: Clock;
  metrics: Metrics;
  log: Logger;
}

/** The Pub/Sub message inside the CloudEvent (Eventarc and local push deliver the same shape). */
export const PubSubEnvelopeSchema = z.object({
  message: z.object({
    data: z.string().optional(),
    attributes: z.record(z.string(), z.string()).nullish(),
    messageId: z.string().optional(),
    message_id: z.string().optional(),
  }),
  subscription: z.string().optional(),
});

export type ExecuteResult =
  | { status: 'filled' | 'rejected'; signalId: string; change: BookChange }
  | { status: 'duplicate'; signalId: string }
  | { status: 'dead_lettered'; reason: string };

/** Decode the envelope and the signal; anything malformed is poison (retrying cannot fix it). */
export function decodeEnvelope(data: unknown): { signal: Signal; messageId: string; raw: string; attributes: Record<string, string> } {
  const env = PubSubEnvelopeSchema.safeParse(data);
  if (!env.success) throw new PoisonMessageError(`not a Pub/Sub message envelope: ${env.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const m = env.data.message;
  const raw = m.data ? Buffer.from(m.data, 'base64').toString('utf8') : '';
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new PoisonMessageError(`message body is not JSON: ${raw.slice(0, 120)}`);
  }
  let signal: Signal;
  try {
    signal = decodeSignal(json);
  } catch (err) {
    throw new PoisonMessageError(err instanceof Error ? err.message : String(err));
  }
  return { signal, messageId: m.messageId ?? m.message_id ?? signal.id, raw, attributes: m.attributes ?? {} };
}

export async function executeSignalMessage(deps: ExecuteDeps, data: unknown, eventId: string): Promise<ExecuteResult> {
  const now = deps.clock.now();
  let decoded: ReturnType<typeof decodeEnvelope>;
  try {
    decoded = decodeEnvelope(data);
  } catch (err) {
    if (!(err instanceof PoisonMessageError)) throw err;
    // Ack poison into deadletters/ with the reason; rethrowing would only loop until the DLQ.
    const payload = JSON.stringify(data ?? null).slice(0, 10_000);
    await deps.store.recordDeadLetter({ id: eventId.replace(/[^\w.-]/g, '_') || `dl_${now}`, source: 'executeOrder', reason: err.message, payload, attributes: {}, receivedAt: now });
    deps.log.log('ERROR', 'poison message dead-lettered', { eventId, reason: err.message });
    await deps.metrics.record([{ name: 'dead_letters', value: 1 }]);
    return { status: 'dead_lettered', reason: err.message };
  }
  const { signal } = decoded;
  const log = deps.log.child({ signalId: signal.id, symbol: signal.symbol });
  const config = parseBotConfig(await deps.store.getBotConfigDoc());
  const rules = config.markets[signal.symbol] ?? config.defaultMarket;
  const ctx = {
    risk: config.risk,
    rules: { amountStep: toAmount(rules.amountStep), minNotional: toAmount(rules.minNotional) },
    feeBps: config.paper.feeBps,
    slippageBps: config.paper.slippageBps,
  };
  const decide = async (book: Book): Promise<BookChange> => {
    const plan = planOrder(book, signal, ctx, now);
    const base = { signalId: signal.id, symbol: signal.symbol, side: signal.side, createdAt: now };
    if (plan.kind === 'rejected') return { order: { ...base, outcome: { status: 'rejected', reason: `${plan.reason}: ${plan.detail}` } } };
    const fill = await deps.broker(ctx).fill({ signal, qty: plan.qty });
    const applied = applyFill(book, signal, fill, config.risk, now);
    return {
      order: { ...base, outcome: { status: 'filled', tradeId: applied.trade.id, qty: fill.qty, price: fill.price, fee: fill.fee } },
      wallet: applied.book.wallet,
      position: applied.position,
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
    await deps.store.recordDeadLetter({ id: signal.id, source: 'executeOrder', reason: `invariant: ${err.message}`, payload: decoded.raw, attributes: decoded.attributes, receivedAt: now });
    await deps.store.raiseAlert({ id: `invariant_${signal.id}`, kind: 'error', severity: 'critical', symbol: signal.symbol, message: `order for signal ${signal.id} violates a ledger invariant: ${err.message}`, createdAt: now });
    log.log('CRITICAL', 'ledger invariant violated; message parked in deadletters/', errorFields(err));
    return { status: 'dead_lettered', reason: err.message };
  }
  if (result.duplicate || !result.change) {
    log.log('INFO', 'duplicate delivery acknowledged, no effect');
    return { status: 'duplicate', signalId: signal.id };
  }
  const outcome = result.change.order.outcome;
  log.log(outcome.status === 'filled' ? 'INFO' : 'WARNING', `order ${outcome.status}`, outcome.status === 'rejected' ? { reason: outcome.reason } : { qty: outcome.qty, price: outcome.price, fee: outcome.fee });
  await deps.metrics.record([{ name: outcome.status === 'filled' ? 'fills' : 'orders_rejected', value: 1, labels: { symbol: signal.symbol } }]).catch((err) => log.log('WARNING', 'metrics failed', errorFields(err)));
  return { status: outcome.status, signalId: signal.id, change: result.change };
}
