import { describe, expect, it } from 'vitest';
import { MIN_TRADES_PENALTY, score } from './objective.ts';

const m = { totalReturnPct: 20, maxDrawdownPct: 8, sharpe: 1.5, sortino: 2, calmar: 2.5, trades: 10 };

describe('objectives', () => {
  it('each reads its metric, higher is better', () => {
    expect(score(m, 'sharpe', 1)).toBe(1.5);
    expect(score(m, 'sortino', 1)).toBe(2);
    expect(score(m, 'calmar', 1)).toBe(2.5);
    expect(score(m, 'maxdd', 1)).toBe(-8);
    expect(score(m, 'profit_dd', 1)).toBe(2.5);
    expect(score({ ...m, maxDrawdownPct: 0 }, 'profit_dd', 1)).toBe(20);
  });

  it('a missing value, an invalid trial or too few trades score -Infinity; min_trades penalises by the shortfall', () => {
    expect(score({ ...m, sharpe: null }, 'sharpe', 1)).toBe(-Infinity);
    expect(score(null, 'maxdd', 0)).toBe(-Infinity);
    expect(score(m, 'sharpe', 11)).toBe(-Infinity);
    expect(score(m, 'min_trades', 20)).toBeCloseTo(1.5 - MIN_TRADES_PENALTY / 2, 12);
    expect(score(m, 'min_trades', 10)).toBe(1.5);
    expect(score({ ...m, trades: 0 }, 'min_trades', 0)).toBe(1.5);
  });
});
