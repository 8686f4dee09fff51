/**
 * Strategies by name, as `config/bot.strategy.name` refers to them: the shipped ones and the user's
 * (functions/src/strategies/, bundled with the functions). Each validates its own params, so a typo
 * in Firestore fails the load naming the field.
 */
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { unknownKeyError } from '../../lib/unknownKeys.ts';
import { regimeTrend } from './regimeTrend.ts';
import { buyAndHold } from './buyAndHold.ts';
import { USER_STRATEGIES } from '../../strategies/index.ts';
import type { Strategy, StrategyDefinition } from './strategy.types.ts';

/** Erase a definition's params type for the registry; safe because create only ever receives its own schema's output. */
function entry<S extends z.ZodType<Record<string, unknown>>>(def: StrategyDefinition<S>): StrategyDefinition {
  return { ...def, create: (params) => def.create(params as z.output<S>) };
}

export const SHIPPED_STRATEGIES: readonly StrategyDefinition[] = [entry(regimeTrend), entry(buyAndHold)];

function byName(defs: readonly StrategyDefinition[]): Readonly<Record<string, StrategyDefinition>> {
  const out: Record<string, StrategyDefinition> = {};
  for (const def of defs) {
    if (Object.hasOwn(out, def.name)) throw new ConfigError(`strategy ${def.name}: two strategies have this name`);
    out[def.name] = def;
  }
  return out;
}

const STRATEGIES = byName([...SHIPPED_STRATEGIES, ...USER_STRATEGIES]);

export const DEFAULT_STRATEGY = regimeTrend.name;

/** A definition by name (its params schema: what config validation, an optimiser and the dashboard read). */
export function strategyDefinition(name: string): StrategyDefinition | undefined {
  return Object.hasOwn(STRATEGIES, name) ? STRATEGIES[name] : undefined;
}

export function strategyNames(): string[] {
  return Object.keys(STRATEGIES).sort();
}

/** Throws ConfigError on an unknown name or invalid params (the message names the field). */
export function getStrategy(name: string, params: unknown = {}): Strategy {
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
}
