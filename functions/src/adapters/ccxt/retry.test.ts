import { describe, expect, it } from 'vitest';
import { MarketDataError } from '../../domain/errors.ts';
import { backoffDelay, isRetryable, retryInfo, withRetry, type RetryOptions } from './retry.ts';

/** A fake clock that only moves when the code under test sleeps: no wall-clock time involved. */
function fakeTime(random = 0.5) {
  let t = 1_000_000;
  const waits: number[] = [];
  return {
    waits,
    elapsed: () => t - 1_000_000,
    opts: {
      now: () => t,
      sleep: async (ms: number) => {
        waits.push(ms);
        t += ms;
      },
      random: () => random,
    } satisfies Partial<RetryOptions>,
  };
}

const temporary = () => new MarketDataError('temporary', 'socket hang up');
const limited = () => new MarketDataError('rate_limited', '429');
const permanent = () => new MarketDataError('permanent', 'Invalid symbol');

describe('withRetry', () => {
  it('returns the first success and passes the attempt number', async () => {
    const time = fakeTime();
    const seen: number[] = [];
    const result = await withRetry(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw temporary();
        return 'ok';
      },
      { budgetMs: 10_000, ...time.opts },
    );
    expect(result).toBe('ok');
    expect(seen).toEqual([1, 2, 3]);
    // full jitter with random = 0.5: half of 200, then half of 400
    expect(time.waits).toEqual([100, 200]);
  });

  it('never retries a permanent error and annotates the attempt count', async () => {
    const time = fakeTime();
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw permanent();
      },
      { budgetMs: 10_000, ...time.opts },
    ).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(err).toBeInstanceOf(MarketDataError);
    expect(retryInfo(err)).toEqual({ attempts: 1, stoppedBy: 'not_retryable' });
    expect((err as { attempts: number }).attempts).toBe(1);
    expect(time.waits).toEqual([]);
  });

  it('stops after maxAttempts and throws the last error', async () => {
    const time = fakeTime();
    let n = 0;
    const err = await withRetry(
      async () => {
        throw new MarketDataError('temporary', `failure ${++n}`);
      },
      { budgetMs: 60_000, maxAttempts: 4, ...time.opts },
    ).catch((e: unknown) => e);
    expect((err as Error).message).toBe('failure 4');
    expect(retryInfo(err)).toEqual({ attempts: 4, stoppedBy: 'max_attempts' });
    expect(time.waits).toHaveLength(3);
  });

  it('never starts a wait that would end past the budget', async () => {
    const time = fakeTime(0.99);
    const err = await withRetry(
      async () => {
        throw temporary();
      },
      { budgetMs: 1_000, maxAttempts: 100, ...time.opts },
    ).catch((e: unknown) => e);
    expect(retryInfo(err)?.stoppedBy).toBe('budget');
    // waits of 198, 396: the next (792) would end at 1386 > 1000
    expect(time.waits).toEqual([198, 396]);
    expect(time.elapsed()).toBeLessThanOrEqual(1_000);
    expect(retryInfo(err)?.attempts).toBe(3);
  });

  it('counts the time spent inside attempts against the budget', async () => {
    const time = fakeTime(0);
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        await time.opts.sleep(600); // a slow request
        throw temporary();
      },
      { budgetMs: 1_000, maxAttempts: 100, ...time.opts },
    ).catch((e: unknown) => e);
    // attempt 1 ends at 600, zero wait, attempt 2 ends at 1200 ≥ deadline: no third attempt
    expect(calls).toBe(2);
    expect(retryInfo(err)?.stoppedBy).toBe('budget');
  });

  it('always makes one attempt, even with no budget', async () => {
    const time = fakeTime();
    expect(await withRetry(async () => 7, { budgetMs: 0, ...time.opts })).toBe(7);
  });

  it('waits longer after a rate limit, and never zero', async () => {
    const time = fakeTime(0);
    let calls = 0;
    await withRetry(
      async () => {
        if (++calls === 1) throw limited();
        return 'ok';
      },
      { budgetMs: 10_000, ...time.opts },
    );
    // equal jitter: at least half of the 1000 ms rate-limit base even when random() = 0
    expect(time.waits).toEqual([500]);
  });

  it('honours custom predicates and reports each retry', async () => {
    const time = fakeTime();
    const retries: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        if (++calls < 3) throw new Error('ECONNRESET');
        return calls;
      },
      {
        budgetMs: 10_000,
        isRetryable: (e) => e instanceof Error && e.message === 'ECONNRESET',
        onRetry: ({ attempt }) => retries.push(attempt),
        ...time.opts,
      },
    );
    expect(result).toBe(3);
    expect(retries).toEqual([1, 2]);
  });

  it('annotates thrown non-objects by wrapping them', async () => {
    const time = fakeTime();
    const err = await withRetry(
      async () => {
        throw 'boom';
      },
      { budgetMs: 10_000, ...time.opts },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).cause).toBe('boom');
    expect(retryInfo(err)).toEqual({ attempts: 1, stoppedBy: 'not_retryable' });
  });
});

describe('backoffDelay', () => {
  it('grows exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, 200, 5_000, 0.999999, false))).toEqual([199, 399, 799, 1599, 3199, 4999]);
  });
  it('full jitter can be zero; rate-limit jitter keeps half the cap', () => {
    expect(backoffDelay(3, 200, 5_000, 0, false)).toBe(0);
    expect(backoffDelay(3, 1_000, 5_000, 0, true)).toBe(2_000);
  });
});

describe('isRetryable', () => {
  it('follows the MarketDataError kind and a retryable flag', () => {
    expect(isRetryable(temporary())).toBe(true);
    expect(isRetryable(limited())).toBe(true);
    expect(isRetryable(permanent())).toBe(false);
    expect(isRetryable(Object.assign(new Error('x'), { retryable: true }))).toBe(true);
    expect(isRetryable(new Error('x'))).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
  });
});
