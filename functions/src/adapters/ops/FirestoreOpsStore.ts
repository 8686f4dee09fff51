import { costFromDoc, costPath, costToDoc, type CostRecord } from '../../shared/store/index.ts';
import type { Firestore } from '@google-cloud/firestore';
import { runTransaction } from '../firestore/transaction.ts';
import type { AuditEntry, OpsRecord, OpsStore } from '../../ports/ops.ts';
import { DashboardUsersDoc, PATHS, budgetNoticePath, parseDoc, signalPath } from '../../shared/store/index.ts';
import { storableParams } from '../firestore/storable.ts';

export class FirestoreOpsStore implements OpsStore {
  constructor(private readonly db: Firestore) {}

  async readStatusDoc() {
    const snap = await this.db.doc(PATHS.status).get();
    return snap.exists ? (snap.data() ?? {}) : null;
  }

  private async since(collection: string, field: string, sinceMs: number, limit: number): Promise<OpsRecord[]> {
    const snap = await this.db.collection(collection).where(field, '>=', sinceMs).orderBy(field, 'desc').limit(limit).get();
    return snap.docs.map((d) => ({ ...d.data(), id: d.id }));
  }

  listAlerts(sinceMs: number, limit: number) {
    return this.since(PATHS.alerts, 'createdAt', sinceMs, limit);
  }

  listDeadLetters(sinceMs: number, limit: number) {
    return this.since(PATHS.deadletters, 'receivedAt', sinceMs, limit);
  }

  async getSignalDoc(id: string) {
    const snap = await this.db.doc(signalPath(id)).get();
    return snap.exists ? (snap.data() ?? {}) : null;
  }

  async setBotConfigDoc(doc: Record<string, unknown>) {
    await this.db.doc(PATHS.config).set(doc);
  }

  async dashboardUsers() {
    const snap = await this.db.doc(PATHS.dashboardUsers).get();
    return parseDoc(DashboardUsersDoc, snap.ref.path, snap.data() ?? {});
  }

  /** Whatever a caller sent, the entry is written: params Firestore cannot store go in as a bounded string. */
  async recordAudit(entry: AuditEntry) {
    const params = storableParams(entry.params);
    await this.db.collection(PATHS.auditLog).add(params.ok ? entry : { ...entry, params: params.text, paramsUnstorable: params.reason });
  }

  async recordCost(cost: CostRecord) {
    const ref = this.db.doc(costPath(cost.month));
    await runTransaction(this.db, async (tx) => {
      const snap = await tx.get(ref);
      if (snap.exists && costFromDoc(ref.path, snap.data()).costAmount > cost.costAmount) return;
      tx.set(ref, costToDoc(cost));
    });
  }

  async claimBudgetNotice(id: string, doc: Record<string, unknown>) {
    try {
      await this.db.doc(budgetNoticePath(id)).create(doc);
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 6) return false; // ALREADY_EXISTS
      throw err;
    }
  }
}
