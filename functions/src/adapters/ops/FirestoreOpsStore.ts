import { costFromDoc, costPath, costToDoc, type CostRecord } from '../../shared/rollups.ts';
import type { Firestore } from '@google-cloud/firestore';
import type { AuditEntry, OpsRecord, OpsStore } from '../../services/adminPorts.ts';
import { storableParams } from '../firestore/storable.ts';

export const OPS_PATHS = {
  status: 'status/system',
  config: 'config/bot',
  dashboardUsers: 'config/dashboardUsers',
  alerts: 'alerts',
  deadletters: 'deadletters',
  signals: 'signals',
  auditLog: 'audit_log',
  budgetNotices: 'budget_notices',
} as const;

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').map((x) => x.toLowerCase()) : []);

export class FirestoreOpsStore implements OpsStore {
  constructor(private readonly db: Firestore) {}

  async readStatusDoc() {
    const snap = await this.db.doc(OPS_PATHS.status).get();
    return snap.exists ? (snap.data() ?? {}) : null;
  }

  private async since(collection: string, field: string, sinceMs: number, limit: number): Promise<OpsRecord[]> {
    const snap = await this.db.collection(collection).where(field, '>=', sinceMs).orderBy(field, 'desc').limit(limit).get();
    return snap.docs.map((d) => ({ ...d.data(), id: d.id }));
  }

  listAlerts(sinceMs: number, limit: number) {
    return this.since(OPS_PATHS.alerts, 'createdAt', sinceMs, limit);
  }

  listDeadLetters(sinceMs: number, limit: number) {
    return this.since(OPS_PATHS.deadletters, 'receivedAt', sinceMs, limit);
  }

  async getSignalDoc(id: string) {
    const snap = await this.db.doc(`${OPS_PATHS.signals}/${id}`).get();
    return snap.exists ? (snap.data() ?? {}) : null;
  }

  async setBotConfigDoc(doc: Record<string, unknown>) {
    await this.db.doc(OPS_PATHS.config).set(doc);
  }

  async dashboardUsers() {
    const data = (await this.db.doc(OPS_PATHS.dashboardUsers).get()).data() ?? {};
    return { emails: strings(data.emails), admins: strings(data.admins) };
  }

  /** Whatever a caller sent, the entry is written: params Firestore cannot store go in as a bounded string. */
  async recordAudit(entry: AuditEntry) {
    const params = storableParams(entry.params);
    await this.db.collection(OPS_PATHS.auditLog).add(params.ok ? entry : { ...entry, params: params.text, paramsUnstorable: params.reason });
  }

  async recordCost(cost: CostRecord) {
    const ref = this.db.doc(costPath(cost.month));
    await this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (snap.exists && costFromDoc(ref.path, snap.data()).costAmount > cost.costAmount) return;
      tx.set(ref, costToDoc(cost));
    });
  }

  async claimBudgetNotice(id: string, doc: Record<string, unknown>) {
    try {
      await this.db.doc(`${OPS_PATHS.budgetNotices}/${id}`).create(doc);
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 6) return false; // ALREADY_EXISTS
      throw err;
    }
  }
}
