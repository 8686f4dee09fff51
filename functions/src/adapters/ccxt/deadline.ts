import type { Deadline } from '../../ports/index.ts';

/** A Deadline (ports/index.ts) that is spent `budgetMs` after it starts, in the clock `now`. */
export function deadlineIn(budgetMs: number, now: () => number = Date.now): Deadline {
  const at = now() + budgetMs;
  return { remainingMs: () => at - now() };
}
