/**
 * The command set in a Telegram chat. Only allow-listed chats are answered: a reader chat may run
 * the read-only commands, an admin chat every command of the set; a command that changes the mode,
 * the book or the config is run only after its confirm button is pressed. The button carries the
 * command, an expiry and an HMAC over (chat, expiry, command) with the webhook's secret, so a forged
 * or expired button is refused without a read; a genuine one is claimed once (ChatGuard.claim, a
 * transaction on telegram/c_{mac}) before it runs, so a second press, however close, answers
 * "already done". Each allow-listed chat has a token bucket (ChatGuard.take): over it, the first
 * update is answered politely, the rest ignored, all counted. Every command that reaches the admin
 * call is audited as `telegram:<chat id>` (callAdmin), refused ones included.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { toDecimalString } from '../domain/money.ts';
import type { AdminDeps } from './admin.ts';
import { callAdmin } from './adminCall.ts';
import { replyLines } from './commandReplies.ts';
import { COMMANDS, commandNamed, isReadOnly, type CommandSpec } from '../shared/commandSet.ts';
import type { Caller, ChatReplies } from '../ports/ops.ts';
import type { ChatGuard, ChatTake } from '../ports/chatGuard.ts';
import type { RateLimit } from '../domain/inbound/index.ts';

/** The parts of a Bot API Update this bot reads (the handler validates them). */
export type ChatUpdate =
  | { readonly kind: 'message'; readonly chatId: string; readonly text: string }
  | { readonly kind: 'callback'; readonly chatId: string; readonly callbackId: string; readonly data: string };

export interface TelegramDeps extends AdminDeps {
  chat: ChatReplies;
  readerChats: readonly string[];
  adminChats: readonly string[];
  /** the webhook's secret token: also the key of the confirm buttons' HMAC */
  secret: string;
  confirmTtlMs: number;
  guard: ChatGuard;
  /** per chat, every update of an allow-listed chat */
  rateLimit: RateLimit;
}

/** callback_data is at most 64 bytes: `ok:<expiry s, base36>:<mac>:<command line>` */
const MAX_CALLBACK = 64;
const MAC_CHARS = 12;

const mac = (secret: string, chatId: string, expiry: string, line: string) =>
  createHmac('sha256', secret).update(`${chatId}|${expiry}|${line}`).digest('base64url').slice(0, MAC_CHARS);

/** `/force_exit@EagleBot BTC/USDT` → spec force-exit, args [BTC/USDT]; Telegram commands use _ where the CLI uses -. */
export function parseCommand(text: string): { name: string; spec: CommandSpec | undefined; args: string[] } | null {
  const words = text.trim().split(/\s+/);
  const head = /^\/([a-z_]{1,32})(@\w+)?$/i.exec(words[0] ?? '');
  if (!head) return null;
  const name = head[1]!.toLowerCase().replace(/_/g, '-');
  return { name, spec: commandNamed(name), args: words.slice(1) };
}

const chatName = (spec: CommandSpec) => `/${spec.usage.replace(/^[a-z-]+/, (n) => n.replace(/-/g, '_'))}`;

function help(admin: boolean): string {
  const shown = COMMANDS.filter((c) => admin || isReadOnly(c.name));
  return ['Eagle Eye commands:', ...shown.map((c) => `${chatName(c)} — ${c.summary}${c.confirm ? ' (asks to confirm)' : ''}`)].join('\n');
}

async function run(deps: TelegramDeps, chatId: string, admin: boolean, spec: CommandSpec, args: readonly string[]): Promise<string> {
  const caller: Caller = { kind: 'telegram', id: `telegram:${chatId}` };
  const [status, answer] = await callAdmin(deps, caller, admin, { action: spec.name, ...spec.params(args) });
  // the same JSON the admin function sends (amounts as decimals), so the text does not depend on the surface
  const json = JSON.parse(JSON.stringify(answer, (_k, v: unknown) => (typeof v === 'bigint' ? toDecimalString(v) : v))) as {
    result?: unknown;
    error?: string;
  };
  return status === 200 ? replyLines(spec.name, json.result).join('\n') : `${spec.name} refused (${status}): ${json.error ?? 'no reason'}`;
}

