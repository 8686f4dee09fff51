/**
 * config/bot is valid when the runtime can be built from it: the schema (strict, bounded), then
 * exactly what the tick and executeOrder build — the strategy from the registry with its params,
 * the regime parameters for the timeframe, the execution parameters and every market's rules, each
 * config/bot.markets entry checked against the exchange's own rules (domain/marketRules.ts: an entry
 * may only tighten them; one that disagrees refuses the whole document, naming the symbol and both
 * values). The admin function validates a new config with this before storing it, and the functions load
 * config/bot with it (botConfig.ts): one function, so nothing stored can fail to load.
 */
import { toAmount } from '../domain/money.ts';
import { ConfigError } from '../domain/errors.ts';
import { resolveRegimeParams, type ResolvedRegimeParams } from '../domain/regime/index.ts';
import { getStrategy } from '../strategies/registry.ts';
import type { Strategy } from '../domain/strategy/strategy.types.ts';
import type { ExecutionParams } from '../domain/engine/index.ts';
import type { Timeframe } from '../domain/candle.ts';
import { marketDisagreement, tradingRules, type ExchangeRules, type MarketRules } from '../domain/marketRules.ts';
import { BotConfigError, parseBotConfig } from './load.ts';
import type { BotConfig } from './schema.ts';
import { PATHS } from '../shared/store/paths.ts';

export interface BotRuntime {
  readonly config: BotConfig;
  readonly timeframe: Timeframe;
  readonly strategy: Strategy;
  readonly regime: ResolvedRegimeParams;
  readonly execution: ExecutionParams;
}

const configuredMarket = (config: BotConfig, symbol: string) => {
  const m = config.markets[symbol];
  return m && { amountStep: toAmount(m.amountStep), minNotional: toAmount(m.minNotional) };
};

/** The trading rules per symbol: the exchange's, tightened by config/bot.markets (domain/marketRules.ts tradingRules). */
export function rulesFor(config: BotConfig, exchange: ExchangeRules): (symbol: string) => MarketRules | null {
  const memo = new Map<string, MarketRules | null>();
  return (symbol) => {
    if (!memo.has(symbol)) memo.set(symbol, tradingRules(symbol, exchange, configuredMarket(config, symbol)));
    return memo.get(symbol)!;
  };
}

export function executionParams(config: BotConfig, exchange: ExchangeRules): ExecutionParams {
  return { risk: config.risk, feeBps: config.paper.feeBps, slippageBps: config.paper.slippageBps, rulesFor: rulesFor(config, exchange) };
}

/**
 * Parse and build; throws BotConfigError naming the full path (`${prefix}.strategy.name`,
 * `${prefix}.strategy.params.pullbackAtrMult`, `${prefix}.markets.XRP/USDT.amountStep`, …).
 * `envTimeframe` is the deployment's TIMEFRAME, used when the document names none; `exchange` the
 * exchange's rules (paper: the recorded snapshot; live: loaded from the exchange). Rules that could
 * not be loaded check nothing: without them no entry is sized anyway.
 */
export function validateBotConfig(
  doc: unknown,
  envTimeframe: Timeframe,
  exchange: ExchangeRules,
  prefix: string = PATHS.config,
): BotRuntime {
  const config = parseBotConfig(doc, prefix);
  const timeframe = config.timeframe ?? envTimeframe;
  try {
    const strategy = getStrategy(config.strategy.name, config.strategy.params);
    const regime = resolveRegimeParams(config.regime, timeframe);
    const execution = executionParams(config, exchange);
    for (const symbol of Object.keys(config.markets)) {
      const disagreement = exchange.available ? marketDisagreement(symbol, exchange, configuredMarket(config, symbol)!) : null;
      if (disagreement) throw new ConfigError(`markets.${symbol}.${disagreement.field}: ${disagreement.message}`);
    }
    return { config, timeframe, strategy, regime, execution };
  } catch (err) {
    if (!(err instanceof ConfigError) && !(err instanceof RangeError)) throw err;
    // The registry's messages start with the field: `strategy.params.x: …` (an unknown param's key may be any text).
    const field = /^(strategy\.params\.[^\n]*?|[\w./]+): /.exec(err.message)?.[1];
    const path = field ? `${prefix}.${field}` : prefix;
    throw new BotConfigError(
      path,
      `invalid config/bot document:\n${field ? `${prefix}.${err.message}` : `${prefix}: ${err.message}`}`.slice(0, 1000),
    );
  }
}
