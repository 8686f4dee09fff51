/**
 * One schema for every setting. Deployment settings come from the environment (EnvSchema);
 * trading parameters live in Firestore `config/bot` (BotConfigSchema) so they can change without a
 * redeploy, with the defaults below. Both are parsed once per invocation and fail fast, naming the field.
 */
import { z } from 'zod';
import { TIMEFRAMES } from '../domain/candle.ts';
import { AmountString } from '../shared/zodFields.ts';
import { RegimeParamsSchema } from '../domain/regime/params.ts';
import { RiskParamsSchema } from '../domain/risk/params.ts';
import { ProtectionParamsSchema } from '../domain/protections/params.ts';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const intFromEnv = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const SYMBOL_RE = /^[A-Z0-9]{2,15}\/[A-Z0-9]{2,15}$/;

export const EnvSchema = z
  .object({
    PROJECT_ID: z
      .string()
      .regex(/^[a-z][a-z0-9-]{4,29}$/, 'a Google Cloud project id')
      .default('demo-eagle-eye'),
    MARKET_SOURCE: z.enum(['replay', 'ccxt']).default('replay'),
    EXCHANGE_ID: z
      .string()
      .regex(/^[a-z0-9]+$/)
      .default('binance'),
    SYMBOLS: z
      .string()
      .default('BTC/USDT,ETH/USDT,BNB/USDT,XRP/USDT')
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(SYMBOL_RE, 'symbols look like BTC/USDT')).min(1)),
    /** Candles the strategy decides on; 4h chosen by walk-forward (README → Backtester → Defaults). */
    TIMEFRAME: z.enum(TIMEFRAMES).default('4h'),
    /** How often the scheduler fires the tick: whole minutes, as Cloud Scheduler's cron allows. */
    TICK_INTERVAL: z
      .string()
      .regex(/^[1-9]\d*m$/, 'a whole number of minutes such as "1m" or "5m"')
      .default('1m'),
    /** Replay source: market time at which the local replay starts. */
    REPLAY_START: z.iso.datetime({ offset: true }).default('2023-03-20T00:00:00Z'),
    /** Replay source: market seconds per wall second (60 ⇒ one 1m candle per second). */
    REPLAY_SPEED: z.coerce.number().positive().max(100_000).default(1),
    /** Wall-clock ms at which the replay started; shared by every local process so they agree on "now". */
    REPLAY_ANCHOR_MS: z.coerce.number().int().nonnegative().optional(),
    /**
     * Which clock is market time. `replay` (REPLAY_START/SPEED/ANCHOR_MS) is forced by MARKET_SOURCE=replay;
     * with ccxt it is for the local exchange simulator only (its candles are replayed), so it needs EXCHANGE_API_URL.
     */
    MARKET_CLOCK: z.enum(['wall', 'replay']).optional(),
    TRADING_MODE: z.enum(['paper', 'live']).default('paper'),
    /**
     * Base URL of the exchange's REST API instead of the real one: every REST base URL of the ccxt
     * exchange is rebased onto it (the local exchange simulator, `npm start -- --exchange sim`).
     */
    EXCHANGE_API_URL: z
      .url({ protocol: /^https?$/, hostname: z.regexes.hostname })
      .refine((u) => {
        const url = new URL(u);
        return !url.search && !url.hash && !url.username && !url.password;
      }, 'a base URL such as http://127.0.0.1:12000, without query, fragment or credentials')
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    EXCHANGE_API_KEY: z.string().min(1).optional(),
    EXCHANGE_API_SECRET: z.string().min(1).optional(),
    SIGNALS_TOPIC: z
      .string()
      .regex(/^[A-Za-z][\w.~+%-]{2,254}$/)
      .default('signals'),
    /** Symbols processed at once in one tick. */
    SYMBOL_CONCURRENCY: intFromEnv(1, 32).default(4),
    /** Candles kept per symbol for indicators (≥ the 250-candle warm-up). */
    HISTORY_CANDLES: intFromEnv(260, 5000).default(600),
    /** Time the tick may spend on one symbol's exchange calls, retries included. */
    FETCH_BUDGET_MS: intFromEnv(1000, 540_000).default(20_000),
    /** How long a warm instance keeps config/bot before reading it again (0 = every invocation). */
    CONFIG_CACHE_MS: intFromEnv(0, 3_600_000).default(300_000),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    FIRESTORE_EMULATOR_HOST: z.string().optional(),
    PUBSUB_EMULATOR_HOST: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.MARKET_CLOCK === 'wall' && env.MARKET_SOURCE === 'replay') {
      ctx.addIssue({
        code: 'custom',
        path: ['MARKET_CLOCK'],
        message: 'MARKET_SOURCE=replay runs on the replay clock; MARKET_CLOCK=wall makes no sense with it',
      });
    }
    if (env.MARKET_CLOCK === 'replay' && env.MARKET_SOURCE === 'ccxt' && !env.EXCHANGE_API_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['MARKET_CLOCK'],
        message: 'MARKET_CLOCK=replay with MARKET_SOURCE=ccxt is for the exchange simulator only: set EXCHANGE_API_URL',
      });
    }
    if (env.TRADING_MODE === 'live' && (!env.EXCHANGE_API_KEY || !env.EXCHANGE_API_SECRET)) {
      ctx.addIssue({
        code: 'custom',
        path: ['EXCHANGE_API_KEY'],
        message: 'TRADING_MODE=live needs EXCHANGE_API_KEY and EXCHANGE_API_SECRET',
      });
    }
    if (env.TRADING_MODE === 'live' && env.MARKET_SOURCE !== 'ccxt') {
      ctx.addIssue({
        code: 'custom',
        path: ['MARKET_SOURCE'],
        message: 'TRADING_MODE=live needs MARKET_SOURCE=ccxt (live orders on replayed prices make no sense)',
      });
    }
  });
