/**
 * The Bot API calls the command bot answers with: sendMessage (text in <pre>, an optional confirm
 * button) and answerCallbackQuery. The token is part of the URL: nothing here prints the URL, and
 * errors are redacted.
 */
import { redactText } from '../../lib/redact.ts';
import type { ChatReplies } from '../../ports/ops.ts';

/** A message is at most 4096 characters; a long answer is cut with a note. */
const MAX_TEXT = 3900;
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export class TelegramBotApi implements ChatReplies {
  constructor(private readonly opts: { token: string; apiUrl: string }) {}

  async send(chatId: string, text: string, confirm?: { label: string; data: string }): Promise<void> {
    const body = text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}\n… (cut: use eagle --json for the whole answer)` : text;
    await this.call('sendMessage', {
      chat_id: chatId,
      text: `<pre>${html(body)}</pre>`,
      parse_mode: 'HTML',
      disable_web_page_preview: true,
      ...(confirm ? { reply_markup: { inline_keyboard: [[{ text: confirm.label, callback_data: confirm.data }]] } } : {}),
    });
  }

  async answerCallback(callbackId: string, text: string): Promise<void> {
    await this.call('answerCallbackQuery', { callback_query_id: callbackId, text: text.slice(0, 200) });
  }

  private async call(method: string, payload: Record<string, unknown>): Promise<void> {
    try {
      const res = await fetch(`${this.opts.apiUrl}/bot${this.opts.token}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(10_000),
      });
      if (res.ok) return;
      const answer = (await res.json().catch(() => ({}))) as { description?: string };
      throw new Error(`Bot API ${method} answered ${res.status}: ${answer.description ?? 'no description'}`);
    } catch (err) {
      throw new Error(redactText((err as Error).message, [this.opts.token]));
    }
  }
}
