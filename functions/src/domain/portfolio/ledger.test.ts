import { toAmount, toDecimalString } from '../money.ts';
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
import { auditLedger, findLedgerDiscrepancies, openingReplay, projectionDiscrepancies, replayLedger } from './ledger.ts';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT'] as const;

/** A random walk of entries and exits through the real planner and fill path. */
function randomSession(seed: number, steps: number): { book: Book; trades: Trade[] } {
  const rand = mulberry32(seed);
  const ctx = testCtx({
    risk: riskParams({
      maxOpenPositions: 3,
      riskPerTradePct: 5,
      maxExposurePerSymbolPct: 60,
      killSwitchDrawdownPct: 50,
      dailyLossLimitPct: 100,
    }),
    feeBps: 7.5,
    slippageBps: 3,
  });
  const prices: Record<string, Amount> = {
    'BTC/USDT': A('27123.45'),
    'ETH/USDT': A('1789.01'),
    'SOL/USDT': A('21.456'),
    'XRP/USDT': A('0.51234'),
  };
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
      const applied = applyFill(book, signal, fill, ctx);
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
    const replay = replayLedger(openingReplay(book.wallet.initialCash), trades);
    expect(replay.seq).toBe(trades.length);
    expect(book.wallet.tradeSeq).toBe(trades.length);
    expect(replay.cash).toBe(book.wallet.cash);
    expect(replay.realizedPnl).toBe(book.wallet.realizedPnl);
    expect(replay.feesPaid).toBe(book.wallet.feesPaid);
    expect(replay.positions).toEqual(
      Object.fromEntries(Object.entries(book.positions).map(([s, p]) => [s, { qty: p.qty, openTradeId: p.openTradeId }])),
    );
    expect(auditLedger(book.wallet, book.positions, trades)).toEqual([]);
    // closed trades' PnL is the whole story of cash once flat positions are accounted for
    const open = Object.values(book.positions).reduce((s, p) => s + p.costBasis, 0n);
    expect(book.wallet.cash + open - book.wallet.initialCash).toBe(book.wallet.realizedPnl);
  });

  it.each([1, 7, 42])('an incremental replay from any checkpoint equals the full one, in any trade order (seed %i)', (seed) => {
    const { book, trades } = randomSession(seed, 300);
    const rand = mulberry32(seed);
    const shuffled = [...trades].sort(() => rand() - 0.5);
    const full = replayLedger(openingReplay(book.wallet.initialCash), shuffled);
    for (const cut of [0, 1, 17, Math.floor(trades.length / 2), trades.length - 1, trades.length]) {
      const checkpoint = replayLedger(
        openingReplay(book.wallet.initialCash),
        trades.filter((t) => t.seq <= cut),
      );
      const since = shuffled.filter((t) => t.seq > cut);
      expect(replayLedger(checkpoint, since)).toEqual(full);
      expect(findLedgerDiscrepancies(book.wallet, book.positions, since, checkpoint)).toEqual([]);
    }
  });

  describe('audit finds tampering', () => {
    const { book, trades } = randomSession(99, 200);
    const held = Object.values(book.positions)[0]!;

    it('cash off by one unit', () => {
      const wallet = { ...book.wallet, cash: book.wallet.cash + 1n };
      expect(findLedgerDiscrepancies(wallet, book.positions, trades)).toEqual([
        { kind: 'cash_mismatch', wallet: wallet.cash, ledger: book.wallet.cash },
      ]);
    });

    it('a lost opening trade: qty mismatch and a position without its opening trade', () => {
      const missing = trades.filter((t) => t.id !== held.openTradeId);
      const found = findLedgerDiscrepancies(book.wallet, book.positions, missing).map((d) => d.kind);
      expect(found).toEqual(
        expect.arrayContaining(['cash_mismatch', 'fees_mismatch', 'position_qty_mismatch', 'position_without_opening_trade']),
      );
    });

    it('a lost trade or a duplicated one breaks the sequence, from a checkpoint too', () => {
      const lost = trades.filter((t) => t.seq !== 50);
      expect(findLedgerDiscrepancies(book.wallet, book.positions, lost)).toContainEqual({
        kind: 'sequence_gap',
        from: 0,
        through: trades.length,
        missing: [50],
        extra: [],
      });
      const checkpoint = replayLedger(
        openingReplay(book.wallet.initialCash),
        trades.filter((t) => t.seq <= 40),
      );
      const since = trades.filter((t) => t.seq > 40);
      const lines = auditLedger(book.wallet, book.positions, [...since, trades[44]!], checkpoint);
      expect(lines[0]).toBe(`sequence_gap: trades 41…${trades.length} expected; missing [], unexpected [45]`);
      // booked after the cut but not in the wallet yet (or forged): also outside the sequence
      expect(auditLedger(book.wallet, book.positions, [...since, { ...trades[0]!, seq: trades.length + 1 }], checkpoint)[0]).toMatch(
        /unexpected \[\d+\]$/,
      );
    });

    it('a trade whose quantity fields disagree', () => {
      const sell = trades.find((t) => t.side === 'sell')!;
      const edited = trades.map((t) => (t === sell ? { ...t, qty: t.qty + 1n } : t));
      expect(auditLedger(book.wallet, book.positions, edited)).toEqual([
        `trade_inconsistent: ${sell.id}: sell qtyDelta ${toDecimalString(sell.qtyDelta)} ≠ −(qty + dust)`,
      ]);
    });

    it('a projection that disagrees with the booked positions, or is missing', () => {
      expect(projectionDiscrepancies(book.positions, Object.values(book.positions))).toEqual([]);
      const [first, ...rest] = Object.values(book.positions);
      expect(projectionDiscrepancies(book.positions, [{ ...first!, qty: first!.qty + 1n }, ...rest])).toEqual([
        `projection_mismatch: positions/${first!.symbol.replace('/', '-')} does not match wallet/paper`,
      ]);
      expect(projectionDiscrepancies(book.positions, rest)).toEqual([
        `projection_missing: no positions/${first!.symbol.replace('/', '-')} for the booked position`,
      ]);
    });

    it('a position the ledger does not know, and negative cash', () => {
      const positions = { ...book.positions, 'DOGE/USDT': { ...held, symbol: 'DOGE/USDT', openTradeId: 'nope' } };
      const wallet = { ...book.wallet, cash: -1n };
      const lines = auditLedger(wallet, positions, trades);
      expect(lines).toEqual(
        expect.arrayContaining([
          'negative_cash: wallet cash is -0.00000001',
          expect.stringMatching(/^position_qty_mismatch: DOGE\/USDT/),
          'position_without_opening_trade: DOGE/USDT opened by trade nope, not in the ledger',
        ]),
      );
    });
  });
});
