import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InboundAlertSchema, inboundStrategyVersion, resolveSymbol, signAlert, takeToken, verifyAlert } from './index.ts';

const SECRET = 's'.repeat(32);
const NOW = Date.parse('2026-12-05T06:00:00Z');
const TS = NOW / 1000;
const body = Buffer.from('{"id":"a","symbol":"BTC/USDT","side":"buy"}');

describe('verifyAlert: HMAC-SHA256 over `${timestamp}.${body}`', () => {
  it('matches an independent computation of the construction', () => {
    const expected = createHmac('sha256', SECRET).update(`${TS}.${body.toString()}`).digest('hex');
    expect(signAlert(SECRET, TS, body)).toBe(`sha256=${expected}`);
  });

  it('accepts a request signed within the window either way, with either secret of a rotation', () => {
    for (const skew of [-300, 0, 300]) {
      expect(
        verifyAlert({ timestamp: String(TS + skew), signature: signAlert(SECRET, TS + skew, body), rawBody: body }, [SECRET], NOW, 300_000),
      ).toBeNull();
    }
    const next = 'n'.repeat(32);
    expect(
      verifyAlert({ timestamp: String(TS), signature: signAlert(next, TS, body), rawBody: body }, [SECRET, next], NOW, 300_000),
    ).toBeNull();
  });

  it('refuses outside the window, another secret, another timestamp, a changed byte, and malformed headers', () => {
    const sig = signAlert(SECRET, TS, body);
    const v = (timestamp: string | undefined, signature: string | undefined, rawBody = body, secrets = [SECRET]) =>
      verifyAlert({ timestamp, signature, rawBody }, secrets, NOW, 300_000)?.reason;
    expect(v(String(TS - 301), signAlert(SECRET, TS - 301, body))).toBe('expired');
    expect(v(String(TS), signAlert('o'.repeat(32), TS, body))).toBe('forged');
    expect(v(String(TS + 1), sig)).toBe('forged');
    expect(v(String(TS), sig, Buffer.from(body.toString().replace('buy', 'bux')))).toBe('forged');
    expect(v(String(TS), sig, body, [])).toBe('forged');
    expect(v(undefined, sig)).toBe('unsigned');
    expect(v('1.5e9', sig)).toBe('unsigned');
    expect(v(String(TS), sig.toUpperCase())).toBe('unsigned');
    expect(v(String(TS), sig.slice(7))).toBe('unsigned');
  });

  it('never verifies a signature made without the secret (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 32, maxLength: 64 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: -300, max: 300 }),
        (other, bytes, skew) => {
          fc.pre(other !== SECRET);
          const raw = Buffer.from(bytes);
          expect(
            verifyAlert({ timestamp: String(TS + skew), signature: signAlert(other, TS + skew, raw), rawBody: raw }, [SECRET], NOW, 300_000)
              ?.reason,
          ).toBe('forged');
          expect(
            verifyAlert(
              { timestamp: String(TS + skew), signature: signAlert(SECRET, TS + skew, raw), rawBody: raw },
              [SECRET],
              NOW,
              300_000,
            ),
          ).toBeNull();
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('takeToken', () => {
  const limit = { perMinute: 6, burst: 3 };
  it('lets a burst through, then one per 10 s; a clock stepping back refills nothing', () => {
    let b = null;
    for (let i = 0; i < 3; i++) {
      const t = takeToken(b, NOW, limit);
      expect(t.ok).toBe(true);
      b = t.bucket;
    }
    const refused = takeToken(b, NOW, limit);
    expect(refused).toMatchObject({ ok: false, retryAfterMs: 10_000 });
    expect(takeToken(b, NOW + 5_000, limit)).toMatchObject({ ok: false, retryAfterMs: 5_000 });
    expect(takeToken(b, NOW - 3_600_000, limit)).toMatchObject({ ok: false, retryAfterMs: 10_000 });
    expect(takeToken(b, NOW + 10_000, limit).ok).toBe(true);
    // an idle hour refills to the burst, not beyond
    expect(takeToken(b, NOW + 3_600_000, limit).bucket.tokens).toBe(2);
  });
});

describe('the alert', () => {
  it('is strict: unknown keys and bad values are refused', () => {
    expect(InboundAlertSchema.safeParse({ id: 'k', symbol: 'BTCUSDT', side: 'sell', strategy: 'EMA cross', tag: '#1' }).success).toBe(true);
    for (const bad of [
      { id: 'k', symbol: 'BTC/USDT', side: 'buy', qty: 1 },
      { id: '', symbol: 'BTC/USDT', side: 'buy' },
      { id: 'k', symbol: 'btc/usdt', side: 'buy' },
      { id: 'k', symbol: 'BTC/USDT', side: 'short' },
      { id: 'k'.repeat(65), symbol: 'BTC/USDT', side: 'buy' },
    ]) {
      expect(InboundAlertSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('names a configured symbol as written or without the slash (TradingView {{ticker}})', () => {
    const configured = ['BTC/USDT', 'ETH/USDT'];
    expect(resolveSymbol('BTC/USDT', configured)).toBe('BTC/USDT');
    expect(resolveSymbol('ETHUSDT', configured)).toBe('ETH/USDT');
    expect(resolveSymbol('SOLUSDT', configured)).toBeNull();
    expect(resolveSymbol('BTCU/SDT', configured)).toBeNull();
  });

  it('its strategyVersion fits the signal schema (≤ 100 characters) at the longest source and key', () => {
    expect(inboundStrategyVersion('s'.repeat(24), 'k'.repeat(64)).length).toBeLessThanOrEqual(100);
  });
});
