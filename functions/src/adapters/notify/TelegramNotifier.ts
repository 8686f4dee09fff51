/**
 * Telegram Bot API notifications for WARNING and above. One message per alert id, even across
 * instances and redeliveries (the id is claimed in Firestore first); at most one message per
 * `minIntervalMs` per instance, and a 429's retry_after is honoured once. Off without a token.
 * The token is part of the URL: nothing here ever prints the URL, and errors are redacted.
 */
import { redactText } from '../../lib/redact.ts';
import type { Logger } from '../../lib/log.ts';

export interface Notice {
  readonly id: string;
  readonly severity: 'info' | 'warning' | 'critical';
  readonly kind: string;
  readonly message: string;
  readonly symbol?: string;
}

export interface Notifier {
  notify(notice: Notice): Promise<void>;
}

export interface TelegramOptions {
  token: string;
  chatId: string;
  apiUrl: string;
  minIntervalMs: number;
  /** true the first time an id is seen (Firestore create), false for a repeat */
  claim: (id: string) => Promise<boolean>;
  log: Logger;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const ICON = { info: 'ℹ️', warning: '⚠️', critical: '🚨' } as const;
const MAX_RETRY_AFTER_S = 5;

export function formatNotice(n: Notice): string {
  return `${ICON[n.severity]} ${n.severity.toUpperCase()} ${n.kind}${n.symbol ? ` ${n.symbol}` : ''}\n${n.message}`.slice(0, 4000);
}

export class TelegramNotifier implements Notifier {
  private nextAt = 0;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  constructor(private readonly opts: TelegramOptions) {
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = opts.now ?? Date.now;
  }

  async notify(notice: Notice): Promise<void> {
    if (notice.severity === 'info') return;
    try {
      if (!(await this.opts.claim(notice.id))) return;
      await this.send(formatNotice(notice), true);
    } catch (err) {
      // A notification never fails the work that raised it.
      this.opts.log.log('ERROR', 'telegram notification failed', {
        alertId: notice.id,
        error: redactText((err as Error).message, [this.opts.token]),
      });
    }
  }

  private async send(text: string, mayRetry: boolean): Promise<void> {
    const wait = this.nextAt - this.now();
    if (wait > 0) await this.sleep(wait);
    this.nextAt = this.now() + this.opts.minIntervalMs;
    const res = await fetch(`${this.opts.apiUrl}/bot${this.opts.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: this.opts.chatId, text, disable_web_page_preview: true }),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.ok) return;
    const body = (await res.json().catch(() => ({}))) as { description?: string; parameters?: { retry_after?: number } };
    const retryAfter = body.parameters?.retry_after;
    if (res.status === 429 && mayRetry && retryAfter !== undefined && retryAfter <= MAX_RETRY_AFTER_S) {
      this.nextAt = this.now() + retryAfter * 1000;
      return this.send(text, false);
    }
    throw new Error(`Bot API answered ${res.status}: ${body.description ?? 'no description'}`);
  }
}

/** Logs instead of sending: the notifier when no token is configured (local default). */
export class LogNotifier implements Notifier {
  constructor(private readonly log: Logger) {}
  async notify(notice: Notice): Promise<void> {
    if (notice.severity !== 'info')
      this.log.log('DEBUG', 'notification (Telegram off: no TELEGRAM_BOT_TOKEN)', { alertId: notice.id, kind: notice.kind });
  }
}

/**
 * Wrap a state store so that every alert it raises and every dead letter it records also notifies.
 * The store's own methods are untouched (prototype delegation), so it keeps its full interface.
 */
export function notifying<
  T extends {
    raiseAlert(a: Notice & { createdAt: number }): Promise<void>;
    recordDeadLetter(d: { id: string; source: string; reason: string }): Promise<void>;
  },
>(store: T, notifier: Notifier): T {
  const wrapped = Object.create(store) as T;
  wrapped.raiseAlert = async (alert) => {
    await store.raiseAlert(alert);
    await notifier.notify(alert);
  };
  wrapped.recordDeadLetter = async (letter) => {
    await store.recordDeadLetter(letter as Parameters<T['recordDeadLetter']>[0]);
    await notifier.notify({
      id: `deadletter_${letter.id}`,
      severity: 'warning',
      kind: 'dead_letter',
      message: `${letter.source} dead-lettered a message: ${letter.reason}`.slice(0, 500),
    });
  };
  return wrapped;
}
