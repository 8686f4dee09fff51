import { describe, expect, it } from 'vitest';
import { MemoryChatGuard } from '../adapters/memory/MemoryChatGuard.ts';
import { MemoryCandleStore } from '../adapters/memory/MemoryCandleStore.ts';
import { MemoryStateStore } from '../adapters/memory/MemoryStateStore.ts';
import { createLogger } from '../lib/log.ts';
import { telegramRatePath } from '../shared/store/index.ts';
import type { AuditEntry, OpsStore } from '../ports/ops.ts';
import { answerUpdate, type ChatUpdate, type TelegramDeps } from './telegramBot.ts';

const ADMIN = '-2002';
const READER = '1001';
const T = Date.UTC(2026, 11, 1, 12);
const unused = () => Promise.reject(new Error('not used by these commands'));

/** The bot on the in-memory fakes (the same contract suites as Firestore): a chat that records what it was sent. */
function bot(rateLimit = { perMinute: 60, burst: 100 }) {
  const store = new MemoryStateStore();
  const audit: AuditEntry[] = [];
  const sent: { chatId?: string; callbackId?: string; text: string; data?: string }[] = [];
  const ops = { recordAudit: async (e: AuditEntry) => void audit.push(e) } as unknown as OpsStore;
  const guard = new MemoryChatGuard();
  const deps: TelegramDeps = {
    env: { SYMBOLS: ['BTC/USDT'], TIMEFRAME: '1m', CONFIG_CACHE_MS: 0 } as unknown as TelegramDeps['env'],
    store,
    ops,
    candles: new MemoryCandleStore(),
    source: unused,
    bus: unused,
    exchangeRules: unused,
    scheduler: { setPaused: unused },
    ledger: { adjust: unused } as unknown as TelegramDeps['ledger'],
    account: async () => null,
    accounts: unused,
    tick: unused,
    marketNow: async () => T,
    wallNow: () => T,
    log: createLogger('error', {}, () => {}),
    chat: {
      send: async (chatId, text, confirm) => void sent.push({ chatId, text, data: confirm?.data }),
      answerCallback: async (callbackId, text) => void sent.push({ callbackId, text }),
    },
    readerChats: [READER],
    adminChats: [ADMIN],
    secret: 'webhook-secret-webhook-secret-0123',
    confirmTtlMs: 120_000,
    guard,
    rateLimit,
  };
  let n = 0;
  const say = (chatId: string, text: string, at = T) => answerUpdate(deps, { kind: 'message', chatId, text }, at);
  const press = (data: string, at = T): Promise<void> => {
    const update: ChatUpdate = { kind: 'callback', chatId: ADMIN, callbackId: `cb${++n}`, data };
    return answerUpdate(deps, update, at);
  };
  const button = () => sent.findLast((m) => m.data)!.data!;
  const answers = () => sent.filter((m) => m.callbackId).map((m) => m.text);
  return { deps, store, audit, sent, guard, say, press, button, answers };
}

describe('telegram confirmations are single use', () => {
  it('two presses of one button: one run; the second is answered "already done"', async () => {
    const b = bot();
    await b.say(ADMIN, '/pause lunch');
    const data = b.button();
    await b.press(data);
    await b.press(data, T + 5_000);
    expect(b.answers()).toEqual(['running pause', 'already done: pause ran when first pressed']);
    expect(b.audit.map((a) => `${a.action}:${a.status}`)).toEqual(['pause:200']);
    expect((await b.store.getStatus())?.mode).toBe('PAUSED');
  });

  it('concurrent presses: one run', async () => {
    const b = bot();
    await b.say(ADMIN, '/stop_entries');
    const data = b.button();
    await Promise.all([b.press(data), b.press(data), b.press(data)]);
    expect(b.answers().sort()).toEqual(
      [
        'already done: stop-entries ran when first pressed',
        'already done: stop-entries ran when first pressed',
        'running stop-entries',
      ].sort(),
    );
    expect(b.audit.map((a) => a.action)).toEqual(['stop-entries']);
  });

  it('an expired button is refused and stays unused; a new command gives a new button', async () => {
    const b = bot();
    await b.say(ADMIN, '/pause');
    const old = b.button();
    await b.press(old, T + 121_000);
    expect(b.answers()).toEqual(['expired: send the command again']);
    expect(b.audit).toEqual([]);
    await b.say(ADMIN, '/pause', T + 122_000);
    expect(b.button()).not.toBe(old);
    await b.press(b.button(), T + 123_000);
    expect(b.audit.map((a) => a.action)).toEqual(['pause']);
  });
});

describe('telegram rate limit per chat', () => {
  it('over the limit: answered politely once, the rest ignored and counted; other chats unaffected; refills', async () => {
    const b = bot({ perMinute: 6, burst: 2 });
    for (let i = 0; i < 5; i++) await b.say(READER, '/help', T + i);
    const toReader = b.sent.filter((m) => m.chatId === READER).map((m) => m.text);
    expect(toReader).toHaveLength(3);
    expect(toReader.slice(0, 2).every((t) => t.startsWith('Eagle Eye commands:'))).toBe(true);
    expect(toReader[2]).toBe('Too many commands: this chat may send 6 a minute. Please try again in 10 s; until then they are ignored.');
    expect(b.guard.buckets.get(telegramRatePath(READER))).toMatchObject({ refused: 3, noticed: true });
    await b.say(ADMIN, '/help', T + 5);
    expect(b.sent.at(-1)).toMatchObject({ chatId: ADMIN, text: expect.stringMatching(/^Eagle Eye commands:/) });
    await b.say(READER, '/help', T + 10_005);
    expect(b.sent.at(-1)).toMatchObject({ chatId: READER, text: expect.stringMatching(/^Eagle Eye commands:/) });
    expect(b.guard.buckets.get(telegramRatePath(READER))).toMatchObject({ refused: 3, noticed: false });
  });

  it('a confirm press over the limit is answered once on the button and does not run', async () => {
    const b = bot({ perMinute: 1, burst: 1 });
    await b.say(ADMIN, '/pause');
    await b.press(b.button());
    await b.press(b.button());
    expect(b.answers()).toEqual(['too many commands: try again in 60 s']);
    expect(b.audit).toEqual([]);
    expect((await b.store.getStatus())?.mode ?? 'NORMAL').toBe('NORMAL');
  });

  it('a stranger is neither answered nor given a bucket', async () => {
    const b = bot();
    await b.say('3003', '/help');
    expect(b.sent).toEqual([]);
    expect(b.guard.buckets.size).toBe(0);
  });
});
