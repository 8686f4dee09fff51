import type { Firestore } from '@google-cloud/firestore';
import { runTransaction } from './transaction.ts';
import type { ShadowStore } from '../../ports/shadow.ts';
import type { AuditEntry } from '../../ports/ops.ts';
import type { DeadLetter } from '../../ports/state.ts';
import type { Trade } from '../../domain/trading.types.ts';
import { AuditLogDoc, DeadLetterDoc, EquityDayDoc, PATHS, parseDoc, TradeDoc, equityDayPath } from '../../shared/store/index.ts';
import { dayStartFromDoc, SHADOW_LATEST, shadowDayPath, shadowLatestOf, shadowResultFromDoc } from '../../shared/store/shadow.ts';
import type { StoredDayStart } from '../../domain/shadow/replayDay.ts';
import type { ShadowResult } from '../../domain/shadow/compare.ts';
import { dayBounds } from '../../domain/shadow/replayDay.ts';

export class FirestoreShadowStore implements ShadowStore {
  constructor(private readonly db: Firestore) {}

  async loadDayStart(day: string): Promise<StoredDayStart | null> {
    const snap = await this.db.doc(shadowDayPath(day)).get();
    const start: unknown = snap.get('start');
    return start === undefined ? null : dayStartFromDoc(`${snap.ref.path}.start`, start);
  }

  async tradesBetween(fromSeq: number, throughSeq: number | null): Promise<Trade[]> {
    let q = this.db.collection(PATHS.trades).where('seq', '>', fromSeq);
    if (throughSeq !== null) q = q.where('seq', '<=', throughSeq);
    const snap = await q.orderBy('seq').get();
    return snap.docs.map((d) => parseDoc(TradeDoc, d.ref.path, d.data()));
  }

  async tickTimes(day: string): Promise<number[]> {
    const snap = await this.db.doc(equityDayPath(dayBounds(day).start)).get();
    return snap.exists ? parseDoc(EquityDayDoc, snap.ref.path, snap.data()).points.map((p) => p.time) : [];
  }

  async adminCalls(from: number, to: number, limit: number): Promise<AuditEntry[]> {
    // by market time, and by the wall clock for entries that carry no market time (refused calls, older entries)
    const range = (field: 'marketAt' | 'at') =>
      this.db.collection(PATHS.auditLog).where(field, '>=', from).where(field, '<', to).orderBy(field).limit(limit).get();
    const snaps = await Promise.all([range('marketAt'), range('at')]);
    const byId = new Map(snaps.flatMap((s) => s.docs).map((d) => [d.id, parseDoc(AuditLogDoc, d.ref.path, d.data())] as const));
    return [...byId.values()]
      .filter((e) => (e.marketAt ?? e.at) >= from && (e.marketAt ?? e.at) < to)
      .sort((a, b) => (a.marketAt ?? a.at) - (b.marketAt ?? b.at))
      .slice(0, limit);
  }

  async deadLetters(from: number, to: number, limit: number): Promise<DeadLetter[]> {
    const snap = await this.db
      .collection(PATHS.deadletters)
      .where('receivedAt', '>=', from)
      .where('receivedAt', '<', to)
      .orderBy('receivedAt')
      .limit(limit)
      .get();
    return snap.docs.map((d): DeadLetter => parseDoc(DeadLetterDoc, d.ref.path, d.data()));
  }

  async saveResult(result: ShadowResult): Promise<void> {
    const latest = this.db.doc(SHADOW_LATEST);
    await runTransaction(this.db, async (tx) => {
      const prev = await tx.get(latest);
      tx.set(this.db.doc(shadowDayPath(result.day)), { result }, { merge: true });
      // Re-running an older day never moves the header back.
      if (!prev.exists || String(prev.get('day')) <= result.day) tx.set(latest, shadowLatestOf(result));
    });
  }

  async loadResult(day: string): Promise<ShadowResult | null> {
    const snap = await this.db.doc(shadowDayPath(day)).get();
    const result: unknown = snap.get('result');
    return result === undefined ? null : shadowResultFromDoc(`${snap.ref.path}.result`, result);
  }
}
