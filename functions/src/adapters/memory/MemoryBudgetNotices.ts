import type { CostRecord } from '../../shared/store/index.ts';
import type { AuditEntry, OpsStore } from '../../ports/ops.ts';

/**
 * In-memory budget notices (budget_notices/ on Firestore): the idempotency record of the budget guard,
 * its cost records, and the audit entries it writes (into the given store's audit_log when there is one).
 */
export class MemoryBudgetNotices implements Pick<OpsStore, 'claimBudgetNotice' | 'recordCost' | 'recordAudit'> {
  readonly notices = new Map<string, Record<string, unknown>>();
  readonly costs = new Map<string, CostRecord>();

  constructor(private readonly auditLog: AuditEntry[] = []) {}

  async recordAudit(entry: AuditEntry): Promise<void> {
    this.auditLog.push(structuredClone(entry));
  }

  async recordCost(cost: CostRecord): Promise<void> {
    const prev = this.costs.get(cost.month);
    if (!prev || prev.costAmount <= cost.costAmount) this.costs.set(cost.month, { ...cost });
  }

  async claimBudgetNotice(id: string, doc: Record<string, unknown>): Promise<boolean> {
    if (this.notices.has(id)) return false;
    this.notices.set(id, structuredClone(doc));
    return true;
  }
}
