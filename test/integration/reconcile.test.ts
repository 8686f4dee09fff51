/**
 * Reconciliation's booking on the real Firestore emulator: a manual sell found on the exchange
 * account (the in-memory fake; the lead runs the same against the exchange simulator), booked by a
 * confirmed reconcile in one transaction, and the ledger audit exact afterwards (full and incremental).
 */
import { PATHS, positionPath } from '../../functions/src/shared/store/index.ts';
import { recordedExchangeRules } from '../../functions/src/adapters/paper/recordedRules.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryExchangeAccount } from '../../functions/src/adapters/memory/MemoryExchangeAccount.ts';
import { FirestoreOrderLedger } from '../../functions/src/adapters/firestore/FirestoreOrderLedger.ts';
import { FirestoreStateStore } from '../../functions/src/adapters/firestore/FirestoreStateStore.ts';
import { parseBotConfig } from '../../functions/src/config/load.ts';
import { toAmount as A } from '../../functions/src/domain/money.ts';
import type { Position } from '../../functions/src/domain/trading.types.ts';
import { runAudit } from '../../functions/src/services/auditLedger.ts';
import { runReconcile } from '../../functions/src/services/reconcile.ts';
import { resetFirestore, testRuntime } from './harness.ts';

const runtime = testRuntime();
afterAll(() => runtime.db.terminate());
const T = Date.parse('2023-03-20T12:00:00Z');

describe('reconcile on Firestore', () => {
  it('a manual sell: REDUCING, then reconcile --confirm books it in one transaction; the audit is clean; NORMAL again', async () => {
    await resetFirestore();
    const { db } = runtime;
    const store = new FirestoreStateStore(db);
    const ledger = new FirestoreOrderLedger(db);
    await db.doc(PATHS.config).set({ symbols: ['BTC/USDT'], paper: { initialCash: '10000' } });
    const config = parseBotConfig(await store.getBotConfigDoc());
    const p: Position = {
      symbol: 'BTC/USDT',
      qty: A('0.1'),
      entryPrice: A('27000'),
      entryTime: T,
      checkedUntil: T,
      costBasis: A('2702.7'),
      stopLoss: A('26900'),
      takeProfit: A('27200'),
      trailingStop: null,
      highWater: A('27000'),
      openTradeId: 'sig-1',
      lastPrice: A('27000'),
    };
    await ledger.execute('sig-1', A('10000'), T, async (book) => ({
      order: {
        signalId: 'sig-1',
        symbol: 'BTC/USDT',
        side: 'buy',
        createdAt: T,
        outcome: { status: 'filled', tradeId: 'sig-1', qty: p.qty, price: p.entryPrice, fee: A('2.7') },
      },
      ledger: { wallet: { ...book.wallet, cash: A('7297.3'), feesPaid: A('2.7'), tradeSeq: 1 }, positions: { 'BTC/USDT': p } },
      trade: {
        id: 'sig-1',
        seq: 1,
        signalId: 'sig-1',
        symbol: 'BTC/USDT',
        side: 'buy',
        reason: 'regime_entry',
        qty: p.qty,
        price: p.entryPrice,
        fee: A('2.7'),
        cashDelta: A('-2702.7'),
        qtyDelta: p.qty,
        realizedPnl: 0n,
        time: T,
      },
    }));
    expect(await runAudit(store, T)).toMatchObject({ clean: true, throughSeq: 1 });
    await store.changeMode({ type: 'reduce' }, 'reconciliation: drift');

    const account = new MemoryExchangeAccount({ USDT: A('7297.3') + A('2795.5'), BTC: A('0.000003') });
    const deps = { store, ledger, account, exchange: recordedExchangeRules() };
    const shown = await runReconcile(deps, config, ['BTC/USDT'], T + 60_000, null);
    expect(shown.report.differences.map((d) => d.cause)).toEqual(['manual_sell', 'manual_sell']);
    expect((await runAudit(store, T + 60_000)).clean).toBe(true);

    const done = await runReconcile(deps, config, ['BTC/USDT'], T + 60_000, { note: 'sold by hand', by: 'cli:op' });
    expect(done).toMatchObject({ after: { clean: true }, mode: 'NORMAL' });
    const trades = (await db.collection(PATHS.trades).orderBy('seq').get()).docs.map((d) => d.data());
    expect(trades.slice(1)).toEqual([
      expect.objectContaining({
        seq: 2,
        symbol: 'USDT',
        reason: 'adjustment',
        cashDelta: '2795.50000000',
        qtyDelta: '0.00000000',
        adjustment: {
          cause: 'manual_sell',
          asset: 'USDT',
          exchange: '10092.80000000',
          ledger: '7297.30000000',
          note: 'sold by hand',
          by: 'cli:op',
        },
      }),
      expect.objectContaining({ seq: 3, symbol: 'BTC/USDT', reason: 'adjustment', qtyDelta: '-0.10000000' }),
    ]);
    expect((await db.doc(positionPath('BTC/USDT')).get()).exists).toBe(false);
    expect(await runAudit(store, T + 60_000)).toMatchObject({ clean: true, mode: 'incremental', fromSeq: 1, throughSeq: 3 });
    expect(await runAudit(store, T + 60_000, { full: true })).toMatchObject({ clean: true, trades: 3 });
    expect((await store.getStatus())!.reconcile).toMatchObject({ at: T + 60_000, clean: true, differences: 0 });
  });
});
