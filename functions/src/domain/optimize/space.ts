/**
 * The optimiser's search space, read from the parameters' own zod schemas: a number's bounds and
 * integer-ness from its checks, booleans and enums as choices. Where a schema's bounds are a safety
 * limit rather than a sensible range (an ATR multiple up to 1000), the range to search is declared
 * next to the schema (risk/params.ts, regime/params.ts: SearchRanges) and must lie inside it.
 * Keys are dotted config paths ("risk.stopAtrMult", "strategy.params.pullbackToEma50").
 */
import { z } from 'zod';

export type ChoiceValue = string | number | boolean | null;
export type Dim =
  | { readonly kind: 'float'; readonly min: number; readonly max: number }
  | { readonly kind: 'int'; readonly min: number; readonly max: number }
  | { readonly kind: 'choice'; readonly values: readonly ChoiceValue[] };
/** dotted key → dimension, keys sorted */
export type Space = Readonly<Record<string, Dim>>;
export type Point = Readonly<Record<string, ChoiceValue>>;

/** A declared range: numbers between min and max, or a list of values. */
export type SearchRange = { readonly min: number; readonly max: number } | { readonly values: readonly ChoiceValue[] };
export type SearchRanges = Readonly<Record<string, SearchRange>>;

/** A space that cannot be built or narrowed: the message names the key. */
export class SpaceError extends Error {
  override readonly name = 'SpaceError';
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  options?: unknown;
  entries?: Record<string, ChoiceValue>;
}
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The schema under .default()/.optional()/.nullable(), and whether null is allowed. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; nullable: boolean } {
  let s = schema;
  let nullable = false;
  for (let d = defOf(s); ['default', 'optional', 'nullable', 'prefault'].includes(d.type); d = defOf(s)) {
    if (d.type === 'nullable') nullable = true;
    s = d.innerType!;
  }
  return { inner: s, nullable };
}

/** One dimension from a schema, narrowed by a declared range (which must fit the schema). */
export function dimOf(key: string, schema: z.ZodType, range?: SearchRange): Dim {
  const { inner } = unwrap(schema);
  const def = defOf(inner);
  if (range && 'values' in range) {
    if (range.values.length === 0) throw new SpaceError(`${key}: no values to search`);
    for (const v of range.values)
      if (!schema.safeParse(v).success) throw new SpaceError(`${key}: ${JSON.stringify(v)} is not a valid value`);
    return { kind: 'choice', values: [...range.values] };
  }
  if (def.type === 'boolean') {
    if (range) throw new SpaceError(`${key}: a boolean takes {"values": [...]}, not a range`);
    return { kind: 'choice', values: [false, true] };
  }
  if (def.type === 'enum') {
    if (range) throw new SpaceError(`${key}: a choice takes {"values": [...]}, not a range`);
    return { kind: 'choice', values: Object.values(def.entries ?? {}) };
  }
  if (def.type !== 'number') throw new SpaceError(`${key}: a ${def.type} cannot be searched`);
  const num = inner as z.ZodNumber;
  const int = num.isInt === true;
  const [lo, hi] = [num.minValue ?? -Infinity, num.maxValue ?? Infinity];
  const min = range ? range.min : lo;
  const max = range ? range.max : hi;
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new SpaceError(`${key}: unbounded; declare a search range for it`);
  if (min > max) throw new SpaceError(`${key}: min ${min} is above max ${max}`);
  if (min < lo || max > hi) throw new SpaceError(`${key}: the range ${min} to ${max} leaves the allowed ${lo} to ${hi}`);
  if (int && (!Number.isInteger(min) || !Number.isInteger(max))) throw new SpaceError(`${key}: a whole number needs whole bounds`);
  return { kind: int ? 'int' : 'float', min, max };
}

const sorted = (space: Record<string, Dim>): Space =>
  Object.fromEntries(
    Object.keys(space)
      .sort()
      .map((k) => [k, space[k]!]),
  );

/** Every field of an object schema (a strategy's params), bounds from the schema. */
export function spaceOfObject(prefix: string, schema: z.ZodType): Space {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  if (!shape) throw new SpaceError(`${prefix}: the params schema is not an object`);
  return sorted(Object.fromEntries(Object.entries(shape).map(([k, s]) => [`${prefix}.${k}`, dimOf(`${prefix}.${k}`, s)])));
}

/** The declared fields of an object schema (risk, regime), in their declared ranges. */
export function spaceOfRanges(prefix: string, schema: z.ZodType, ranges: SearchRanges): Space {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  const out: Record<string, Dim> = {};
  for (const [k, range] of Object.entries(ranges)) {
    const field = shape[k];
    if (!field) throw new SpaceError(`${prefix}.${k}: not a field of ${prefix}`);
    out[`${prefix}.${k}`] = dimOf(`${prefix}.${k}`, field, range);
  }
  return sorted(out);
}

export const mergeSpaces = (...spaces: Space[]): Space => sorted(Object.assign({}, ...spaces) as Record<string, Dim>);

const RangeFile = z.record(
  z.string(),
  z.union([
    z.strictObject({ min: z.number(), max: z.number() }),
    z.strictObject({ values: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).min(1) }),
  ]),
);

/**
 * Narrow a space with a --space document: {"risk.stopAtrMult": {"min": 2, "max": 5},
 * "strategy.params.pullbackToEma50": {"values": [false]}}. Only inside the space; unknown keys refused.
 */
export function narrowSpace(space: Space, doc: unknown): Space {
  const parsed = RangeFile.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SpaceError(`${issue?.path.join('.') || 'space'}: ${issue?.message ?? 'invalid'} (a key takes {"min", "max"} or {"values"})`);
  }
  const out: Record<string, Dim> = { ...space };
  for (const [key, range] of Object.entries(parsed.data)) {
    const dim = space[key];
    if (!dim) throw new SpaceError(`${key}: not a searchable parameter (known: ${Object.keys(space).join(', ')})`);
    if ('values' in range) {
      for (const v of range.values) if (!inDim(dim, v)) throw new SpaceError(`${key}: ${JSON.stringify(v)} is outside its space`);
      out[key] = { kind: 'choice', values: range.values };
    } else {
      if (dim.kind === 'choice') throw new SpaceError(`${key}: a choice takes {"values": [...]}, not a range`);
      if (!(range.min <= range.max) || range.min < dim.min || range.max > dim.max)
        throw new SpaceError(`${key}: ${range.min} to ${range.max} must be ordered and inside ${dim.min} to ${dim.max}`);
      if (dim.kind === 'int' && (!Number.isInteger(range.min) || !Number.isInteger(range.max)))
        throw new SpaceError(`${key}: a whole number needs whole bounds`);
      out[key] = { kind: dim.kind, min: range.min, max: range.max };
    }
  }
  return sorted(out);
}

export function inDim(dim: Dim, v: unknown): boolean {
  if (dim.kind === 'choice') return dim.values.includes(v as ChoiceValue);
  return typeof v === 'number' && v >= dim.min && v <= dim.max && (dim.kind === 'float' || Number.isInteger(v));
}
