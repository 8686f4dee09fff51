/**
 * Settings of the operations side (admin function, budget guard, notifications, metrics backend).
 * Kept beside EnvSchema rather than inside it so the trading settings stay one focused schema;
 * `.env.example` documents both (config/envExample.test.ts checks it).
 */
import { z } from 'zod';
import { ConfigError } from '../domain/errors.ts';
import { describeIssue } from './load.ts';

const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

export const OpsEnvSchema = z.object({
  /** Service accounts (emails) whose Google-signed ID tokens may call the admin function. */
  ADMIN_SERVICE_ACCOUNTS: list.pipe(z.array(z.email())).default([]),
  /** Origins allowed to call the admin function from a browser (CORS); the dashboard's. */
  ADMIN_ALLOWED_ORIGINS: list.pipe(z.array(z.url())).default(['http://127.0.0.1:8700', 'http://localhost:8700']),
  /** Expected audience of service-account ID tokens: the admin function's URL. Unset ⇒ any audience. */
  ADMIN_TOKEN_AUDIENCE: z.url().optional(),
  /** Actual spend (percent of the budget) at which the budget guard pauses trading. */
  BUDGET_PAUSE_PCT: z.coerce.number().positive().max(1000).default(100),
  /** Cloud Scheduler region of the trading jobs (the budget guard pauses them there). */
  SCHEDULER_REGION: z
    .string()
    .regex(/^[a-z]+-[a-z]+\d$/, 'a region such as europe-west1')
    .default('europe-west1'),
  /** Telegram notifications (WARNING and above); off when the token is unset. */
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]{20,}$/, 'a Bot API token like 123456:ABC…')
    .optional(),
  TELEGRAM_CHAT_ID: z
    .string()
    .regex(/^-?\d+$|^@\w+$/, 'a numeric chat id or @channel')
    .optional(),
  TELEGRAM_API_URL: z.url().default('https://api.telegram.org'),
  /** The command bot's webhook (setWebhook secret_token): requests without it are refused; also the confirm buttons' HMAC key. */
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{24,256}$/, '24 to 256 characters of A-Z a-z 0-9 _ - (the Bot API secret_token alphabet)')
    .optional(),
  /** Chats that may run the read-only commands (status, profit…) and chats that may run every command (with confirmation). */
  TELEGRAM_READ_CHAT_IDS: list.pipe(z.array(z.string().regex(/^-?\d{1,20}$/, 'numeric chat ids'))).default([]),
  TELEGRAM_ADMIN_CHAT_IDS: list.pipe(z.array(z.string().regex(/^-?\d{1,20}$/, 'numeric chat ids'))).default([]),
  /** How long a confirm button stays valid. */
  TELEGRAM_CONFIRM_TTL_S: z.coerce.number().int().min(10).max(3600).default(120),
  /** The command bot's limit per chat: a burst of updates, refilled at so many a minute; over it the chat is told once. */
  TELEGRAM_RATE_PER_MIN: z.coerce.number().int().min(1).max(600).default(20),
  TELEGRAM_RATE_BURST: z.coerce.number().int().min(1).max(100).default(10),
  /** At most one Telegram message per this many ms (Bot API limits ~1 msg/s per chat). */
  TELEGRAM_MIN_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(1000),
  /** log (local: one log line per batch) or monitoring (Cloud Monitoring custom metrics). */
  METRICS_BACKEND: z.enum(['log', 'monitoring']).default('log'),
});
export type OpsEnv = z.infer<typeof OpsEnvSchema>;

export function parseOpsEnv(envVars: Record<string, string | undefined> = process.env): OpsEnv {
  const relevant = Object.fromEntries(Object.keys(OpsEnvSchema.shape).map((k) => [k, envVars[k] === '' ? undefined : envVars[k]]));
  const parsed = OpsEnvSchema.safeParse(relevant);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => describeIssue(String(i.path[0] ?? '(environment)'), i.message, relevant));
    throw new ConfigError(`invalid configuration:\n${[...new Set(lines)].join('\n')}`);
  }
  return parsed.data;
}
