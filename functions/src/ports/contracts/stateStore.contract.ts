/**
 * One contract for every StateStore + OrderLedger pair (hono-style: the suite is a function of a
 * factory). The in-memory fakes run it in the unit project, the Firestore adapters on the emulator.
 */
import { describe, expect, it } from 'vitest';
import { initialSymbolState } from '../../domain/engine/index.ts';
import { EMPTY_PROTECTIONS, type Lock } from '../../domain/protections/index.ts';
import { toAmount as A } from '../../domain/money.ts';
import { createSignal } from '../../domain/signal.ts';
import type { Position, Trade } from '../../domain/trading.types.ts';
import { symbolKey } from '../../domain/alerts.ts';
import { findLedgerDiscrepancies, projectionDiscrepancies } from '../../domain/portfolio/ledger.ts';
import { compareWithLedger, planAdjustment } from '../../domain/reconcile/index.ts';
import { RiskParamsSchema } from '../../domain/risk/params.ts';
import {
  AttemptRaceError,
  type AdjustmentLedger,
  type BookChange,
  type OrderLedger,
  type MarketView,
  type StateStore,
  type TickSave,
} from '../state.ts';

export interface StateStoreSubject {
  store: StateStore;
  ledger: OrderLedger & AdjustmentLedger;
}

const T = Date.parse('2023-03-20T12:00:00Z');
const CASH = A('10000');
const NOV = Date.parse('2026-11-01T07:00:00Z');
const DEC = Date.parse('2026-12-01T08:00:00Z');
const JAN = Date.parse('2027-01-01T08:00:00Z');

const position = (symbol: string, tradeId: string): Position => ({
  symbol,
  qty: A('0.1'),
  entryPrice: A('27000'),
  entryTime: T,
  checkedUntil: T,
  costBasis: A('2702.7'),
  stopLoss: A('26900'),
  takeProfit: A('27200'),
  trailingStop: null,
  highWater: A('27000'),
  openTradeId: tradeId,
  lastPrice: A('27000'),
});

const trade = (id: string, symbol: string, time: number, seq = 1): Trade => ({
  id,
  seq,
  signalId: id,
  symbol,
  side: 'buy',
  reason: 'regime_entry',
  qty: A('0.1'),
  price: A('27000'),
  fee: A('2.7'),
  cashDelta: A('-2702.7'),
  qtyDelta: A('0.1'),
  realizedPnl: 0n,
  time,
});

function tickSave(over: Partial<TickSave> = {}): TickSave {
  const state = {
    ...initialSymbolState('1m'),
    lastCandleAt: T - 60_000,
    price: 27000.5,
    staleSince: null,
    recentAtr: [[T - 60_000, 12.5] as const],
  };
  return {
    symbols: new Map([
      [
        'BTC/USDT',
        {
          state,
          guard: { tradeId: 't1', highWater: A('27100'), trailingStop: A('26950'), checkedUntil: T, lastPrice: A('27050'), checkedAt: T },
        },
      ],
    ]),
    markets: {},
    feeds: { 'BTC/USDT': { lastCandleAt: T - 60_000, stale: false, error: null } },
    account: { equity: A('10010'), peakEquity: A('10020'), day: '20230320', dayStartEquity: A('10000') },
    entriesPausedUntil: null,
    lastTickAt: T,
    lastTickLatencyMs: 12,
    lastTickId: 'tick-1',
    marketTime: T,
    healthScore: 100,
    version: 'test',
    protections: EMPTY_PROTECTIONS,
    ...over,
  };
}

