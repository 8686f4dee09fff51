import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/log.ts';
import { TelegramNotifier, notifying, type Notice } from './TelegramNotifier.ts';
import { fakeBotApi } from './fakeBotApi.testkit.ts';

const TOKEN = '123456:AAbbCCddEEffGGhhIIjjKKllMMnnOOpp';

describe('TelegramNotifier against a fake Bot API', () => {
  const api = fakeBotApi();
  let url = '';
  const sleeps: number[] = [];
  let clock = 0;
  const logLines: string[] = [];
  let claimed: Set<string>;
  const make = () =>
    new TelegramNotifier({
      token: TOKEN,
      chatId: '-100200300',
      apiUrl: url,
      minIntervalMs: 1000,
      claim: async (id) => (claimed.has(id) ? false : (claimed.add(id), true)),
      log: createLogger('info', {}, (l) => logLines.push(l)),
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      now: () => clock,
    });
  beforeAll(async () => {
    url = await api.listen();
  });
  afterAll(() => new Promise((r) => api.server.close(r)));
  beforeEach(() => {
    api.received.length = 0;
    sleeps.length = 0;
    logLines.length = 0;
    claimed = new Set();
  });

  const alert = (id: string, severity: Notice['severity'] = 'warning'): Notice => ({
    id,
    severity,
    kind: 'stale_feed',
    symbol: 'BTC/USDT',
    message: `feed ${id} stale`,
  });

  it('sends one message per alert id, WARNING and above only, rate-limited', async () => {
    const n = make();
    for (const a of [alert('a'), alert('a'), alert('b', 'critical'), alert('c', 'info'), alert('b', 'critical'), alert('d')])
      await n.notify(a);
    expect(api.received.map((m) => m.body.text.split('\n')[1])).toEqual(['feed a stale', 'feed b stale', 'feed d stale']);
    expect(api.received[1]!.body.text).toMatch(/^🚨 CRITICAL stale_feed BTC\/USDT/);
    expect(api.received.every((m) => m.path === `/bot${TOKEN}/sendMessage` && m.body.chat_id === '-100200300')).toBe(true);
    expect(sleeps).toEqual([1000, 1000]);
  });

  it("honours a 429's retry_after once, and a failure never throws nor logs the token", async () => {
    const n = make();
    api.failNext(1);
    await n.notify(alert('x'));
    expect(api.received).toHaveLength(1);
    expect(sleeps).toContain(1000);
    api.failNext(2);
    await expect(n.notify(alert('y'))).resolves.toBeUndefined();
    expect(api.received).toHaveLength(1);
    expect(logLines.join('\n')).toMatch(/telegram notification failed/);
    expect(logLines.join('\n')).not.toContain(TOKEN);
  });

  it('a store wrapped with notifying() notifies alerts and dead letters, keeping its other methods', async () => {
    const raised: string[] = [];
    const store = {
      other: () => 'kept',
      raiseAlert: async (a: Notice & { createdAt: number }) => void raised.push(a.id),
      recordDeadLetter: async (d: { id: string; source: string; reason: string }) => void raised.push(d.id),
    };
    const wrapped = notifying(store, make());
    await wrapped.raiseAlert({ ...alert('k', 'critical'), createdAt: 1 });
    await wrapped.recordDeadLetter({ id: 'm1', source: 'executeOrder', reason: 'bad json' });
    expect(wrapped.other()).toBe('kept');
    expect(raised).toEqual(['k', 'm1']);
    expect(api.received.map((m) => m.body.text)).toEqual([
      expect.stringMatching(/CRITICAL stale_feed/),
      expect.stringMatching(/WARNING dead_letter\nexecuteOrder dead-lettered a message: bad json/),
    ]);
  });
});