export type Env = z.infer<typeof EnvSchema>;

/** Market time runs on the replay clock: the replay source, or the exchange simulator replaying candles. */
export const usesReplayClock = (env: Pick<Env, 'MARKET_SOURCE' | 'MARKET_CLOCK'>): boolean =>
  env.MARKET_SOURCE === 'replay' || env.MARKET_CLOCK === 'replay';

/** A decimal of at most 12 integer digits and 8 places: every amount the money code can hold exactly, and no more. */
const boundedDecimal = z
  .string()
  .regex(/^\d{1,12}(\.\d{1,8})?$/, 'expected a decimal below 10^12 with at most 8 places, e.g. "10000" or "0.001"');
const positiveDecimal = boundedDecimal.refine((s) => /[1-9]/.test(s), 'must be greater than 0');

/**
 * A tightening of the exchange's rules for one symbol (domain/marketRules.ts): amountStep a whole
 * multiple of the exchange's, minNotional at least the exchange's. amountStep > 0: sizing floors to it.
 */
export const MarketRulesSchema = z.strictObject({ amountStep: positiveDecimal, minNotional: boundedDecimal });
const fee = z.number().min(0).max(1000).multipleOf(0.01);
/** At most this many per-symbol market rules in config/bot.markets. */
export const MAX_MARKETS = 100;

/**
 * config/bot: strict at every level (an unknown key, e.g. a typo, is refused naming its path),
 * every number bounded. Strategy params are checked by the strategy's own schema in the registry,
 * when the runtime is built from the config (config/botRuntime.ts).
 */
export const BotConfigSchema = z.strictObject({
  symbols: z.array(z.string().regex(SYMBOL_RE)).min(1).max(50).optional(),
  timeframe: z.enum(TIMEFRAMES).optional(),
  strategy: z
    .strictObject({ name: z.string().max(64).default('regime_trend'), params: z.record(z.string(), z.unknown()).default({}) })
    .default({ name: 'regime_trend', params: {} }),
  regime: RegimeParamsSchema.default(RegimeParamsSchema.parse({})),
  risk: RiskParamsSchema.default(RiskParamsSchema.parse({})),
  /** Locks on entries after stop-outs, losses and drawdowns (domain/protections); each off until configured. */
  protections: ProtectionParamsSchema.default({}),
  paper: z
    .strictObject({ feeBps: fee.default(10), slippageBps: fee.default(5), initialCash: positiveDecimal.default('10000') })
    .default({ feeBps: 10, slippageBps: 5, initialCash: '10000' }),
  /** Per symbol, stricter rules than the exchange's own (which apply everywhere else); refused when they disagree. */
  markets: z
    .record(z.string().regex(SYMBOL_RE, 'market keys are symbols like BTC/USDT'), MarketRulesSchema)
    .refine((m) => Object.keys(m).length <= MAX_MARKETS, `at most ${MAX_MARKETS} markets`)
    .default({}),
  /**
   * Live mode: exchange balances and open orders against the ledger (README → Reconciliation), at the
   * first tick, after a deploy, and every `everyTicks` ticks; a base difference below one amount step
   * is dust, a cash difference up to `cashTolerance` (quote units) is ignored.
   */
  reconcile: z
    .strictObject({ everyTicks: z.number().int().min(1).max(10_080).default(60), cashTolerance: boundedDecimal.default('1') })
    .default({ everyTicks: 60, cashTolerance: '1' }),
});
export type BotConfig = z.infer<typeof BotConfigSchema>;

export { RegimeParamsSchema, RiskParamsSchema };
export type { RegimeParams } from '../domain/regime/params.ts';
export type { RiskParams } from '../domain/risk/params.ts';

export { AmountString };
export { bool as BoolFromEnv };
