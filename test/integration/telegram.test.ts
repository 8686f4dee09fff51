import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { Timestamp } from '@google-cloud/firestore';
import type { AddressInfo } from 'node:net';
import * as ff from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { makeTelegramHandler } from '../../functions/src/handlers/telegram.ts';
import { createOpsRuntime } from '../../functions/src/wiring/ops.ts';
import { parseOpsEnv } from '../../functions/src/config/opsSchema.ts';
import { FirestoreOrderLedger } from '../../functions/src/adapters/firestore/FirestoreOrderLedger.ts';
import { FirestoreStateStore } from '../../functions/src/adapters/firestore/FirestoreStateStore.ts';
import { fakeBotApi } from '../../functions/src/adapters/notify/fakeBotApi.testkit.ts';
import { toAmount as A } from '../../functions/src/domain/money.ts';
import type { Position, Trade } from '../../functions/src/domain/trading.types.ts';
import { PATHS, telegramConfirmPath, telegramRatePath } from '../../functions/src/shared/store/index.ts';
import { FirestoreChatGuard } from '../../functions/src/adapters/firestore/FirestoreChatGuard.ts';
import { describeChatGuardContract } from '../../functions/src/ports/contracts/chatGuard.contract.ts';
import { resetFirestore, steppedClock, testRuntime } from './harness.ts';

const TOKEN = '123456:TESTTOKENtesttokenTESTTOKEN';
const SECRET = 'webhook-secret-webhook-secret-0123';
const READER = '1001';
const ADMIN = '-2002';
const STRANGER = '3003';
const T = Date.parse('2023-03-21T00:00:30Z');

