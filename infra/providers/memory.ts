import type { ApiKind, Resource } from '../model.ts';
import type { Existing, Provider } from '../plan.ts';

/** In-memory stand-in for an API, for tests: the same Provider contract as the real clients. */
export class MemoryProvider implements Provider {
  readonly calls: string[] = [];
  readonly items = new Map<string, Existing>();
  constructor(readonly kind: ApiKind) {}
  async list() {
    return new Map(this.items);
  }
  async create(r: Resource<ApiKind>) {
    this.calls.push(`create ${r.name}`);
    this.items.set(r.name, { spec: { ...r.spec }, managed: true });
  }
  async update(r: Resource<ApiKind>, fields: readonly string[]) {
    this.calls.push(`update ${r.name} ${fields.join(',')}`);
    this.items.set(r.name, { spec: { ...r.spec }, managed: true });
  }
  async remove(name: string) {
    this.calls.push(`delete ${name}`);
    this.items.delete(name);
  }
}
