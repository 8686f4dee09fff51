import { describe, expect, it } from 'vitest';
import { parseInboundEnv } from './inboundEnv.ts';

const S = 'a'.repeat(32);

describe('parseInboundEnv', () => {
  it('reads per-source secrets (one, or two during a rotation) and the limits', () => {
    const env = parseInboundEnv({
      SIGNAL_WEBHOOK_SECRETS: JSON.stringify({ tradingview: S, relay: [S, 'b'.repeat(40)] }),
      SIGNAL_WEBHOOK_WINDOW_S: '60',
      SIGNAL_WEBHOOK_RATE_PER_MIN: '2',
    });
    expect([...env.secrets.entries()]).toEqual([
      ['tradingview', [S]],
      ['relay', [S, 'b'.repeat(40)]],
    ]);
    expect(env).toMatchObject({ windowMs: 60_000, limit: { perMinute: 2, burst: 3 } });
    expect(parseInboundEnv({}).secrets.size).toBe(0);
  });

  it('refuses bad settings naming the field, never echoing a secret', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ SIGNAL_WEBHOOK_SECRETS: `{"tv":"${S}"` }, /SIGNAL_WEBHOOK_SECRETS: not JSON/],
      [{ SIGNAL_WEBHOOK_SECRETS: JSON.stringify({ tv: 'short-secret-value' }) }, /SIGNAL_WEBHOOK_SECRETS\.tv.*at least 32/],
      [{ SIGNAL_WEBHOOK_SECRETS: JSON.stringify({ 'Bad Source': S }) }, /SIGNAL_WEBHOOK_SECRETS\.Bad Source.*source ids/],
      [{ SIGNAL_WEBHOOK_WINDOW_S: '0' }, /SIGNAL_WEBHOOK_WINDOW_S/],
    ];
    for (const [vars, message] of cases) {
      let thrown: Error | undefined;
      try {
        parseInboundEnv(vars);
      } catch (err) {
        thrown = err as Error;
      }
      expect(thrown?.message).toMatch(message);
      expect(thrown?.message).not.toContain(S);
      expect(thrown?.message).not.toContain('short-secret-value');
    }
  });
});
