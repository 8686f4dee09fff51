/**
 * config/bot as the functions see it: parsed once, then kept by a warm instance for
 * CONFIG_CACHE_MS (default 5 minutes: one read per five 1m ticks instead of one per tick), and turned into the
 * domain's execution parameters. A config/bot change therefore takes effect within that time.
 */
import { toAmount } from '../domain/money.ts';
import type { ExecutionParams } from '../domain/engine/index.ts';
import type { MarketRules } from '../domain/trading.types.ts';
import type { Clock } from '../ports/index.ts';
import { parseBotConfig } from './load.ts';
import type { BotConfig } from './schema.ts';

export interface BotConfigSource {
  get(): Promise<BotConfig>;
}

export function cachedBotConfig(read: () => Promise<unknown>, wallClock: Clock, ttlMs: number): BotConfigSource {
  let cached: { config: BotConfig; at: number } | null = null;
  return {
    async get() {
      const t = wallClock.now();
      if (cached && t - cached.at < ttlMs) return cached.config;
      cached = { config: parseBotConfig(await read()), at: t };
      return cached.config;
    },
  };
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