export function describeStateStoreContract(name: string, make: () => Promise<StateStoreSubject>): void {
  describe(`StateStore + OrderLedger contract: ${name}`, () => {
    it('protections round-trip through saveTick; liftLocks lifts by symbol or all, and a tick save racing it does not undo the lift', async () => {
      const { store } = await make();
      const lock = (symbol: string, from: number): Lock => ({
        id: `cooldown_${symbol.replace('/', '-')}_${from}`,
        symbol,
        protection: 'cooldown',
        from,
        until: from + 3_600_000,
        reason: 'stopped out',
      });
      const protections = {
        exits: [{ id: 'sig-1', symbol: 'BTC/USDT', at: T, reason: 'stop_loss' as const, pnl: A('-12.5'), cost: A('2700') }],
        locks: [lock('BTC/USDT', T), lock('*', T)],
      };
      await store.saveTick(tickSave({ protections }));
      expect((await store.getStatus())!.protections).toEqual(protections);
      expect((await store.liftLocks(['BTC/USDT'])).map((l) => l.symbol)).toEqual(['BTC/USDT']);
      // a tick that read the lock before the lift saves it again: the lift stands
      await store.saveTick(tickSave({ protections }));
      expect((await store.getStatus())!.locksLifted).toEqual([protections.locks[0]!.id]);
      expect(await store.liftLocks(['BTC/USDT'])).toEqual([]);
      expect((await store.liftLocks('all')).map((l) => l.symbol)).toEqual(['*']);
      // ids of locks no longer stored are forgotten at the next lift
      await store.saveTick(tickSave({ protections: EMPTY_PROTECTIONS }));
      expect(await store.liftLocks('all')).toEqual([]);
      expect((await store.getStatus())!.locksLifted).toEqual([]);
    });

    it('an empty store loads an opening book in NORMAL with no state', async () => {
      const { store } = await make();
      const snap = await store.loadTick(CASH, T);
      expect(snap.status).toBeNull();
      expect(snap.symbols.size).toBe(0);
      expect(snap.book).toMatchObject({ mode: 'NORMAL', entriesPausedUntil: null, positions: {} });
      expect(snap.book.wallet).toMatchObject({ cash: CASH, equity: CASH, peakEquity: CASH, day: '20230320' });
    });

    it('saveTick round-trips engine state, guards, marks and market views exactly; loadTick sees them', async () => {
      const { store } = await make();
      const market: MarketView = {
        symbol: 'BTC/USDT',
        timeframe: '1m',
        lastCandleAt: T - 60_000,
        price: 28_000.5,
        regime: 'bull_trend',
        stale: false,
        staleSince: null,
        error: null,
        stop: A('27000'),
        takeProfit: null,
        updatedAt: T,
        adx: 31.5,
        pdi: 25,
        mdi: 12,
        atr: 120.25,
        atrPct: 0.43,
        atrPctAvg: 0.4,
        ema50: 27_900,
        ema200: 27_500,
      };
      const save = { ...tickSave(), markets: { 'BTC/USDT': market } };
      await store.saveTick(save);
      const snap = await store.loadTick(CASH, T);
      expect(snap.symbols.get('BTC/USDT')).toEqual(save.symbols.get('BTC/USDT'));
      expect(snap.book.wallet).toMatchObject(save.account);
      expect(snap.status).toMatchObject({ lastTickId: 'tick-1', marketTime: T });
      // stored under the document-safe id, as status/system.markets is (find a market by its symbol field)
      expect((await store.getStatus())!.markets).toEqual({ [symbolKey('BTC/USDT')]: market });
    });

    it('the mode moves only through changeMode: a tick never writes it; precedence holds; only a reset leaves KILLED', async () => {
      const { store } = await make();
      await store.saveTick(tickSave());
      expect(await store.changeMode({ type: 'initial' }, 'initial mode')).toEqual({
        ok: true,
        from: 'NORMAL',
        mode: 'NORMAL',
        changed: false,
      });
      expect((await store.getStatus())!.mode).toBe('NORMAL');
      expect(await store.changeMode({ type: 'admin_set', to: 'PAUSED' }, 'operator')).toEqual({
        ok: true,
        from: 'NORMAL',
        mode: 'PAUSED',
        changed: true,
      });
      await store.saveTick(tickSave());
      expect(await store.changeMode({ type: 'initial' }, 'initial mode')).toMatchObject({ mode: 'PAUSED', changed: false });
      expect(await store.getStatus()).toMatchObject({ mode: 'PAUSED', modeReason: 'operator' });
      expect(await store.changeMode({ type: 'kill_switch' }, 'kill switch')).toMatchObject({
        ok: true,
        from: 'PAUSED',
        mode: 'KILLED',
        changed: true,
      });
      expect(await store.changeMode({ type: 'budget_alert', budgetId: 'b1', period: NOV, atLimit: true }, 'budget')).toMatchObject({
        ok: true,
        mode: 'KILLED',
        changed: false,
      });
      expect(await store.changeMode({ type: 'admin_set', to: 'NORMAL' }, 'resume')).toMatchObject({ ok: false, mode: 'KILLED' });
      await store.saveTick(tickSave());
      expect(await store.getStatus()).toMatchObject({ mode: 'KILLED', modeReason: 'kill switch' });
      expect((await store.getBook(CASH, T)).mode).toBe('KILLED');
      expect(await store.changeMode({ type: 'reset', authenticated: true }, 'reset')).toMatchObject({
        ok: true,
        mode: 'NORMAL',
        changed: true,
      });
      expect(await store.getStatus()).toMatchObject({ mode: 'NORMAL', modeReason: 'reset' });
    });

    it('the first change on an empty store writes the mode (the first tick records NORMAL)', async () => {
      const { store } = await make();
      expect(await store.changeMode({ type: 'initial' }, 'initial mode')).toEqual({
        ok: true,
        from: 'NORMAL',
        mode: 'NORMAL',
        changed: false,
      });
      expect(await store.getStatus()).toMatchObject({ mode: 'NORMAL', modeReason: 'initial mode' });
    });

    it('budget notices are ordered by their interval; after a resume the same interval never pauses again; a new one does', async () => {
      const { store } = await make();
      const budget = (period: number, atLimit = true) =>
        store.changeMode({ type: 'budget_alert', budgetId: 'de72f49d', period, atLimit }, `budget ${period}`);
      expect(await budget(DEC, false)).toEqual({ ok: true, from: 'NORMAL', mode: 'NORMAL', changed: false });
      expect(await budget(NOV)).toMatchObject({ mode: 'NORMAL', changed: false, ignored: 'older_period' });
      expect(await budget(DEC)).toMatchObject({ mode: 'PAUSED', changed: true });
      expect(await store.changeMode({ type: 'admin_set', to: 'NORMAL' }, 'resume')).toMatchObject({ mode: 'NORMAL', changed: true });
      expect(await budget(DEC)).toMatchObject({ mode: 'NORMAL', changed: false, ignored: 'resumed_period' });
      expect(await budget(NOV)).toMatchObject({ mode: 'NORMAL', ignored: 'older_period' });
      expect((await store.getStatus())!.mode).toBe('NORMAL');
      expect(await budget(JAN)).toMatchObject({ from: 'NORMAL', mode: 'PAUSED', changed: true });
      expect(await store.getStatus()).toMatchObject({ mode: 'PAUSED', modeReason: `budget ${JAN}` });
    });

    it('concurrent changes compose by precedence: a kill, a budget pause and an operator pause end KILLED', async () => {
      const { store } = await make();
      await store.changeMode({ type: 'initial' }, 'initial mode');
      const out = await Promise.all([
        store.changeMode({ type: 'admin_set', to: 'PAUSED' }, 'operator'),
        store.changeMode({ type: 'budget_alert', budgetId: 'b1', period: NOV, atLimit: true }, 'budget'),
        store.changeMode({ type: 'kill_switch' }, 'kill switch'),
        store.saveTick(tickSave()),
      ]);
      expect(out.slice(0, 3).filter((t) => t !== undefined && t.ok && t.changed && t.mode === 'KILLED')).toHaveLength(1);
      expect(await store.getStatus()).toMatchObject({ mode: 'KILLED', modeReason: 'kill switch' });
    });

    it('executes an order once: the record, ledger, projection and trade; a duplicate changes nothing', async () => {
      const { store, ledger } = await make();
      const book = await store.getBook(CASH, T);
      const p = position('BTC/USDT', 'sig-1');
      const change: BookChange = {
        order: {
          signalId: 'sig-1',
          symbol: 'BTC/USDT',
          side: 'buy',
          createdAt: T,
          outcome: { status: 'filled', tradeId: 'sig-1', qty: p.qty, price: p.entryPrice, fee: A('2.7') },
        },
        ledger: { wallet: { ...book.wallet, cash: CASH - A('2702.7'), feesPaid: A('2.7') }, positions: { 'BTC/USDT': p } },
        trade: trade('sig-1', 'BTC/USDT', T),
      };
      let calls = 0;
      const first = await ledger.execute('sig-1', CASH, T, async () => (calls++, change));
      expect(first.duplicate).toBe(false);
      const again = await ledger.execute('sig-1', CASH, T, async () => (calls++, change));
      expect(again).toEqual({ duplicate: true, change: null });
      expect(calls).toBe(1);
      const after = await store.getBook(CASH, T);
      expect(after.wallet.cash).toBe(CASH - A('2702.7'));
      expect(after.positions).toEqual({ 'BTC/USDT': p });
      expect(await store.loadAudit(CASH, T, 0)).toEqual({ book: after, trades: [change.trade], projected: [p] });
      expect(await store.executorOutcomes(['sig-1', 'sig-2'])).toEqual(new Map([['sig-1', 'filled']]));
    });

    it('books a reconciliation in one transaction: ledger, projection, entries with their evidence, shifted marks; the audit replays it exactly', async () => {
      const { store, ledger } = await make();
      await store.saveTick(tickSave());
      const book = await store.getBook(CASH, T);
      const p = position('BTC/USDT', 'sig-1');
      await ledger.execute('sig-1', CASH, T, async () => ({
        order: {
          signalId: 'sig-1',
          symbol: 'BTC/USDT',
          side: 'buy',
          createdAt: T,
          outcome: { status: 'filled', tradeId: 'sig-1', qty: p.qty, price: p.entryPrice, fee: A('2.7') },
        },
        ledger: { wallet: { ...book.wallet, cash: CASH - A('2702.7'), feesPaid: A('2.7'), tradeSeq: 1 }, positions: { 'BTC/USDT': p } },
        trade: trade('sig-1', 'BTC/USDT', T),
      }));
      // sold by hand on the exchange for 2690 USDT
      const balances = { USDT: { free: CASH - A('2702.7') + A('2690'), locked: 0n }, BTC: { free: 0n, locked: 0n } };
      const rules = () => ({ amountStep: A('0.00001'), minAmount: A('0.00001'), minNotional: A('5'), priceTick: A('0.01') });
      const decide = (b: Awaited<ReturnType<StateStore['getBook']>>) =>
        planAdjustment({
          book: b,
          report: compareWithLedger({ ...b, symbols: ['BTC/USDT'], rules, cashTolerance: A('1'), balances, openOrders: [], inFlight: [] }),
          rules,
          marks: () => null,
          risk: RiskParamsSchema.parse({}),
          note: 'sold by hand',
          by: 'cli:test',
          now: T + 60_000,
        });
      const adj = await ledger.adjust(CASH, T + 60_000, decide);
      expect(adj?.entries.map((e) => [e.seq, e.symbol, e.cashDelta, e.qtyDelta])).toEqual([
        [2, 'USDT', A('2690'), 0n],
        [3, 'BTC/USDT', 0n, A('-0.1')],
      ]);
      const audit = await store.loadAudit(CASH, T + 60_000, 0);
      expect(audit.trades.sort((a, b) => a.seq - b.seq).slice(1)).toEqual(adj!.entries);
      expect(audit.book.wallet).toMatchObject({
        cash: CASH - A('12.7'),
        tradeSeq: 3,
        equity: A('10010') + A('2690') - A('2700'),
        peakEquity: A('10020') - A('10'),
      });
      expect(audit.book.positions).toEqual({});
      expect(audit.projected).toEqual([]);
      expect([
        ...findLedgerDiscrepancies(audit.book.wallet, audit.book.positions, audit.trades),
        ...projectionDiscrepancies(audit.book.positions, audit.projected),
      ]).toEqual([]);
      expect(await ledger.adjust(CASH, T + 120_000, decide)).toBeNull();
      await store.recordReconcile({ at: T + 60_000, clean: true, differences: 0, version: 'v1' });
      expect((await store.getStatus())!.reconcile).toEqual({ at: T + 60_000, clean: true, differences: 0, version: 'v1' });
      // the marks moved by the value booked: 2690 in, 0.1 × 27000 out
      expect((await store.loadTick(CASH, T + 120_000)).status?.account).toEqual({
        equity: A('10000'),
        peakEquity: A('10010'),
        day: '20230320',
        dayStartEquity: A('9990'),
      });
    });

    it('a failing decision leaves nothing behind', async () => {
      const { store, ledger } = await make();
      await expect(
        ledger.execute('sig-x', CASH, T, async () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.executorOutcomes(['sig-x'])).toEqual(new Map());
      expect((await store.loadAudit(CASH, T, 0)).trades).toEqual([]);
    });

    it('live: tx 1 records the intent once; an attempt is recorded only over the attempt seen; tx 2 books once and drops the intent', async () => {
      const { store, ledger } = await make();
      const intent = { signalId: 'sig-live', symbol: 'BTC/USDT', side: 'buy' as const, qty: A('0.01234'), createdAt: T };
      let plans = 0;
      expect(await ledger.beginLive('sig-live', CASH, T, async () => (plans++, { intent }))).toEqual({ kind: 'placing', intent });
      // a redelivery finds the intent (no second plan), with the attempt once one is recorded
      await ledger.markAttempt('sig-live', undefined, T + 5);
      await expect(ledger.markAttempt('sig-live', undefined, T + 6)).rejects.toBeInstanceOf(AttemptRaceError);
      expect(await ledger.beginLive('sig-live', CASH, T, async () => (plans++, { intent }))).toEqual({
        kind: 'placing',
        intent: { ...intent, lastAttemptAt: T + 5 },
      });
      await ledger.markAttempt('sig-live', T + 5, T + 70_000);
      expect(plans).toBe(1);
      expect(await store.executorOutcomes(['sig-live'])).toEqual(new Map());
      const p = position('BTC/USDT', 'sig-live');
      const book = await store.getBook(CASH, T);
      const change: BookChange = {
        order: {
          signalId: 'sig-live',
          symbol: 'BTC/USDT',
          side: 'buy',
          createdAt: T,
          outcome: { status: 'filled', tradeId: 'sig-live', qty: p.qty, price: p.entryPrice, fee: A('2.7') },
        },
        ledger: { wallet: { ...book.wallet, cash: CASH - A('2702.7'), feesPaid: A('2.7') }, positions: { 'BTC/USDT': p } },
        trade: trade('sig-live', 'BTC/USDT', T),
      };
      expect(await ledger.finishLive('sig-live', CASH, T, async () => change)).toEqual({ duplicate: false, change });
      expect(await ledger.finishLive('sig-live', CASH, T, async () => change)).toEqual({ duplicate: true, change: null });
      expect(await ledger.beginLive('sig-live', CASH, T, async () => (plans++, { intent }))).toEqual({ kind: 'final' });
      await expect(ledger.markAttempt('sig-live', T + 70_000, T + 80_000)).rejects.toBeInstanceOf(AttemptRaceError);
      expect((await store.loadAudit(CASH, T, 0)).trades).toEqual([change.trade]);
      expect((await store.getBook(CASH, T)).wallet.cash).toBe(CASH - A('2702.7'));
      expect(await store.executorOutcomes(['sig-live'])).toEqual(new Map([['sig-live', 'filled']]));
    });

    it('live: tx 1 tells the plan the symbols of the other intents in flight', async () => {
      const { ledger } = await make();
      const intent = (signalId: string, symbol: string) => ({ signalId, symbol, side: 'buy' as const, qty: A('0.01'), createdAt: T });
      const seen: string[][] = [];
      const plan = (i: ReturnType<typeof intent>) => async (_book: unknown, inFlight: ReadonlySet<string>) => (
        seen.push([...inFlight].sort()),
        { intent: i }
      );
      await ledger.beginLive('sig-a', CASH, T, plan(intent('sig-a', 'BTC/USDT')));
      await ledger.beginLive('sig-b', CASH, T, plan(intent('sig-b', 'ETH/USDT')));
      await ledger.beginLive('sig-c', CASH, T, plan(intent('sig-c', 'BTC/USDT')));
      expect(seen).toEqual([[], ['BTC/USDT'], ['BTC/USDT', 'ETH/USDT']]);
    });

    it("live: a refusal in tx 1 is the order's outcome; tx 2 without an intent fails and writes nothing", async () => {
      const { store, ledger } = await make();
      const refused: BookChange = {
        order: {
          signalId: 'sig-no',
          symbol: 'BTC/USDT',
          side: 'buy',
          createdAt: T,
          outcome: { status: 'rejected', reason: 'mode: PAUSED' },
        },
      };
      expect(await ledger.beginLive('sig-no', CASH, T, async () => ({ refused }))).toEqual({ kind: 'refused', change: refused });
      expect(await ledger.beginLive('sig-no', CASH, T, async () => ({ refused }))).toEqual({ kind: 'final' });
      await expect(ledger.finishLive('sig-none', CASH, T, async () => refused)).rejects.toThrow(/no live intent/);
      expect(await store.executorOutcomes(['sig-no', 'sig-none'])).toEqual(new Map([['sig-no', 'not_filled']]));
    });

    it('a closing order removes the position from the ledger and its projection', async () => {
      const { store, ledger } = await make();
      const book = await store.getBook(CASH, T);
      const p = position('ETH/USDT', 'sig-open');
      const base = { symbol: 'ETH/USDT', createdAt: T };
      await ledger.execute('sig-open', CASH, T, async () => ({
        order: { ...base, signalId: 'sig-open', side: 'buy', outcome: { status: 'rejected', reason: 'test' } },
        ledger: { wallet: book.wallet, positions: { 'ETH/USDT': p } },
      }));
      await ledger.execute('sig-close', CASH, T, async () => ({
        order: { ...base, signalId: 'sig-close', side: 'sell', outcome: { status: 'rejected', reason: 'test' } },
        ledger: { wallet: book.wallet, positions: {} },
      }));
      expect(await store.executorOutcomes(['sig-open', 'sig-close'])).toEqual(
        new Map([
          ['sig-open', 'not_filled'],
          ['sig-close', 'not_filled'],
        ]),
      );
      expect((await store.getBook(CASH, T)).positions).toEqual({});
      expect((await store.loadAudit(CASH, T, 0)).projected).toEqual([]);
    });

    it('the audit reads the trades after a sequence number, with dust; its checkpoint round-trips exactly', async () => {
      const { store, ledger } = await make();
      const base = { symbol: 'BTC/USDT', createdAt: T };
      for (let seq = 1; seq <= 3; seq++) {
        const book = await store.getBook(CASH, T);
        const t = {
          ...trade(`sig-${seq}`, 'BTC/USDT', T + seq, seq),
          ...(seq === 2 ? { side: 'sell' as const, qtyDelta: A('-0.10000001'), dust: A('0.00000001') } : {}),
        };
        await ledger.execute(t.id, CASH, T, async () => ({
          order: {
            ...base,
            signalId: t.id,
            side: t.side,
            outcome: { status: 'filled', tradeId: t.id, qty: t.qty, price: t.price, fee: t.fee },
          },
          ledger: { wallet: { ...book.wallet, tradeSeq: seq }, positions: {} },
          trade: t,
        }));
      }
      const all = await store.loadAudit(CASH, T, 0);
      expect(all.book.wallet.tradeSeq).toBe(3);
      expect(all.trades.map((t) => t.seq).sort()).toEqual([1, 2, 3]);
      expect(all.trades.find((t) => t.seq === 2)).toMatchObject({ dust: A('0.00000001'), qtyDelta: A('-0.10000001') });
      expect(all.trades.find((t) => t.seq === 1)).not.toHaveProperty('dust');
      expect((await store.loadAudit(CASH, T, 2)).trades.map((t) => t.id)).toEqual(['sig-3']);
      expect((await store.loadAudit(CASH, T, 3)).trades).toEqual([]);

      expect(await store.getAuditCheckpoint()).toBeNull();
      const checkpoint = {
        seq: 3,
        initialCash: CASH,
        cash: A('1234.56789012'),
        realizedPnl: A('-0.00000001'),
        feesPaid: A('8.1'),
        positions: { 'BTC/USDT': { qty: A('0.1'), openTradeId: 'sig-3' } },
        at: T,
      };
      await store.saveAuditCheckpoint(checkpoint);
      expect(await store.getAuditCheckpoint()).toEqual(checkpoint);
    });

    it('the command set reads: the newest trades newest first, and the rollups from a day on, oldest first', async () => {
      const { store, ledger } = await make();
      for (let seq = 1; seq <= 3; seq++) {
        const book = await store.getBook(CASH, T);
        const t = trade(`sig-${seq}`, seq === 2 ? 'ETH/USDT' : 'BTC/USDT', T + seq * 86_400_000, seq);
        await ledger.execute(t.id, CASH, T, async () => ({
          order: {
            symbol: t.symbol,
            createdAt: T,
            signalId: t.id,
            side: t.side,
            outcome: { status: 'filled', tradeId: t.id, qty: t.qty, price: t.price, fee: t.fee },
          },
          ledger: { wallet: { ...book.wallet, tradeSeq: seq }, positions: {} },
          trade: t,
        }));
      }
      expect((await store.recentTrades(2)).map((t) => t.seq)).toEqual([3, 2]);
      expect((await store.recentTrades(10))[1]).toEqual(trade('sig-2', 'ETH/USDT', T + 2 * 86_400_000, 2));
      const days = (await store.loadRollups('20230322')).map((r) => [r.day, r.trades]);
      expect(days).toEqual([
        ['20230322', 1],
        ['20230323', 1],
      ]);
      expect(await store.loadRollups('20300101')).toEqual([]);
    });

    it('stores signals (amounts as 8-decimal text), alerts and dead letters by id (a repeat is an overwrite)', async () => {
      const { store } = await make();
      const s = createSignal(
        {
          strategyVersion: 't@1',
          symbol: 'BTC/USDT',
          timeframe: '1m',
          candleTime: T,
          side: 'buy',
          reason: 'regime_entry',
          refPrice: A('1'),
          atr: A('1'),
          qty: A('1'),
        },
        T,
      );
      await store.saveSignals([s, s]);
      await store.raiseAlert({ id: 'a1', kind: 'error', severity: 'warning', message: 'x', createdAt: T });
      await store.raiseAlert({ id: 'a1', kind: 'error', severity: 'warning', message: 'x', createdAt: T });
      await store.recordDeadLetter({ id: 'd1', source: 'test', reason: 'r', payload: '{}', attributes: {}, receivedAt: T });
      await store.recordEquity(T, A('10000'));
      expect(await store.executorOutcomes(['d1'])).toEqual(new Map([['d1', 'not_filled']]));
    });
  });
}
