import { describe, expect, it } from 'vitest';
import { parseEnv } from '../config/load.ts';
import { createLogger } from './log.ts';
import { REDACTED, redact, redactText, secretValues } from './redact.ts';

const KEY = 'AKIAexampleKEY1234567890';
const SECRET = 'sEcReT-value-0987654321';

describe('secret redaction', () => {
  it('a config error names EXCHANGE_API_KEY but never echoes its value', () => {
    let message = '';
    try {
      parseEnv({ TRADING_MODE: 'live', MARKET_SOURCE: 'ccxt', EXCHANGE_API_KEY: KEY });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/EXCHANGE_API_KEY: .*set, value hidden/);
    expect(message).not.toContain(KEY);
  });

  it('a non-secret variable is still echoed, so the operator sees the typo', () => {
    expect(() => parseEnv({ TIMEFRAME: '7m' })).toThrow(/got "7m"/);
  });

  it('log lines mask secret values wherever they appear', () => {
    const prev = { ...process.env };
    process.env.EXCHANGE_API_KEY = KEY;
    process.env.EXCHANGE_API_SECRET = SECRET;
    try {
      const lines: string[] = [];
      const log = createLogger('info', {}, (l) => lines.push(l));
      log.log('ERROR', `binance said: invalid key ${KEY}`, { error: `signature for ${SECRET} rejected`, apiKey: 'x' });
      expect(lines).toHaveLength(1);
      expect(lines[0]).not.toContain(KEY);
      expect(lines[0]).not.toContain(SECRET);
      expect(lines[0]).toContain(REDACTED);
    } finally {
      process.env = prev;
    }
  });

  it('deep redaction replaces secret-named fields and masks values in text', () => {
    const secrets = secretValues({ EXCHANGE_API_KEY: KEY, TELEGRAM_BOT_TOKEN: '123:abc', SYMBOLS: 'BTC/USDT' });
    expect(secrets).toEqual([KEY, '123:abc']);
    expect(redact({ a: { apiKey: 'k', note: `uses ${KEY}` }, list: [KEY], n: 1 }, secrets)).toEqual({
      a: { apiKey: REDACTED, note: `uses ${REDACTED}` },
      list: [REDACTED],
      n: 1,
    });
    expect(redactText('POST https://api.telegram.org/bot123456:AAbbCC_dd-ee/sendMessage', [])).toBe(
      `POST https://api.telegram.org/bot${REDACTED}/sendMessage`,
    );
  });
});
