import type { z } from 'zod';
import { ConfigError } from '../domain/errors.ts';
import { isSecretName } from '../lib/redact.ts';
import { BotConfigSchema, EnvSchema, type BotConfig, type Env } from './schema.ts';

/** Turn zod issues into one line per field, e.g. `TICK_INTERVAL: a whole number of minutes…`. */
export function formatIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((i) => `${prefix}${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('\n');
}

/** Pure: environment in, validated settings out (injectable like functions-framework's parseOptions). */
export function parseEnv(envVars: Record<string, string | undefined> = process.env): Env {
  const relevant = Object.fromEntries(
    Object.keys(EnvSchema.shape ?? {}).map((k) => [k, envVars[k] === '' ? undefined : envVars[k]]),
  );
  const parsed = EnvSchema.safeParse(relevant);
  if (!parsed.success) {
    // Name the variable itself (SYMBOLS, not SYMBOLS.0) and show what it was set to.
    const lines = parsed.error.issues.map((i) => describeIssue(String(i.path[0] ?? '(environment)'), i.message, relevant));
    throw new ConfigError(`invalid configuration:\n${[...new Set(lines)].join('\n')}`);
  }
  return parsed.data;
}

/** `NAME: message (got "value")` — a secret's value is never echoed, only whether it was set. */
export function describeIssue(name: string, message: string, vars: Record<string, string | undefined>): string {
  const got = vars[name];
  if (got === undefined) return `${name}: ${message}`;
  return `${name}: ${message} (${isSecretName(name) ? 'set, value hidden' : `got ${JSON.stringify(got)}`})`;
}

export function parseBotConfig(doc: unknown): BotConfig {
  const parsed = BotConfigSchema.safeParse(doc ?? {});
  if (!parsed.success) throw new ConfigError(`invalid config/bot document:\n${formatIssues(parsed.error, 'config/bot.')}`);
  return parsed.data;
}
