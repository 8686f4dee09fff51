/**
 * The local stack's signal-webhook source: `npm start` makes a secret for the source "local" (unless
 * SIGNAL_WEBHOOK_SECRETS is set) and writes it, with the webhook's URL, to .emulators/signal-webhook.json
 * (mode 0600, git-ignored), where `npm run signal -- send` finds it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const LOCAL_SOURCE = 'local';
const LocalFile = z.strictObject({ source: z.string(), secret: z.string(), url: z.url() });
export type LocalWebhook = z.infer<typeof LocalFile>;

export const localWebhookFile = (root: string): string => join(root, '.emulators', 'signal-webhook.json');

/** The environment the functions get: the configured secrets, or a fresh local one (written down for the sender). */
export function localSignalWebhookEnv(
  root: string,
  url: string,
  env: Record<string, string | undefined> = process.env,
): Record<string, string> {
  if (env.SIGNAL_WEBHOOK_SECRETS) return {};
  const secret = randomBytes(32).toString('hex');
  writeFileSync(localWebhookFile(root), `${JSON.stringify({ source: LOCAL_SOURCE, secret, url } satisfies LocalWebhook)}\n`, {
    mode: 0o600,
  });
  return { SIGNAL_WEBHOOK_SECRETS: JSON.stringify({ [LOCAL_SOURCE]: secret }) };
}

export function readLocalWebhook(root: string): LocalWebhook {
  const file = localWebhookFile(root);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${file} does not exist: start the local stack (npm start), or pass --url, --source and SIGNAL_SECRET`);
  }
  return LocalFile.parse(JSON.parse(text));
}
