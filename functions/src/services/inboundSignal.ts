/**
 * The signed inbound-signal door: a TradingView-style alert (symbol, side) becomes a signal on the
 * same bus the tick publishes to, so executeOrder applies every gate to it again (mode, risk, the
 * price against the stored candle, the configured symbol) with its exactly-once record.
 *
 *   authenticate (HMAC over timestamp + raw body, replay window) → parse (strict) → claim the
 *   idempotency key and a rate token (one transaction) → build the signal from the bot's own data
 *   (the tick's last candle and ATR, sized from the book like the tick) → the executor's own gate
 *   (planOrder) as a pre-check → record the key's signal (create) → signals/{id} → publish.
 *
 * A retry of a key whose publish failed publishes the recorded signal again (same id: executeOrder
 * books it once); a replay of a published key is refused (409). Every refusal is a JSON 4xx, logged
 * and counted in inbound/ (bounded: one document per minute, source and reason).
 */
import {
  InboundAlertSchema,
  SOURCE_ID,
  inboundStrategyVersion,
  resolveSymbol,
  verifyAlert,
  type InboundAlert,
} from '../domain/inbound/index.ts';
import { createSignal } from '../domain/signal.ts';
import { toAmount, toDecimalString } from '../domain/money.ts';
import { entryNotCurrent, atrAmount } from '../domain/engine/index.ts';
import { planOrder } from '../domain/portfolio/index.ts';
import { sizeEntry } from '../domain/risk/index.ts';
import type { Timeframe } from '../domain/candle.ts';
import type { Signal } from '../domain/trading.types.ts';
import { rulesFor, type BotConfigSource } from '../config/botConfig.ts';
import type { InboundEnv } from '../config/inboundEnv.ts';
import type { CandleStore, SignalBus } from '../ports/index.ts';
import type { StateStore } from '../ports/state.ts';
import type { InboundRecord, InboundStore } from '../ports/inbound.ts';
import { errorFields, type Logger } from '../lib/log.ts';

export interface InboundDeps {
  settings: InboundEnv;
  inbound: InboundStore;
  store: Pick<StateStore, 'getStatus' | 'getBook' | 'saveSignals'>;
  candles: Pick<CandleStore, 'read'>;
  config: BotConfigSource;
  /** the environment's SYMBOLS and TIMEFRAME, used when config/bot names none */
  symbols: readonly string[];
  timeframe: Timeframe;
  bus: () => Promise<SignalBus>;
  /** market time (which candle is current): the executor's own reading of it (wiring) */
  marketNow: () => Promise<number>;
  /** the wall clock: the replay window and the rate limit */
  wallNow: () => number;
  log: Logger;
}

export interface InboundRequest {
  readonly source: string | undefined;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly rawBody: Buffer;
}

export interface InboundReply {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly retryAfterS?: number;
}

/** A refusal: JSON 4xx, logged and counted. `source` is '_' until the request proved one. */
export async function refuse(
  deps: Pick<InboundDeps, 'inbound' | 'log' | 'wallNow'>,
  source: string,
  status: number,
  reason: string,
  detail: string,
  extra: Record<string, unknown> = {},
): Promise<InboundReply> {
  const at = deps.wallNow();
  deps.log.log('WARNING', 'inbound signal refused', { source, reason, status, detail });
  await deps.inbound
    .recordRejection({ source, reason, status, detail, at })
    .catch((err: unknown) => deps.log.log('ERROR', 'could not record an inbound refusal', { reason, ...errorFields(err) }));
  return { status, body: { error: detail, reason, ...extra } };
}

type Built = { signal: Signal } | { status: number; reason: string; detail: string };

/** The signal an alert asks for, from our own stored data only, or why there is none. */
async function buildSignal(deps: InboundDeps, source: string, alert: InboundAlert): Promise<Built> {
  const now = await deps.marketNow();
  const { config, problem, exchange } = await deps.config.load();
  const symbol = resolveSymbol(alert.symbol, config.symbols ?? deps.symbols);
  if (!symbol)
    return { status: 422, reason: 'unconfigured_symbol', detail: `${alert.symbol} is not a configured symbol (config/bot.symbols)` };
  const timeframe = config.timeframe ?? deps.timeframe;
  // keyed by the symbol's document key in Firestore ('BTC-USDT'): found by its own symbol field
  const market = Object.values((await deps.store.getStatus())?.markets ?? {}).find((m) => m.symbol === symbol);
  if (!market || market.lastCandleAt === null || market.timeframe !== timeframe)
    return { status: 409, reason: 'no_market', detail: `no ${timeframe} candle of ${symbol} walked by the tick yet` };
  if (market.stale) return { status: 409, reason: 'stale_feed', detail: `${symbol}'s feed is stale: no signal on old data` };
  const [candle] = await deps.candles.read(symbol, timeframe, market.lastCandleAt, market.lastCandleAt + 1);
  if (!candle)
    return {
      status: 409,
      reason: 'no_candle',
      detail: `the stored ${timeframe} candle of ${symbol} at ${new Date(market.lastCandleAt).toISOString()} is missing`,
    };
  const book = await deps.store.getBook(toAmount(config.paper.initialCash), now);
  const rules = rulesFor(config, exchange)(symbol);
  const ctx = { risk: config.risk, rules, feeBps: config.paper.feeBps, slippageBps: config.paper.slippageBps };
  const refPrice = toAmount(candle.c);
  let atr = 0n;
  let qty: bigint;
  if (alert.side === 'buy') {
    if (problem)
      return { status: 409, reason: 'config_invalid', detail: `config/bot is invalid (${problem.field}): no entries until it is fixed` };
    const a = atrAmount(market.atr);
    if (a === null) return { status: 409, reason: 'indicators_warming_up', detail: `${symbol} has no ATR yet to place a stop` };
    atr = a;
    if (!rules) return { status: 409, reason: 'no_market_rules', detail: `the exchange lists no rules for ${symbol}` };
    // Sized like the tick sizes its own entries (domain/risk/sizing.ts): risk per trade, exposure, cash.
    const size = sizeEntry({
      equity: book.wallet.equity,
      cash: book.wallet.cash,
      refPrice,
      atr,
      risk: config.risk,
      rules,
      feeBps: ctx.feeBps,
      slippageBps: ctx.slippageBps,
    });
    if (!size.ok) return { status: 422, reason: size.reason, detail: size.detail };
    qty = size.qty;
  } else {
    const held = book.positions[symbol];
    if (!held) return { status: 409, reason: 'no_position', detail: `no open position in ${symbol} to sell` };
    qty = held.qty;
  }
  const signal = createSignal(
    {
      strategyVersion: inboundStrategyVersion(source, alert.id),
      symbol,
      timeframe,
      candleTime: candle.t,
      side: alert.side,
      reason: alert.side === 'buy' ? 'inbound_entry' : 'inbound_exit',
      refPrice,
      atr,
      qty,
    },
    now,
  );
  if (signal.side === 'buy') {
    const late = entryNotCurrent(signal, now);
    if (late) return { status: 409, reason: 'stale_signal', detail: late };
  }
  // The executor's own gate, on the book just read: it decides again in its transaction.
  const plan = planOrder(book, signal, ctx);
  if (plan.kind === 'rejected') return { status: 409, reason: plan.reason, detail: plan.detail };
  return { signal };
}

