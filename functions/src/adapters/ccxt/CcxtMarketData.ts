/**
 * MarketData from a live exchange through ccxt (default Binance spot).
 *
 * One `fetchClosedCandles` call = one symbol's fetch within one tick. All pages and all retries of
 * that call share ONE time budget (`budgetMs`, FETCH_BUDGET_MS in the env), so a slow exchange can
 * cost a tick at most that long per symbol, never the whole Cloud Function deadline. A caller that
 * makes several calls for one symbol (the candle window: new candles, then gap repairs) starts one
 * deadline with `startDeadline()` and passes it to each call, so they all share that one budget.
 *
 * A circuit breaker per instance (= per exchange) stops calling an exchange that failed
 * `breaker.failureThreshold` times in a row, for a cool-down, then lets one probe through.
 */
import type { Exchange, OHLCV } from 'ccxt';
import { timeframeMs, type Candle, type Timeframe } from '../../domain/candle.ts';
import { MarketDataError } from '../../domain/errors.ts';
import { withRetry, type RetryTuning } from './retry.ts';
import { CircuitBreaker, CircuitOpenError, type CircuitBreakerOptions } from './circuitBreaker.ts';
import { deadlineIn } from './deadline.ts';
import type { Deadline, MarketData } from '../../ports/index.ts';
import { translateCcxtError } from './errors.ts';
import { LazyExchange } from './loadExchange.ts';

/** Binance's maximum klines per request; also what ccxt caps `limit` at for binance. */
export const MAX_PAGE = 1000;

export interface CcxtMarketDataOptions {
  /** ccxt exchange id; default 'binance'. Ignored when `exchange` is given. */
  readonly exchangeId?: string;
  /** A ready ccxt instance (tests inject one wired to recorded responses). Skips the lazy import. */
  readonly exchange?: Exchange;
  /** Another adapter's instance to share (a live runtime's: its markets load once); then exchangeId, exchange and exchangeConfig are ignored. */
  readonly lazy?: LazyExchange;
  /** Extra ccxt constructor config, merged over our defaults (enableRateLimit: true, …). */
  readonly exchangeConfig?: Record<string, unknown>;
  /** Time for all pages and retries of one fetchClosedCandles call. Default 20 000 ms. */
  readonly budgetMs?: number;
  /** Candles per request, ≤ 1000. */
  readonly pageLimit?: number;
  readonly retry?: RetryTuning;
  /** Failure threshold and cool-down of this exchange's circuit breaker (clock: `now`). */
  readonly breaker?: Omit<CircuitBreakerOptions, 'now'>;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** A ccxt OHLCV row as a Candle, or undefined if any field is missing (never feed NaN to indicators). */
export function toCandle(row: OHLCV): Candle | undefined {
  const [t, o, h, l, c, v] = row;
  if (!isNum(t) || !Number.isInteger(t) || !isNum(o) || !isNum(h) || !isNum(l) || !isNum(c) || !isNum(v)) return undefined;
  return { t, o, h, l, c, v };
}

type FetchRequest = Parameters<MarketData['fetchClosedCandles']>[0];

export class CcxtMarketData implements MarketData {
  readonly name: string;
  readonly breaker: CircuitBreaker;
  private readonly lazy: LazyExchange;
  private readonly budgetMs: number;
  private readonly pageLimit: number;
  private readonly retry: RetryTuning;
  private readonly sleep: ((ms: number) => Promise<void>) | undefined;
  private readonly now: () => number;
  private readonly random: (() => number) | undefined;

  constructor(opts: CcxtMarketDataOptions = {}) {
    this.lazy = opts.lazy ?? new LazyExchange({ exchangeId: opts.exchangeId, exchange: opts.exchange, config: opts.exchangeConfig });
    this.name = `ccxt:${this.lazy.id}`;
    this.budgetMs = opts.budgetMs ?? 20_000;
    this.pageLimit = Math.min(MAX_PAGE, Math.max(1, Math.floor(opts.pageLimit ?? MAX_PAGE)));
    this.retry = opts.retry ?? {};
    this.sleep = opts.sleep;
    this.now = opts.now ?? Date.now;
    this.random = opts.random;
    this.breaker = new CircuitBreaker({ ...opts.breaker, now: this.now });
  }

  startDeadline(): Deadline {
    return deadlineIn(this.budgetMs, this.now);
  }

  async fetchClosedCandles(req: FetchRequest): Promise<Candle[]> {
    const { symbol, timeframe, sinceMs, nowMs } = req;
    const step = timeframeMs(timeframe);
    // A candle [t, t+step) is closed at nowMs iff t + step ≤ nowMs; asking for less also spares
    // the exchange a request for the forming candle.
    const untilMs = Math.min(req.untilMs, Math.floor(nowMs / step) * step);
    const deadline = req.deadline ?? this.startDeadline();
    const byTime = new Map<number, Candle>();
    // Round up to the first open time at or after sinceMs, so every page starts on the grid.
    let since = Math.ceil(sinceMs / step) * step;

    while (since < untilMs) {
      const remaining = deadline.remainingMs();
      if (remaining <= 0) {
        throw new MarketDataError('temporary', `${this.name} ${symbol} ${timeframe}: fetch budget spent after ${byTime.size} candles`);
      }
      const limit = Math.min(this.pageLimit, Math.ceil((untilMs - since) / step));
      const rows = await this.page(symbol, timeframe, since, limit, untilMs - 1, remaining);
      let newest = -Infinity;
      for (const row of rows) {
        const c = toCandle(row);
        if (!c) continue;
        newest = Math.max(newest, c.t);
        if (c.t >= since && c.t < untilMs && c.t + step <= nowMs) byTime.set(c.t, c);
      }
      // Binance returns the oldest `limit` rows in [startTime, endTime]; fewer means the range is
      // exhausted (gaps from exchange outages are skipped, not padded). No forward progress means
      // the source ignores `since`: stop rather than loop.
      if (rows.length < limit || newest < since) break;
      since = newest + step;
    }
    return [...byTime.values()].sort((a, b) => a.t - b.t);
  }

  /**
   * One request, retried on temporary and rate-limit errors within what is left of the budget.
   * Every attempt goes through the breaker: a temporary failure counts against the exchange, any
   * answer (even "bad symbol") shows it is up.
   */
  private page(
    symbol: string,
    timeframe: Timeframe,
    since: number,
    limit: number,
    endInclusive: number,
    budgetMs: number,
  ): Promise<OHLCV[]> {
    return withRetry(
      async () => {
        if (!this.breaker.tryAcquire()) throw new CircuitOpenError(this.name, this.breaker.retryAt);
        try {
          const ex = await this.lazy.withMarkets();
          // `until` becomes Binance's endTime (inclusive) in ccxt.
          const rows = await ex.fetchOHLCV(symbol, timeframe, since, limit, { until: endInclusive });
          this.breaker.success();
          return rows;
        } catch (err) {
          const e = translateCcxtError(err);
          if (e.retryable) this.breaker.failure();
          else this.breaker.success();
          throw e;
        }
      },
      { ...this.retry, budgetMs, now: this.now, ...(this.sleep && { sleep: this.sleep }), ...(this.random && { random: this.random }) },
    );
  }
}
