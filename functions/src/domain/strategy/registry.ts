/**
 * A registry of strategies by name, as `config/bot.strategy.name` refers to them. The domain ships two
 * and builds a registry over any list; the one the bot runs (the shipped ones and the user's, from
 * functions/src/strategies/) is composed in functions/src/strategies/registry.ts. Each definition
 * validates its own params, so a typo in Firestore fails the load naming the field.
 */
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { unknownKeyError } from '../../lib/unknownKeys.ts';
import { regimeTrend } from './regimeTrend.ts';
import { buyAndHold } from './buyAndHold.ts';
import type { Strategy, StrategyDefinition } from './strategy.types.ts';

/** Erase a definition's params type for the registry; safe because create only ever receives its own schema's output. */
function entry<S extends z.ZodType<Record<string, unknown>>>(def: StrategyDefinition<S>): StrategyDefinition {
  return { ...def, create: (params) => def.create(params as z.output<S>) };
}

export const SHIPPED_STRATEGIES: readonly StrategyDefinition[] = [entry(regimeTrend), entry(buyAndHold)];

export const DEFAULT_STRATEGY = regimeTrend.name;

export interface StrategyRegistry {
  /** A definition by name (its params schema: what config validation, an optimiser and the dashboard read). */
  strategyDefinition(name: string): StrategyDefinition | undefined;
  strategyNames(): string[];
  /** Throws ConfigError on an unknown name or invalid params (the message names the field). */
  getStrategy(name: string, params?: unknown): Strategy;
}

/** The registry of `defs`; throws ConfigError when two share a name. */
export function strategyRegistry(defs: readonly StrategyDefinition[]): StrategyRegistry {
  const byName: Record<string, StrategyDefinition> = {};
  for (const def of defs) {
    if (Object.hasOwn(byName, def.name)) throw new ConfigError(`strategy ${def.name}: two strategies have this name`);
    byName[def.name] = def;
  }
  const strategyDefinition = (name: string) => (Object.hasOwn(byName, name) ? byName[name] : undefined);
  const strategyNames = () => Object.keys(byName).sort();
  return {
    strategyDefinition,
    strategyNames,
    getStrategy(name, params = {}) {
      const def = strategyDefinition(name);
      if (!def) throw new ConfigError(`strategy.name: unknown strategy "${name}" (known: ${strategyNames().join(', ')})`);
      const r = def.paramsSchema.safeParse(params ?? {}, { error: unknownKeyError });
      if (!r.success) {
        const issue = r.error.issues[0];
        // an unknown param is named itself, not its parent
        const unknown = issue?.code === 'unrecognized_keys' ? issue.keys.slice(0, 1).map((k) => k.slice(0, 64)) : [];
        const path = ['strategy', 'params', ...(issue?.path ?? []).map(String), ...unknown].join('.');
        throw new ConfigError(`${path}: ${issue?.message ?? 'invalid'} (strategy ${name})`);
      }
      return def.create(r.data);
    },
  };
}
