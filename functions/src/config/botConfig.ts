/**
 * config/bot as the functions see it: validated by building the runtime from it (botRuntime.ts),
 * then kept by a warm instance for CONFIG_CACHE_MS (default 5 minutes: one read per five 1m ticks
 * instead of one per tick). A config/bot change therefore takes effect within that time.
 *
 * A document that fails validation (written to Firestore directly, bypassing the admin function)
 * never stops the functions: load() answers the last good config this instance had (or the schema
 * defaults on an instance that never had one) together with the problem, and the callers protect
 * (the tick keeps running stops, takes no entries and raises one critical alert per problem).
 * The document is judged against the exchange's market rules of the moment (the venue's), which
 * load() hands back with it: a config/bot.markets entry that disagrees with them is such a problem.
 */
import { createHash } from 'node:crypto';
import type { Timeframe } from '../domain/candle.ts';
import type { Alert } from '../domain/alerts.ts';
import { ConfigError } from '../domain/errors.ts';
import type { ExchangeRules } from '../domain/marketRules.ts';
import type { Clock } from '../ports/index.ts';
import { BotConfigError } from './load.ts';
import { validateBotConfig } from './botRuntime.ts';
import type { BotConfig } from './schema.ts';
import { PATHS } from '../shared/store/paths.ts';

export { executionParams, rulesFor, validateBotConfig, type BotRuntime } from './botRuntime.ts';

/** Why the stored config/bot was not used: the field at fault and the validator's message. */
export interface ConfigProblem {
  readonly field: string;
  readonly message: string;
  /** stable per problem (the same document gives the same id): one alert, not one per tick */
  readonly alertId: string;
  /** whether `config` is this instance's last good config or, never having had one, the defaults */
  readonly using: 'last_good' | 'defaults';
}

export interface LoadedBotConfig {
  readonly config: BotConfig;
  readonly problem: ConfigProblem | null;
  /** the exchange's rules the config was judged against: size with these (botRuntime.ts rulesFor) */
  readonly exchange: ExchangeRules;
}

export interface BotConfigSource {
  /** The config, or a ConfigError when the stored document is invalid. */
  get(): Promise<BotConfig>;
  /** Never throws for an invalid document: the last good config (or the defaults) and the problem. */
  load(): Promise<LoadedBotConfig>;
}

export function cachedBotConfig(
  read: () => Promise<unknown>,
  exchangeRules: () => Promise<ExchangeRules>,
  wallClock: Clock,
  ttlMs: number,
  envTimeframe: Timeframe = '4h',
): BotConfigSource {
  let cached: { loaded: LoadedBotConfig; at: number } | null = null;
  let lastGood: BotConfig | null = null;
  const load = async (): Promise<LoadedBotConfig> => {
    const t = wallClock.now();
    if (cached && t - cached.at < ttlMs) return cached.loaded;
    const [doc, exchange] = await Promise.all([read(), exchangeRules()]);
    let loaded: LoadedBotConfig;
    try {
      lastGood = validateBotConfig(doc, envTimeframe, exchange).config;
      loaded = { config: lastGood, problem: null, exchange };
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const field = err instanceof BotConfigError ? err.field : PATHS.config;
      const digest = createHash('sha256').update(err.message).digest('hex').slice(0, 16);
      loaded = {
        config: lastGood ?? validateBotConfig({}, envTimeframe, exchange).config,
        problem: { field, message: err.message, alertId: `config_invalid_${digest}`, using: lastGood ? 'last_good' : 'defaults' },
        exchange,
      };
    }
    // Rules that could not be loaded are asked for again next time, not kept for the cache's life.
    if (exchange.available) cached = { loaded, at: t };
    return loaded;
  };
  return {
    load,
    async get() {
      const { config, problem } = await load();
      if (problem) throw new ConfigError(problem.message);
      return config;
    },
  };
}

/** The critical alert for an invalid config/bot: one document per problem (its id), rewritten by each tick that still sees it. */
export function configProblemAlert(problem: ConfigProblem, now: number): Alert {
  const using = problem.using === 'last_good' ? "this instance's last good config" : 'the schema defaults';
  return {
    id: problem.alertId,
    kind: 'error',
    severity: 'critical',
    message:
      `config/bot is invalid (${problem.field}); running stops with ${using} and taking no entries until it is fixed: ${problem.message}`.slice(
        0,
        1500,
      ),
    createdAt: now,
  };
}