async function publish(deps: InboundDeps, record: InboundRecord, republished: boolean): Promise<InboundReply> {
  const { signal } = record;
  try {
    await deps.store.saveSignals([signal]);
    const messageId = await (await deps.bus()).publish(signal);
    await deps.inbound.markPublished(record.source, record.key, deps.wallNow());
    deps.log.log('INFO', 'inbound signal published', {
      source: record.source,
      key: record.key,
      signalId: signal.id,
      symbol: signal.symbol,
      side: signal.side,
      republished,
    });
    return {
      status: 202,
      body: {
        status: 'accepted',
        signalId: signal.id,
        messageId,
        symbol: signal.symbol,
        side: signal.side,
        qty: toDecimalString(signal.qty),
        refPrice: toDecimalString(signal.refPrice),
        candleTime: signal.candleTime,
        ...(republished && { republished }),
      },
    };
  } catch (err) {
    // The key's record holds the signal: a retry with the same id publishes it again.
    deps.log.log('ERROR', 'inbound signal not published; a retry with the same id publishes it', {
      source: record.source,
      key: record.key,
      signalId: signal.id,
      ...errorFields(err),
    });
    return {
      status: 503,
      body: {
        error: 'the signal is recorded but could not be published: retry with the same id',
        reason: 'publish_failed',
        signalId: signal.id,
      },
      retryAfterS: 5,
    };
  }
}

export async function receiveInboundAlert(deps: InboundDeps, req: InboundRequest): Promise<InboundReply> {
  const source = req.source ?? '';
  if (!SOURCE_ID.test(source))
    return refuse(deps, '_', 401, 'unsigned', 'x-eagle-source must name a configured source (lowercase letters, digits, -)');
  const secrets = deps.settings.secrets.get(source);
  const failure = verifyAlert(req, secrets ?? [], deps.wallNow(), deps.settings.windowMs);
  // An unknown source is counted as '_': a request that proves nothing cannot create documents at will.
  if (failure) return refuse(deps, secrets ? source : '_', 401, failure.reason, failure.detail);

  let json: unknown;
  try {
    json = JSON.parse(req.rawBody.toString('utf8').replace(/^\uFEFF/, '')); // a BOM, as body-parser allows
  } catch {
    return refuse(deps, source, 400, 'malformed', 'the body is not JSON');
  }
  const parsed = InboundAlertSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => ({ field: i.path.map(String).join('.').slice(0, 100) || '(root)', message: i.message.slice(0, 200) }));
    return refuse(deps, source, 400, 'malformed', issues.map((i) => `${i.field}: ${i.message}`).join('; '), {
      field: issues[0]!.field,
      issues,
    });
  }
  const alert = parsed.data;

  const claim = await deps.inbound.claim(source, alert.id, deps.wallNow(), deps.settings.limit);
  if (claim.kind === 'rate_limited') {
    const retryAfterS = Math.ceil(claim.retryAfterMs / 1000);
    return {
      ...(await refuse(deps, source, 429, 'rate_limited', `more than ${deps.settings.limit.perMinute}/min from ${source}`)),
      retryAfterS,
    };
  }
  if (claim.kind === 'duplicate') {
    if (claim.record.publishedAt === null) return publish(deps, claim.record, true);
    return refuse(deps, source, 409, 'replayed', `id ${alert.id} was already received`, { signalId: claim.record.signal.id });
  }

  const built = await buildSignal(deps, source, alert);
  if (!('signal' in built)) return refuse(deps, source, built.status, built.reason, built.detail);
  const record: InboundRecord = { source, key: alert.id, signal: built.signal, receivedAt: deps.wallNow(), publishedAt: null };
  const existing = await deps.inbound.admit(record);
  if (existing) return refuse(deps, source, 409, 'replayed', `id ${alert.id} was already received`, { signalId: existing.signal.id });
  return publish(deps, record, false);
}