export async function answerUpdate(deps: TelegramDeps, update: ChatUpdate, now: number): Promise<void> {
  const admin = deps.adminChats.includes(update.chatId);
  if (!admin && !deps.readerChats.includes(update.chatId)) {
    // a stranger gets no answer, and cannot fill audit_log: only logged
    deps.log.log('WARNING', 'telegram update from a chat that is not allow-listed', { chatId: update.chatId, kind: update.kind });
    return;
  }
  const take = await deps.guard.take(update.chatId, now, deps.rateLimit);
  if (take.kind === 'limited') return limited(deps, update, take);
  if (update.kind === 'callback') return confirmed(deps, update, admin, now);
  const cmd = parseCommand(update.text);
  if (!cmd) return;
  if (cmd.name === 'help' || cmd.name === 'start') return deps.chat.send(update.chatId, help(admin));
  if (!cmd.spec) return deps.chat.send(update.chatId, `unknown command /${cmd.name.replace(/-/g, '_')}\n\n${help(admin)}`);
  if (!cmd.spec.confirm || !admin) return deps.chat.send(update.chatId, await run(deps, update.chatId, admin, cmd.spec, cmd.args));
  const line = [cmd.spec.name, ...cmd.args].join(' ');
  const expiry = Math.floor((now + deps.confirmTtlMs) / 1000).toString(36);
  const data = `ok:${expiry}:${mac(deps.secret, update.chatId, expiry, line)}:${line}`;
  if (Buffer.byteLength(data) > MAX_CALLBACK)
    return deps.chat.send(update.chatId, `${cmd.spec.name}: too long to confirm in a chat; use eagle`);
  await deps.chat.send(update.chatId, `Run "${line}"? Press to confirm within ${Math.round(deps.confirmTtlMs / 1000)} s.`, {
    label: `Confirm: ${line}`.slice(0, 60),
    data,
  });
}

async function confirmed(
  deps: TelegramDeps,
  update: Extract<ChatUpdate, { kind: 'callback' }>,
  admin: boolean,
  now: number,
): Promise<void> {
  const m = /^ok:([0-9a-z]{1,8}):([\w-]{12}):(.+)$/.exec(update.data);
  const expected = m ? mac(deps.secret, update.chatId, m[1]!, m[3]!) : '';
  const genuine = m !== null && timingSafeEqual(Buffer.from(expected), Buffer.from(m[2]!));
  if (!genuine || !admin) {
    deps.log.log('WARNING', 'telegram confirmation refused', {
      chatId: update.chatId,
      reason: genuine ? 'not an admin chat' : 'forged button',
    });
    return deps.chat.answerCallback(update.callbackId, 'refused');
  }
  const [name, ...args] = m[3]!.split(' ');
  const spec = commandNamed(name!);
  if (!spec?.confirm) return deps.chat.answerCallback(update.callbackId, 'refused');
  const claim = await deps.guard.claim({ id: m[2]!, chatId: update.chatId, command: m[3]!, expiresAt: parseInt(m[1]!, 36) * 1000 }, now);
  if (claim === 'expired') return deps.chat.answerCallback(update.callbackId, 'expired: send the command again');
  if (claim === 'used') return deps.chat.answerCallback(update.callbackId, `already done: ${name} ran when first pressed`);
  await deps.chat.answerCallback(update.callbackId, `running ${name}`);
  await deps.chat.send(update.chatId, await run(deps, update.chatId, admin, spec, args));
}

async function limited(deps: TelegramDeps, update: ChatUpdate, take: Extract<ChatTake, { kind: 'limited' }>): Promise<void> {
  deps.log.log('WARNING', 'telegram chat over its rate limit', { chatId: update.chatId, refused: take.refused, notice: take.notice });
  if (!take.notice) return;
  const wait = `try again in ${Math.ceil(take.retryAfterMs / 1000)} s`;
  if (update.kind === 'callback') return deps.chat.answerCallback(update.callbackId, `too many commands: ${wait}`);
  const text = `Too many commands: this chat may send ${deps.rateLimit.perMinute} a minute. Please ${wait}; until then they are ignored.`;
  await deps.chat.send(update.chatId, text);
}
