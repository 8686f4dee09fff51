import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitOpenError } from './circuitBreaker.ts';
import { isRetryable } from './retry.ts';

describe('CircuitBreaker', () => {
  const make = () => {
    let t = 0;
    const b = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1_000, now: () => t });
    return { b, advance: (ms: number) => (t += ms) };
  };

  it('opens after K consecutive failures, refuses during the cool-down, then lets one probe through', () => {
    const { b, advance } = make();
    for (let i = 0; i < 2; i++) {
      expect(b.tryAcquire()).toBe(true);
      b.failure();
    }
    expect(b.state).toBe('closed');
    b.success(); // a success in between resets the count
    for (let i = 0; i < 3; i++) {
      expect(b.tryAcquire()).toBe(true);
      b.failure();
    }
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    expect(b.retryAt).toBe(1_000);
    advance(999);
    expect(b.tryAcquire()).toBe(false);
    advance(1);
    expect(b.state).toBe('half_open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false); // one probe at a time
  });

  it('a failed probe opens it for another cool-down; a successful one closes it', () => {
    const { b, advance } = make();
    for (let i = 0; i < 3; i++) b.failure();
    advance(1_000);
    expect(b.tryAcquire()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    advance(1_000);
    expect(b.tryAcquire()).toBe(true);
    b.success();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
  });

  it('its refusal is a temporary MarketDataError that retry loops do not retry', () => {
    const err = new CircuitOpenError('ccxt:binance', 60_000);
    expect(err.kind).toBe('temporary');
    expect(isRetryable(err)).toBe(false);
    expect(err.message).toMatch(/circuit open.*1970-01-01T00:01:00.000Z/);
  });
});
