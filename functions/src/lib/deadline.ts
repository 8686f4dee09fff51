/**
 * One time budget shared by several calls. A tick gives each symbol one budget for its whole
 * candle refresh (new candles AND gap repairs); every fetch of that refresh spends from it, so a
 * slow exchange costs a symbol at most that budget, whatever the number of holes.
 */
export interface Deadline {
  /** Milliseconds left, ≤ 0 once spent; in the clock of whoever created it. */
  remainingMs(): number;
}

export function deadlineIn(budgetMs: number, now: () => number = Date.now): Deadline {
  const at = now() + budgetMs;
  return { remainingMs: () => at - now() };
}

/** A MarketData that spends its fetches from a budget can start one and accept it on each request. */
export interface BudgetedSource {
  startDeadline(): Deadline;
}

export function isBudgetedSource(x: unknown): x is BudgetedSource {
  return typeof (x as Partial<BudgetedSource> | null)?.startDeadline === 'function';
}
