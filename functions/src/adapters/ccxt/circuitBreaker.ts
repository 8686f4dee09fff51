/**
 * A circuit breaker for one remote system (one exchange). After `failureThreshold` consecutive
 * failures it opens: calls are refused at once, without touching the network, for `cooldownMs`.
 * Then it is half-open: ONE probe call goes through; success closes it, failure opens it again for
 * another cool-down. The state lives in the adapter instance, so a warm function instance stops
 * hammering an exchange known to be down across ticks, and a cold one starts closed.
 */
import { MarketDataError } from '../../domain/errors.ts';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  readonly failureThreshold?: number;
  /** How long an open circuit refuses calls. Default 60 000 ms. */
  readonly cooldownMs?: number;
  readonly now?: () => number;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private probing = false;
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;

  constructor(opts: CircuitBreakerOptions = {}) {
    this.threshold = Math.max(1, opts.failureThreshold ?? 5);
    this.cooldownMs = Math.max(0, opts.cooldownMs ?? 60_000);
    this.now = opts.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt < this.cooldownMs ? 'open' : 'half_open';
  }

  /** When an open circuit lets the next probe through (ms, in the breaker's clock), or null when closed. */
  get retryAt(): number | null {
    return this.openedAt === null ? null : this.openedAt + this.cooldownMs;
  }

  /** Whether a call may go out now. In half-open state only one probe at a time is allowed. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.openedAt = null;
    this.probing = false;
  }

  failure(): void {
    this.failures++;
    if (this.probing || this.failures >= this.threshold) this.openedAt = this.now();
    this.probing = false;
  }
}

/** Refused by an open circuit: no request was sent. Not retried (waiting inside a tick cannot close it). */
export class CircuitOpenError extends MarketDataError {
  constructor(what: string, retryAt: number | null) {
    super(
      'temporary',
      `${what}: circuit open after repeated failures, no request sent${retryAt === null ? '' : ` (next probe at ${new Date(retryAt).toISOString()})`}`,
    );
  }
  override get retryable(): boolean {
    return false;
  }
}
