/**
 * Settings of the signed inbound-signal webhook (handlers/signalWebhook.ts). The secrets come from
 * Secret Manager in the cloud (infra/model.ts maps SIGNAL_WEBHOOK_SECRETS onto the secret
 * signal-webhook-secrets) and from the environment locally; a value is never echoed in an error.
 */
import { z } from 'zod';
import { ConfigError } from '../domain/errors.ts';
import { SOURCE_ID } from '../domain/inbound/index.ts';
import { describeIssue } from './load.ts';

/** 32 characters at least: `openssl rand -hex 32` gives 64. */
const secret = z.string().min(32, 'a secret needs at least 32 characters (openssl rand -hex 32)').max(256);
/** source id → its secret, or two during a rotation (both verify until the old one is removed). */
const Secrets = z
  .record(
    z.string().regex(SOURCE_ID, 'source ids are lowercase letters, digits and -, at most 24'),
    z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(secret).min(1).max(2)),
  )
  .refine((m) => Object.keys(m).length <= 20, 'at most 20 sources');

export const InboundEnvSchema = z.strictObject({
  SIGNAL_WEBHOOK_SECRETS: z.string().max(20_000).optional(),
  /** how far a request's timestamp may be from the server's clock, either way */
  SIGNAL_WEBHOOK_WINDOW_S: z.coerce.number().int().min(5).max(3600).default(300),
  SIGNAL_WEBHOOK_RATE_PER_MIN: z.coerce.number().min(0.1).max(600).default(6),
  SIGNAL_WEBHOOK_BURST: z.coerce.number().int().min(1).max(100).default(3),
});

export interface InboundEnv {
  readonly secrets: ReadonlyMap<string, readonly string[]>;
  readonly windowMs: number;
  readonly limit: { readonly perMinute: number; readonly burst: number };
}

export function parseInboundEnv(envVars: Record<string, string | undefined> = process.env): InboundEnv {
  const relevant = Object.fromEntries(Object.keys(InboundEnvSchema.shape).map((k) => [k, envVars[k] === '' ? undefined : envVars[k]]));
  const fail = (lines: string[]): never => {
    throw new ConfigError(`invalid configuration:\n${[...new Set(lines)].join('\n')}`);
  };
  const parsed = InboundEnvSchema.safeParse(relevant);
  if (!parsed.success) fail(parsed.error.issues.map((i) => describeIssue(String(i.path[0] ?? '(environment)'), i.message, relevant)));
  const env = parsed.data!;
  let secrets: Record<string, string[]> = {};
  if (env.SIGNAL_WEBHOOK_SECRETS !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(env.SIGNAL_WEBHOOK_SECRETS);
    } catch {
      fail(['SIGNAL_WEBHOOK_SECRETS: not JSON; expected {"<source>": "<secret>"} (set, value hidden)']);
    }
    const s = Secrets.safeParse(json);
    // zod's messages name the field, never the value
    if (!s.success)
      fail(
        s.error.issues.map(
          (i) =>
            `SIGNAL_WEBHOOK_SECRETS.${i.path.map(String).join('.') || '(root)'}: ${i.code === 'invalid_key' ? 'source ids are lowercase letters, digits and -, at most 24' : i.message} (set, value hidden)`,
        ),
      );
    secrets = s.data!;
  }
  return {
    secrets: new Map(Object.entries(secrets)),
    windowMs: env.SIGNAL_WEBHOOK_WINDOW_S * 1000,
    limit: { perMinute: env.SIGNAL_WEBHOOK_RATE_PER_MIN, burst: env.SIGNAL_WEBHOOK_BURST },
  };
}
