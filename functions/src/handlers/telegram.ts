import { timingSafeEqual } from 'node:crypto';
import type { HttpFunction } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { errorFields } from '../lib/log.ts';
import { answerUpdate, type ChatUpdate, type TelegramDeps } from '../services/telegramBot.ts';

/**
 * A Bot API Update, read loosely: Telegram adds fields over time and they are not ours to refuse;
 * only what the bot reads is checked (a chat id, a text, a button's data).
 */
const chat = z.object({ id: z.number().int() });
const UpdateSchema = z.object({
  update_id: z.number().int(),
  message: z.object({ chat, text: z.string().max(4096).optional() }).optional(),
  callback_query: z
    .object({ id: z.string().min(1).max(100), data: z.string().max(64).optional(), message: z.object({ chat }).optional() })
    .optional(),
});

function toChatUpdate(body: unknown): ChatUpdate | null {
  const u = UpdateSchema.safeParse(body);
  if (!u.success) return null;
  const { message, callback_query: cb } = u.data;
  if (message?.text !== undefined) return { kind: 'message', chatId: String(message.chat.id), text: message.text };
  if (cb?.data !== undefined && cb.message)
    return { kind: 'callback', chatId: String(cb.message.chat.id), callbackId: cb.id, data: cb.data };
  return null;
}

const sameSecret = (given: string | undefined, secret: string) =>
  given !== undefined && given.length === secret.length && timingSafeEqual(Buffer.from(given), Buffer.from(secret));

/**
 * The Telegram webhook (setWebhook with secret_token): a request without the
 * X-Telegram-Bot-Api-Secret-Token header of that value is refused (401) and only logged. Any
 * update that carries it is answered 200, even one the bot ignores: a non-2xx makes Telegram
 * resend the same update.
 */
export function makeTelegramHandler(getDeps: () => Promise<TelegramDeps>, now: () => number = Date.now): HttpFunction {
  return async (req, res) => {
    let deps: TelegramDeps;
    try {
      deps = await getDeps();
    } catch {
      res.status(503).json({ error: 'telegram webhook is not configured' });
      return;
    }
    if (req.method !== 'POST') return void res.status(405).json({ error: 'POST only' });
    if (!sameSecret(req.get('x-telegram-bot-api-secret-token'), deps.secret)) {
      deps.log.log('WARNING', 'telegram webhook refused: wrong or missing secret token', {});
      return void res.status(401).json({ error: 'wrong or missing X-Telegram-Bot-Api-Secret-Token' });
    }
    const update = toChatUpdate(req.body);
    try {
      if (update) await answerUpdate(deps, update, now());
    } catch (err) {
      deps.log.log('ERROR', 'telegram update not answered', errorFields(err));
    }
    res.status(200).json({ ok: true });
  };
}
