/**
 * The strategy API (version STRATEGY_API_VERSION): what a strategy module exports, documented in the
 * README ("Writing a strategy"). A strategy declares its parameters (zod, with defaults and ranges),
 * the indicators it wants and the candle history it reads; the engine keeps that window in the
 * tick's state, computes the indicators once per closed candle and calls `advise`. The same code
 * runs in the live tick and the backtester. Risk (sizing, stops, limits, modes) stays the engine's.
 */
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import type { Advice } from '../trading.types.ts';
import { BAR_FIELDS, fieldsOf, IndicatorSpecSchema, minCandles, type BarField, type IndicatorSpec } from './indicators.ts';
import { STRATEGY_API_VERSION, type StrategyDefinition, type StrategyInput } from './strategy.types.ts';

/** The largest window a strategy may keep per symbol: it is stored in status/system on every tick. */
export const MAX_HISTORY = 500;

export interface StrategyModule<S extends z.ZodType<Record<string, unknown>>, I extends string> {
  readonly apiVersion: typeof STRATEGY_API_VERSION;
  /** lower_snake_case, as config/bot `strategy.name` refers to it */
  readonly name: string;
  /** `${name}@N`: bump N when the rules change */
  readonly version: string;
  readonly description: string;
  /** a zod strictObject: every field with a default and a range, so `{}` is valid and typos are refused */
  readonly params: S;
  /** the indicators by name, from the params; computed by the engine on every closed candle */
  indicators?(params: z.output<S>): Readonly<Record<I, IndicatorSpec>>;
  /** candles `advise` may read back (including the current one), and which fields */
  history?(params: z.output<S>): { readonly candles: number; readonly fields?: readonly BarField[] };
  /** called once per new closed decision candle, after the position's stops were checked */
  advise(input: StrategyInput & { readonly indicators: Readonly<Record<I, number | null>> }, params: z.output<S>): Advice;
}

/** Check a module and turn it into a registry entry; throws ConfigError naming what is wrong. */
export function defineStrategy<S extends z.ZodType<Record<string, unknown>>, I extends string = never>(
  m: StrategyModule<S, I>,
): StrategyDefinition<S> {
  if (m.apiVersion !== STRATEGY_API_VERSION)
    throw new ConfigError(`strategy ${m.name}: apiVersion ${String(m.apiVersion)} is not ${STRATEGY_API_VERSION}`);
  if (!/^[a-z][a-z0-9_]{0,39}$/.test(m.name)) throw new ConfigError(`strategy ${m.name}: the name must be lower_snake_case`);
  if (!m.version.startsWith(`${m.name}@`)) throw new ConfigError(`strategy ${m.name}: version must start with "${m.name}@"`);
  return {
    apiVersion: m.apiVersion,
    name: m.name,
    version: m.version,
    description: m.description,
    paramsSchema: m.params,
    create(params) {
      const indicators = (m.indicators?.(params) ?? {}) as Readonly<Record<I, IndicatorSpec>>;
      for (const [key, spec] of Object.entries<IndicatorSpec>(indicators)) {
        const r = IndicatorSpecSchema.safeParse(spec);
        if (!r.success) throw new ConfigError(`strategy ${m.name}: indicator ${key}: ${r.error.issues[0]?.message ?? 'invalid'}`);
      }
      const declared = m.history?.(params) ?? { candles: 0 };
      const specs = Object.values<IndicatorSpec>(indicators);
      const size = Math.max(declared.candles, ...specs.map(minCandles), 0);
      if (!Number.isInteger(size) || size > MAX_HISTORY)
        throw new ConfigError(`strategy ${m.name}: history ${size} must be a whole number up to ${MAX_HISTORY}`);
      const wanted = new Set<BarField>([...(declared.fields ?? (declared.candles > 0 ? ['c'] : [])), ...specs.flatMap(fieldsOf)]);
      const fields = BAR_FIELDS.filter((f) => wanted.has(f));
      return {
        name: m.name,
        version: m.version,
        params,
        indicators,
        window: { size: fields.length > 0 ? size : 0, fields },
        advise: (input) => m.advise(input as StrategyInput & { readonly indicators: Readonly<Record<I, number | null>> }, params),
      };
    },
  };
}

// What a strategy module imports: everything from this one file.
export { STRATEGY_API_VERSION, type Bars, type StrategyInput } from './strategy.types.ts';
export { ema, roc, rsi, sma, type BarField, type IndicatorSpec } from './indicators.ts';
export type { Advice } from '../trading.types.ts';
