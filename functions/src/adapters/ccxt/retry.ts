/**
 * Retry with exponential backoff, full jitter and a hard time budget.
 *
 * Why a budget and not only an attempt count: a Cloud Function has a deadline, and a retry loop that
 * sleeps past it is killed mid-wait, losing both the work and the error. So the loop never starts a
 * wait that would end after `budgetMs` (measured from the first attempt); it gives up early and
 * throws the last real error instead, which the caller can log and the platform can redeliver.
 *
 * Time, sleep and randomness are injected so tests run instantly and deterministically.
 */
import { MarketDataError } from '../../domain/errors.ts';

export type RetryStop = 'not_retryable' | 'max_attempts' | 'budget';

export interface RetryOptions {
  /** Total time for all attempts and waits, from the start of the first attempt. At least one attempt always runs. */
  readonly budgetMs: number;
  /** Default 5. */
  readonly maxAttempts?: number;
  /** Backoff base for ordinary transient errors. Default 200 ms. */
  readonly baseDelayMs?: number;
  /** Cap of a single wait. Default 5 000 ms. */
  readonly maxDelayMs?: number;
  /** Backoff base after a rate-limit error: the server asked us to slow down. Default 1 000 ms. */
  readonly rateLimitedBaseDelayMs?: number;
  /** Default: `isRetryable` below. */
  readonly isRetryable?: (err: unknown) => boolean;
  /** Default: a MarketDataError of kind 'rate_limited'. */
  readonly isRateLimited?: (err: unknown) => boolean;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /** Uniform in [0, 1). */
  readonly random?: () => number;
  /** Called before each wait; for logging. */
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/** The knobs an adapter lets its caller tune (its own budget and classification stay its own). */
export type RetryTuning = Pick<RetryOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'rateLimitedBaseDelayMs' | 'onRetry'>;

/** What the loop attaches to the error it finally throws. */
export interface RetryInfo {
  readonly attempts: number;
  readonly stoppedBy: RetryStop;
}

const INFO = Symbol.for('eagle-eye.retryInfo');

/** Our own errors say whether they are retryable; anything else carrying `retryable: true` is honoured too. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof MarketDataError) return err.retryable;
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true;
}

function defaultIsRateLimited(err: unknown): boolean {
  return err instanceof MarketDataError && err.kind === 'rate_limited';
}

/** Attempt count and stop reason of an error thrown by `withRetry`, if it came from there. */
export function retryInfo(err: unknown): RetryInfo | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  return (err as { [INFO]?: RetryInfo })[INFO];
}

/**
 * Wait before attempt `attempt + 1` (attempt counts from 1).
 * Ordinary errors: full jitter, uniform in [0, cap) — spreads synchronized clients best.
 * Rate limits: equal jitter, uniform in [cap/2, cap) — after a 429 an immediate retry is never right.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: number, rateLimited: boolean): number {
  const cap = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.floor(rateLimited ? cap / 2 + (random * cap) / 2 : random * cap);
}

function annotate(err: unknown, info: RetryInfo): unknown {
  const target = typeof err === 'object' && err !== null && Object.isExtensible(err) ? err : new Error(String(err), { cause: err });
  // A non-enumerable symbol: the error's own fields and its JSON log form stay unchanged.
  Object.defineProperty(target, INFO, { value: info, configurable: true });
  // `attempts` is also a plain field so structured logs show it without knowing about retryInfo().
  Object.defineProperty(target, 'attempts', { value: info.attempts, configurable: true, enumerable: true, writable: true });
  return target;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Run `fn` until it succeeds, the error is not retryable, attempts run out, or the next wait would
 * end past the budget. Throws the last error, annotated (see `retryInfo`).
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const {
    budgetMs,
    maxAttempts = 5,
    baseDelayMs = 200,
    maxDelayMs = 5_000,
    rateLimitedBaseDelayMs = 1_000,
    isRetryable: retryable = isRetryable,
    isRateLimited = defaultIsRateLimited,
    sleep = realSleep,
    now = Date.now,
    random = Math.random,
    onRetry,
  } = opts;
  const deadline = now() + budgetMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!retryable(err)) throw annotate(err, { attempts: attempt, stoppedBy: 'not_retryable' });
      if (attempt >= maxAttempts) throw annotate(err, { attempts: attempt, stoppedBy: 'max_attempts' });
      const limited = isRateLimited(err);
      const delayMs = backoffDelay(attempt, limited ? rateLimitedBaseDelayMs : baseDelayMs, maxDelayMs, random(), limited);
      const t = now();
      // Also stop at the deadline itself: a zero wait there would start an attempt with no time left.
      if (t >= deadline || t + delayMs > deadline) throw annotate(err, { attempts: attempt, stoppedBy: 'budget' });
      onRetry?.({ attempt, delayMs, error: err });
      await sleep(delayMs);
    }
  }
}