/** The Telegram webhook over HTTP, on the emulators, answering through a fake Bot API server. */
describe('telegram command bot (fake Bot API, real emulators)', () => {
  const bot = fakeBotApi();
  const clock = steppedClock(T);
  const runtime = testRuntime({ REPLAY_START: '2023-03-21T00:00:00Z', SYMBOLS: 'BTC/USDT' }, { clock });
  const db = runtime.db;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const api = await bot.listen();
    const ops = createOpsRuntime(
      runtime,
      parseOpsEnv({
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_API_URL: api,
        TELEGRAM_READ_CHAT_IDS: READER,
        TELEGRAM_ADMIN_CHAT_IDS: ADMIN,
      }),
    );
    ff.http(
      'telegram_test',
      makeTelegramHandler(
        async () => ({ ...(await ops.telegramDeps()), marketNow: async () => clock.t }),
        () => clock.t,
      ),
    );
    server = getTestServer('telegram_test');
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }, 60_000);
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    bot.server.close();
    await db.terminate();
  });
  beforeEach(async () => {
    clock.t = T;
    bot.received.length = 0;
    await resetFirestore();
  });

  let updateId = 0;
  const post = (update: Record<string, unknown>, secret: string | null = SECRET) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      body: JSON.stringify({ update_id: ++updateId, ...update }),
    });
  const say = (chat: string, text: string) =>
    post({ message: { message_id: 1, chat: { id: Number(chat), type: 'private' }, date: 0, text } });
  const press = (chat: string, data: string) =>
    post({ callback_query: { id: `cb${updateId}`, from: { id: 1 }, data, message: { message_id: 2, chat: { id: Number(chat) } } } });
  type Sent = {
    chat_id: string;
    text: string;
    reply_markup?: { inline_keyboard: { callback_data: string }[][] };
    callback_query_id?: string;
  };
  const sent = () => bot.received.map((r) => ({ method: r.path.split('/').at(-1), ...(r.body as unknown as Sent) }));
  const lastText = () =>
    sent()
      .filter((m) => m.method === 'sendMessage')
      .at(-1)?.text ?? '';
  const audit = async () => (await db.collection(PATHS.auditLog).orderBy('at').get()).docs.map((d) => d.data());
  const mode = async () => (await db.doc(PATHS.status).get()).data()?.mode ?? 'NORMAL';

  async function holdBtc(): Promise<void> {
    const store = new FirestoreStateStore(db);
    const book = await store.getBook(A('10000'), T);
    const trade: Trade = {
      id: 'sig-1',
      seq: 1,
      signalId: 'sig-1',
      symbol: 'BTC/USDT',
      side: 'buy',
      reason: 'regime_entry',
      qty: A('0.1'),
      price: A('27000'),
      fee: A('2.7'),
      cashDelta: A('-2702.7'),
      qtyDelta: A('0.1'),
      realizedPnl: 0n,
      time: T - 30_000,
    };
    const p: Position = {
      symbol: 'BTC/USDT',
      qty: A('0.1'),
      entryPrice: A('27000'),
      entryTime: T - 30_000,
      checkedUntil: T - 30_000,
      costBasis: A('2702.7'),
      stopLoss: A('26500'),
      takeProfit: A('28000'),
      trailingStop: null,
      highWater: A('27100'),
      openTradeId: 'sig-1',
      lastPrice: A('27100'),
    };
    await new FirestoreOrderLedger(db).execute('sig-1', A('10000'), T, async () => ({
      order: {
        signalId: 'sig-1',
        symbol: 'BTC/USDT',
        side: 'buy',
        createdAt: T,
        outcome: { status: 'filled', tradeId: 'sig-1', qty: trade.qty, price: trade.price, fee: trade.fee },
      },
      ledger: { wallet: { ...book.wallet, cash: A('7297.3'), tradeSeq: 1 }, positions: { 'BTC/USDT': p } },
      trade,
    }));
  }

  it('refuses a wrong or missing secret token (401), ignores strangers, and audits nothing for either', async () => {
    expect((await say(READER, '/status')).status).toBe(200);
    bot.received.length = 0;
    expect((await post({ message: { chat: { id: 1001 }, text: '/status' } }, null)).status).toBe(401);
    expect((await post({ message: { chat: { id: 1001 }, text: '/status' } }, 'x'.repeat(SECRET.length))).status).toBe(401);
    expect((await say(STRANGER, '/pause')).status).toBe(200);
    expect((await post({ edited_message: { text: 'hi' } })).status).toBe(200);
    expect(bot.received).toEqual([]);
    expect((await audit()).map((a) => `${a.who}:${a.action}`)).toEqual([`telegram:${READER}:status`]);
  });

  it('a reader chat reads status, positions, profit, daily, trades, performance and locks; may not pause', async () => {
    await holdBtc();
    await say(READER, '/status');
    expect(lastText()).toMatch(/^<pre>mode NORMAL .*\nequity .* 1 open position/);
    await say(READER, '/positions@EagleEyeBot');
    expect(lastText()).toMatch(/BTC\/USDT +0\.1 +27000 +27100 +10 /);
    await say(READER, '/trades 5');
    expect(lastText()).toMatch(/1 +2023-03-21 00:00 +BTC\/USDT +buy +regime_entry/);
    await say(READER, '/profit 7d');
    expect(lastText()).toMatch(/profit 7d \(2023-03-21 → 2023-03-21\): 1 fills/);
    await say(READER, '/daily 2');
    expect(lastText()).toMatch(/2023-03-21 +1 +0\/0 +0 +2\.7/);
    await say(READER, '/performance');
    expect(lastText()).toMatch(/BTC\/USDT +1 +0 +0\/0 +0 +2\.7/);
    await say(READER, '/locks');
    expect(lastText()).toMatch(/locks: none/);
    await say(READER, '/profit 2w');
    expect(lastText()).toMatch(/profit refused \(400\): period/);
    await say(READER, '/pause');
    expect(lastText()).toMatch(/pause refused \(403\)/);
    expect(sent().some((m) => m.reply_markup)).toBe(false);
    expect(await mode()).toBe('NORMAL');
    expect((await audit()).map((a) => `${a.action}:${a.status}`)).toEqual([
      'status:200',
      'positions:200',
      'trades:200',
      'profit:200',
      'daily:200',
      'performance:200',
      'locks:200',
      'profit:400',
      'pause:403',
    ]);
    expect(JSON.stringify(bot.received)).not.toContain(SECRET);
  });

  it('an admin chat confirms a destructive command with its button; a forged or expired button is refused', async () => {
    await say(ADMIN, '/stop_entries going to lunch');
    const button = sent().at(-1)!.reply_markup!.inline_keyboard[0]![0]!.callback_data;
    expect(button).toMatch(/^ok:[0-9a-z]+:[\w-]{12}:stop-entries going to lunch$/);
    expect(await mode()).toBe('NORMAL');
    await press(ADMIN, button.replace(/:stop-entries/, ':force-exit all').slice(0, 64));
    await press(READER, button);
    expect(
      sent()
        .filter((m) => m.method === 'answerCallbackQuery')
        .map((m) => m.text),
    ).toEqual(['refused', 'refused']);
    expect(await mode()).toBe('NORMAL');
    await press(ADMIN, button);
    expect(await mode()).toBe('PAUSED');
    expect(lastText()).toMatch(/mode PAUSED \(was NORMAL\)/);
    await say(ADMIN, '/locks');
    expect(lastText()).toMatch(/all mode: PAUSED \(going to lunch\) → resume/);

    await say(ADMIN, '/resume');
    const resume = sent().at(-1)!.reply_markup!.inline_keyboard[0]![0]!.callback_data;
    clock.t = T + 121_000;
    await press(ADMIN, resume);
    expect(sent().at(-1)).toMatchObject({ method: 'answerCallbackQuery', text: expect.stringMatching(/^expired/) });
    expect(await mode()).toBe('PAUSED');

    await say(ADMIN, '/force_exit all');
    await press(ADMIN, sent().at(-1)!.reply_markup!.inline_keyboard[0]![0]!.callback_data);
    expect(lastText()).toMatch(/force-exit refused \(409\): no open position/);
    const log = (await audit()).map((a) => `${a.who}:${a.action}:${a.status}`);
    expect(log).toEqual([`telegram:${ADMIN}:stop-entries:200`, `telegram:${ADMIN}:locks:200`, `telegram:${ADMIN}:force-exit:409`]);
  });

  it('a confirm button runs once: three presses at once and one more, one run, the others "already done"', async () => {
    await say(ADMIN, '/pause lunch');
    const button = sent().at(-1)!.reply_markup!.inline_keyboard[0]![0]!.callback_data;
    await Promise.all([press(ADMIN, button), press(ADMIN, button), press(ADMIN, button)]);
    await press(ADMIN, button);
    const answers = sent()
      .filter((m) => m.method === 'answerCallbackQuery')
      .map((m) => m.text);
    expect(answers.filter((t) => t === 'running pause')).toHaveLength(1);
    expect(answers.filter((t) => t.startsWith('already done'))).toHaveLength(3);
    expect((await audit()).map((a) => `${a.action}:${a.status}`)).toEqual(['pause:200']);
    expect(await mode()).toBe('PAUSED');
    const used = await db.doc(telegramConfirmPath(button.split(':')[2]!)).get();
    expect(used.data()).toMatchObject({ chatId: ADMIN, command: 'pause lunch', usedAt: T });
    // deleted by the TTL policy on telegram.expireAt (firestore.indexes.json) an hour after the button expired
    expect(used.get('expireAt')).toBeInstanceOf(Timestamp);
    expect((used.get('expireAt') as Timestamp).toMillis()).toBe((used.get('expiresAt') as number) + 3_600_000);
  });

  it('a chat over its rate limit (10 at once, 20 a minute) is told once; the rest are ignored and counted', async () => {
    for (let i = 0; i < 12; i++) await say(READER, '/help');
    const texts = sent().map((m) => m.text);
    expect(texts.filter((t) => t.includes('Eagle Eye commands:'))).toHaveLength(10);
    expect(texts.filter((t) => t.includes('Too many commands'))).toHaveLength(1);
    expect((await db.doc(telegramRatePath(READER)).get()).data()).toMatchObject({ refused: 2, noticed: true });
  });

  describeChatGuardContract('Firestore emulator', async () => new FirestoreChatGuard(db));
});
