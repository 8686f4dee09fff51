import type { ShadowStore } from '../../ports/shadow.ts';
import type { ShadowResult } from '../../domain/shadow/compare.ts';
import type { MemoryDb } from './MemoryStateStore.ts';

/** The in-memory ShadowStore over the same MemoryDb as MemoryStateStore. */
export class MemoryShadowStore implements ShadowStore {
  constructor(readonly db: MemoryDb) {}
  async loadDayStart(day: string) {
    return structuredClone(this.db.shadow.get(day)?.start ?? null);
  }
  async tradesBetween(fromSeq: number, throughSeq: number | null) {
    return structuredClone(
      [...this.db.trades.values()]
        .filter((t) => t.seq > fromSeq && (throughSeq === null || t.seq <= throughSeq))
        .sort((a, b) => a.seq - b.seq),
    );
  }
  async tickTimes(day: string) {
    return [...this.db.equity]
      .filter(([d]) => d === day)
      .flatMap(([, points]) => [...points.keys()])
      .sort((a, b) => a - b);
  }
  async adminCalls(from: number, to: number, limit: number) {
    return structuredClone(
      this.db.auditLog
        .filter((e) => (e.marketAt ?? e.at) >= from && (e.marketAt ?? e.at) < to)
        .sort((a, b) => (a.marketAt ?? a.at) - (b.marketAt ?? b.at))
        .slice(0, limit),
    );
  }
  async deadLetters(from: number, to: number, limit: number) {
    return structuredClone(
      [...this.db.deadletters.values()]
        .filter((d) => d.receivedAt >= from && d.receivedAt < to)
        .sort((a, b) => a.receivedAt - b.receivedAt)
        .slice(0, limit),
    );
  }
  async saveResult(result: ShadowResult) {
    this.db.shadow.set(result.day, { ...this.db.shadow.get(result.day), result: structuredClone(result) });
    if (!this.db.shadowLatest || this.db.shadowLatest.day <= result.day) this.db.shadowLatest = structuredClone(result);
  }
  async loadResult(day: string) {
    return structuredClone(this.db.shadow.get(day)?.result ?? null);
  }
}
