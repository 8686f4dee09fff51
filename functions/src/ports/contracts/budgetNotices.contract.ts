/**
 * The budget guard's idempotency port (OpsStore.claimBudgetNotice): a notice id is claimed once,
 * whoever asks and however concurrently. Run against the in-memory fake (unit) and Firestore (emulator).
 */
import { describe, expect, it } from 'vitest';
import type { OpsStore } from '../ops.ts';

export function describeBudgetNoticesContract(
  name: string,
  make: () => Promise<Pick<OpsStore, 'claimBudgetNotice' | 'recordCost'>>,
  readCost: (ops: Pick<OpsStore, 'claimBudgetNotice' | 'recordCost'>, month: string) => Promise<number | null>,
): void {
  describe(`budget notices contract: ${name}`, () => {
    it('claims an id once; a repeat, even concurrent, is refused; other ids are independent', async () => {
      const ops = await make();
      const doc = { kind: 'budget', message: 'actual spend passed 50 %' };
      expect(await ops.claimBudgetNotice('budget_b1_2026-11-01_actual_50', doc)).toBe(true);
      expect(await ops.claimBudgetNotice('budget_b1_2026-11-01_actual_50', doc)).toBe(false);
      const race = await Promise.all(Array.from({ length: 5 }, () => ops.claimBudgetNotice('budget_b1_2026-11-01_actual_90', doc)));
      expect(race.filter(Boolean)).toHaveLength(1);
      expect(await ops.claimBudgetNotice('budget_b1_2026-12-01_actual_50', doc)).toBe(true);
    });

    it("keeps a cost interval's highest spend whatever order the resends come in", async () => {
      const ops = await make();
      const start = Date.parse('2026-11-01T07:00:00Z');
      const cost = (costAmount: number) => ({
        month: '202611',
        costAmount,
        budgetAmount: 10,
        currencyCode: 'USD',
        costIntervalStart: start,
        receivedAt: start + Math.round(costAmount * 100),
      });
      await Promise.all([0.42, 1.5, 0.9].map((c) => ops.recordCost(cost(c))));
      await ops.recordCost(cost(1.2));
      expect(await readCost(ops, '202611')).toBe(1.5);
      expect(await readCost(ops, '202612')).toBe(null);
    });
  });
}
