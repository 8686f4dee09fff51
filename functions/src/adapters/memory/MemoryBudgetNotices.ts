import type { OpsStore } from '../../services/adminPorts.ts';

/** In-memory budget notices (budget_notices/ on Firestore): the idempotency record of the budget guard. */
export class MemoryBudgetNotices implements Pick<OpsStore, 'claimBudgetNotice'> {
  readonly notices = new Map<string, Record<string, unknown>>();

  async claimBudgetNotice(id: string, doc: Record<string, unknown>): Promise<boolean> {
    if (this.notices.has(id)) return false;
    this.notices.set(id, structuredClone(doc));
    return true;
  }
}
