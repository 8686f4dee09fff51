/**
 * The strategies the bot runs, by name: the domain's shipped ones and the user's (./index.ts), in one
 * registry. Everything that builds a strategy from config/bot (the tick, the backtester, the shadow
 * day, the optimiser, config validation) asks this one.
 */
import { SHIPPED_STRATEGIES, strategyRegistry } from '../domain/strategy/index.ts';
import { USER_STRATEGIES } from './index.ts';

export const { getStrategy, strategyDefinition, strategyNames } = strategyRegistry([...SHIPPED_STRATEGIES, ...USER_STRATEGIES]);
