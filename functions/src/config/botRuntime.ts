/**
 * config/bot is valid when the runtime can be built from it: the schema (strict, bounded), then
 * exactly what the tick and executeOrder build — the strategy from the registry with its params,
 * the regime parameters for the timeframe, the execution parameters and every market's rules.
 * The admin function validates a new config with this before storing it, and the functions load
 * config/bot with it (botConfig.ts): one function, so nothing stored can fail to load.
 */
import { toAmount } from '../domain/money.ts';
import { ConfigError } from '../domain/errors.ts';
import { resolveRegimeParams, type ResolvedRegimeParams } from '../domain/regime/index.ts';
import { getStrategy } from '../domain/strategy/index.ts';
import type { Strategy } from '../domain/strategy/strategy.types.ts';
import type { ExecutionParams } from '../domain/engine/index.ts';
import type { Timeframe } from '../domain/candle.ts';
import type { MarketRules } from '../domain/trading.types.ts';
import { BotConfigError, parseBotConfig } from './load.ts';
import type { BotConfig } from './schema.ts';

export interface BotRuntime {
  readonly config: BotConfig;
  readonly timeframe: Timeframe;
  readonly strategy: Strategy;
  readonly regime: ResolvedRegimeParams;
  readonly execution: ExecutionParams;
}

export function rulesFor(config: BotConfig): (symbol: string) => MarketRules {
  const memo = new Map<string, MarketRules>();
  return (symbol) => {
    let rules = memo.get(symbol);
    if (!rules) {
      const r = config.markets[symbol] ?? config.defaultMarket;
      rules = { amountStep: toAmount(r.amountStep), minNotional: toAmount(r.minNotional) };
      memo.set(symbol, rules);
    }
    return rules;
  };
}

export function executionParams(config: BotConfig): ExecutionParams {
  return { risk: config.risk, feeBps: config.paper.feeBps, slippageBps: config.paper.slippageBps, rulesFor: rulesFor(config) };
}

/**
 * Parse and build; throws BotConfigError naming the full path (`${prefix}.strategy.name`,
 * `${prefix}.strategy.params.pullbackAtrMult`, …). `envTimeframe` is the deployment's TIMEFRAME,
 * used when the document names none.
 */
export function validateBotConfig(doc: unknown, envTimeframe: Timeframe, prefix = 'config/bot'): BotRuntime {
  const config = parseBotConfig(doc, prefix);
  const timeframe = config.timeframe ?? envTimeframe;
  try {
    const strategy = getStrategy(config.strategy.name, config.strategy.params);
    const regime = resolveRegimeParams(config.regime, timeframe);
    const execution = executionParams(config);
    execution.rulesFor('');
    for (const symbol of Object.keys(config.markets)) execution.rulesFor(symbol);
    return { config, timeframe, strategy, regime, execution };
  } catch (err) {
    if (!(err instanceof ConfigError) && !(err instanceof RangeError)) throw err;
    // The registry's messages start with the field: `strategy.params.x: …` (an unknown param's key may be any text).
    const field = /^(strategy\.params\.[^\n]*?|[\w.]+): /.exec(err.message)?.[1];
    const path = field ? `${prefix}.${field}` : prefix;
    throw new BotConfigError(path, `invalid config/bot document:\n${field ? `${prefix}.${err.message}` : `${prefix}: ${err.message}`}`.slice(0, 1000));
  }
}
