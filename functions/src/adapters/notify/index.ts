import type { Firestore } from '@google-cloud/firestore';
import type { OpsEnv } from '../../config/opsSchema.ts';
import type { Logger } from '../../lib/log.ts';
import { LogNotifier, TelegramNotifier, type Notifier } from './TelegramNotifier.ts';

export { notifying, type Notifier } from './TelegramNotifier.ts';

/** Telegram when a token and chat are configured, a log line otherwise. Ids are claimed in notifications/. */
export function createNotifier(db: Firestore, opsEnv: OpsEnv, log: Logger): Notifier {
  if (!opsEnv.TELEGRAM_BOT_TOKEN || !opsEnv.TELEGRAM_CHAT_ID) return new LogNotifier(log);
  return new TelegramNotifier({
    token: opsEnv.TELEGRAM_BOT_TOKEN,
    chatId: opsEnv.TELEGRAM_CHAT_ID,
    apiUrl: opsEnv.TELEGRAM_API_URL,
    minIntervalMs: opsEnv.TELEGRAM_MIN_INTERVAL_MS,
    log,
    claim: async (id) => {
      try {
        await db.doc(`notifications/${id.replace(/[^\w.-]/g, '_')}`).create({ at: Date.now() });
        return true;
      } catch (err) {
        if ((err as { code?: number }).code === 6) return false; // ALREADY_EXISTS: sent before
        throw err;
      }
    },
  });
}
