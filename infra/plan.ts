/**
 * plan = what apply would do: create what is missing, update the fields that differ, delete what
 * this tool created earlier (marked managed) and is no longer declared. apply runs a plan; running
 * it twice changes nothing the second time (the second plan is empty).
 */
import type { ApiKind, Resource, Spec } from './model.ts';

export interface Existing {
  readonly spec: Spec;
  /** created by this tool (label / name prefix): only managed resources are ever deleted */
  readonly managed: boolean;
}

export interface Provider {
  readonly kind: ApiKind;
  list(): Promise<Map<string, Existing>>;
  create(r: Resource<ApiKind>): Promise<void>;
  update(r: Resource<ApiKind>, fields: readonly string[]): Promise<void>;
  remove(name: string): Promise<void>;
}

export interface FieldChange {
  readonly field: string;
  readonly from: Spec[string] | undefined;
  readonly to: Spec[string] | undefined;
}

export type Change =
  | { readonly action: 'create'; readonly resource: Resource<ApiKind> }
  | { readonly action: 'update'; readonly resource: Resource<ApiKind>; readonly fields: readonly FieldChange[] }
  | { readonly action: 'delete'; readonly kind: ApiKind; readonly name: string };

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function diffSpec(existing: Spec, desired: Spec): FieldChange[] {
  return Object.keys(desired)
    .filter((k) => !same(existing[k], desired[k]))
    .map((k) => ({ field: k, from: existing[k], to: desired[k] }));
}

export async function plan(desired: readonly Resource<ApiKind>[], providers: readonly Provider[]): Promise<Change[]> {
  const changes: Change[] = [];
  for (const p of providers) {
    const existing = await p.list();
    const wanted = desired.filter((r) => r.kind === p.kind);
    for (const r of wanted) {
      const have = existing.get(r.name);
      if (!have) changes.push({ action: 'create', resource: r });
      else {
        const fields = diffSpec(have.spec, r.spec);
        if (fields.length) changes.push({ action: 'update', resource: r, fields });
      }
    }
    const names = new Set(wanted.map((r) => r.name));
    for (const [name, have] of existing) if (have.managed && !names.has(name)) changes.push({ action: 'delete', kind: p.kind, name });
  }
  return changes;
}

/** Creates before updates before deletes, in declaration order (topics exist before their subscriptions). */
export async function apply(changes: readonly Change[], providers: readonly Provider[], onStep?: (line: string) => void): Promise<void> {
  const byKind = new Map(providers.map((p) => [p.kind, p]));
  for (const action of ['create', 'update', 'delete'] as const) {
    for (const c of changes.filter((x) => x.action === action)) {
      const kind = c.action === 'delete' ? c.kind : c.resource.kind;
      const p = byKind.get(kind)!;
      if (c.action === 'create') await p.create(c.resource);
      else if (c.action === 'update')
        await p.update(
          c.resource,
          c.fields.map((f) => f.field),
        );
      else await p.remove(c.name);
      onStep?.(formatChange(c)[0]!);
    }
  }
}

const show = (v: unknown) => (v === undefined || v === null ? '∅' : JSON.stringify(v));

export function formatChange(c: Change): string[] {
  if (c.action === 'delete') return [`- ${c.kind} ${c.name}`];
  if (c.action === 'create') return [`+ ${c.resource.kind} ${c.resource.name}`];
  return [`~ ${c.resource.kind} ${c.resource.name}`, ...c.fields.map((f) => `    ${f.field}: ${show(f.from)} → ${show(f.to)}`)];
}

export function formatPlan(changes: readonly Change[]): string[] {
  if (changes.length === 0) return ['no changes: the project matches infra/'];
  const n = (a: Change['action']) => changes.filter((c) => c.action === a).length;
  return [...changes.flatMap(formatChange), `plan: ${n('create')} to create, ${n('update')} to change, ${n('delete')} to delete`];
}
