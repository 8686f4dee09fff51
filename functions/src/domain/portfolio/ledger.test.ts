import { toAmount } from '../money.ts';
import { describe, expect, it } from 'vitest';
import type { Amount } from '../money.ts';
import { A, riskParams, T0, testBook, testCtx, testSignal } from '../testing/builders.ts';
import { mulberry32, randInt } from '../testing/prng.ts';
import type { Trade } from '../trading.types.ts';
import { applyFill } from './applyFill.ts';
import type { Book } from './book.ts';
import { markToMarket } from './markToMarket.ts';
import { paperFill } from './paperFill.ts';
import { planOrder } from './planOrder.ts';
import { auditLedger, findLedgerDiscrepancies, replayLedger } from './ledger.ts';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT'] as const;

/** A random walk of entries and exits through the real planner and fill path. */
function randomSession(seed: number, steps: number): { book: Book; trades: Trade[] } {
  const rand = mulberry32(seed);
  const ctx = testCtx({ risk: riskParams({ maxOpenPositions: 3, riskPerTradePct: 5, maxExposurePerSymbolPct: 60, killSwitchDrawdownPct: 100, dailyLossLimitPct: 100 }), feeBps: 7.5, slippageBps: 3 });
  const prices: Record<string, Amount> = { 'BTC/USDT': A('27123.45'), 'ETH/USDT': A('1789.01'), 'SOL/USDT': A('21.456'), 'XRP/USDT': A('0.51234') };
  let book = testBook();
  const trades: Trade[] = [];
  for (let i = 0; i < steps; i++) {
    const now = T0 + i * 3_600_000;
    for (const s of SYMBOLS) prices[s] = (prices[s]! * BigInt(randInt(rand, 9_500, 10_520))) / 10_000n || 1n; // ±5 %, drifting
    const symbol = SYMBOLS[randInt(rand, 0, SYMBOLS.length - 1)]!;
    const side = book.positions[symbol] ? 'sell' : 'buy';
    const refPrice = prices[symbol]!;
    const atr = (refPrice * BigInt(randInt(rand, 20, 300))) / 10_000n + 1n;
    // entries ask for far more than they can get (the caps decide); exits for exactly what is held
    const qty = book.positions[symbol]?.qty ?? toAmount('1000');
    const signal = { ...testSignal({ symbol, side, candleTime: now }), refPrice, atr, qty };
    const plan = planOrder(book, signal, ctx);
    if (plan.kind === 'order') {
      const fill = paperFill({ side, refPrice, qty: plan.qty, feeBps: ctx.feeBps, slippageBps: ctx.slippageBps });
      const applied = applyFill(book, signal, fill, ctx.risk);
      book = applied.book;
      trades.push(applied.trade);
      expect(book.wallet.cash).toBeGreaterThanOrEqual(0n);
    }
    book = { ...book, wallet: markToMarket(book.wallet, book.positions, prices, now) };
  }
  return { book, trades };
}

describe('ledger', () => {
  it.each([1, 7, 42, 20230320])('replays to the wallet exactly after a random session (seed %i)', (seed) => {
    const { book, trades } = randomSession(seed, 400);
    expect(trades.filter((t) => t.side === 'sell').length).toBeGreaterThan(20);
    const replay = replayLedger(book.wallet.initialCash, trades);
    expect(replay.cash).toBe(book.wallet.cash);
    expect(replay.realizedPnl).toBe(book.wallet.realizedPnl);
    expect(replay.feesPaid).toBe(book.wallet.feesPaid);
    expect(replay.positions).toEqual(Object.fromEntries(Object.entries(book.positions).map(([s, p]) => [s, p.qty])));
    expect(auditLedger(book.wallet, book.positions, trades)).toEqual([]);
    // closed trades' PnL is the whole story of cash once flat positions are accounted for
    const open = Object.values(book.positions).reduce((s, p) => s + p.costBasis, 0n);
    expect(book.wallet.cash + open - book.wallet.initialCash).toBe(book.wallet.realizedPnl);
  });

  describe('audit finds tampering', () => {
    const { book, trades } = randomSession(99, 200);
    const held = Object.values(book.positions)[0]!;

    it('cash off by one unit', () => {
      const wallet = { ...book.wallet, cash: book.wallet.cash + 1n };
      expect(findLedgerDiscrepancies(wallet, book.positions, trades)).toEqual([{ kind: 'cash_mismatch', wallet: wallet.cash, ledger: book.wallet.cash }]);
    });

    it('a lost opening trade: qty mismatch and a position without its opening trade', () => {
      const missing = trades.filter((t) => t.id !== held.openTradeId);
      const found = findLedgerDiscrepancies(book.wallet, book.positions, missing).map((d) => d.kind);
      expect(found).toEqual(expect.arrayContaining(['cash_mismatch', 'fees_mismatch', 'position_qty_mismatch', 'position_without_opening_trade']));
    });

    it('a position the ledger does not know, and negative cash', () => {
      const positions = { ...book.positions, 'DOGE/USDT': { ...held, symbol: 'DOGE/USDT', openTradeId: 'nope' } };
      const wallet = { ...book.wallet, cash: -1n };
      const lines = auditLedger(wallet, positions, trades);
      expect(lines).toEqual(expect.arrayContaining([
        'negative_cash: wallet cash is -0.00000001',
        expect.stringMatching(/^position_qty_mismatch: DOGE\/USDT/),
        'position_without_opening_trade: DOGE/USDT opened by trade nope, not in the ledger',
      ]));
    });
  });
});
