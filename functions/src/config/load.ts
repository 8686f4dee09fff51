import type { z } from 'zod';
import { ConfigError } from '../domain/errors.ts';
import { formatIssues } from '../shared/zodFields.ts';
import { isSecretName } from '../lib/redact.ts';
import { unknownKeyError } from '../lib/unknownKeys.ts';
import { BotConfigSchema, EnvSchema, type BotConfig, type Env } from './schema.ts';
import { PATHS } from '../shared/store/paths.ts';

/** Turn zod issues into one line per field, e.g. `TICK_INTERVAL: a whole number of minutes…`. */
export { formatIssues };

/** Pure: environment in, validated settings out (injectable like functions-framework's parseOptions). */
export function parseEnv(envVars: Record<string, string | undefined> = process.env): Env {
  const relevant = Object.fromEntries(Object.keys(EnvSchema.shape ?? {}).map((k) => [k, envVars[k] === '' ? undefined : envVars[k]]));
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

/** config/bot is refused when it nests deeper than this (its own deepest field, markets.<symbol>.amountStep, is 3). */
export const MAX_CONFIG_DEPTH = 6;
const MAX_KEYS_PER_OBJECT = 200;
const HEADER = 'invalid config/bot document:\n';

/** An invalid config/bot: `field` is the full path of the first problem, e.g. `config/bot.risk.riskPerTradPct`. */
export class BotConfigError extends ConfigError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** A key as a path segment: plain keys as they are, anything else quoted (`""`, `" "`), long ones cut. */
const shown = (key: string): string => {
  const cut = key.length > 64 ? `${key.slice(0, 64)}…` : key;
  return /^[\w/.-]+$/.test(key) ? cut : JSON.stringify(cut);
};

/** Depth, empty keys and key counts, checked before the schema so a hostile document is named, not walked. */
function checkShape(doc: unknown, prefix: string): void {
  const walk = (v: unknown, path: string, depth: number): void => {
    if (typeof v !== 'object' || v === null) return;
    if (depth > MAX_CONFIG_DEPTH) throw new BotConfigError(path, `${HEADER}${path}: nested deeper than ${MAX_CONFIG_DEPTH} levels`);
    // Array.from, not v.map: map honours a hostile own `constructor` (Symbol.species) and throws a TypeError.
    const entries = Array.isArray(v) ? Array.from(v as unknown[], (x, i) => [String(i), x] as const) : Object.entries(v);
    if (entries.length > MAX_KEYS_PER_OBJECT) throw new BotConfigError(path, `${HEADER}${path}: more than ${MAX_KEYS_PER_OBJECT} entries`);
    for (const [k, x] of entries) {
      const at = `${path}.${shown(k)}`;
      if (k === '') throw new BotConfigError(at, `${HEADER}${at}: empty key`);
      walk(x, at, depth + 1);
    }
  };
  walk(doc, prefix, 1);
}

/** The path of a zod issue; an unknown key is named itself (`risk.riskPerTradPct`), not its parent. */
function issueField(issue: z.core.$ZodIssue, prefix: string): string {
  const path = [prefix, ...issue.path.map((p) => shown(String(p)))];
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(shown(issue.keys[0]));
  return path.join('.');
}

/**
 * config/bot (or a candidate for it, `prefix` "set") parsed against the schema: defaults filled,
 * unknown keys, empty keys, excess depth and out-of-range numbers refused with a BotConfigError
 * naming the full path. Strategy params are checked when the runtime is built (botRuntime.ts).
 */
export function parseBotConfig(doc: unknown, prefix: string = PATHS.config): BotConfig {
  checkShape(doc, prefix);
  const parsed = BotConfigSchema.safeParse(doc ?? {}, { error: unknownKeyError });
  if (!parsed.success) {
    const named = (i: z.core.$ZodIssue) => (issueField(i, prefix) === prefix ? `${prefix}.(root)` : issueField(i, prefix));
    const lines = parsed.error.issues.slice(0, 10).map((i) => `${named(i)}: ${i.message.slice(0, 200)}`);
    throw new BotConfigError(issueField(parsed.error.issues[0]!, prefix), `${HEADER}${lines.join('\n')}`);
  }
  return parsed.data;
}
